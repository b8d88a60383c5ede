// The session log's records (main/core/store/session-records.ts): what is written reads back
// the same, and bytes a proxy passed on unchanged are written once (a mirror record), not twice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Direction, Leg } from '../../shared/types.js';
import { RecordBuffer, decodeRecords, type WireRecord } from '../../main/core/store/session-records.js';

const ID = '0000000000000abc';

function roundTrip(buf: RecordBuffer, takeAfter: Set<number> = new Set(), records: WireRecord[] = []): { read: WireRecord[]; written: number } {
  const parts: Buffer[] = [];
  records.forEach((r, i) => {
    buf.wire(r);
    if (takeAfter.has(i)) parts.push(...(buf.take() ?? []));
  });
  parts.push(...(buf.take() ?? []));
  const log = Buffer.concat(parts);
  return { read: decodeRecords(log).get(ID)?.wire ?? [], written: log.length };
}

/** `size` bytes that differ from one offset to the next, so that a range read off by one shows. */
const pattern = (size: number, seed = 0): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + seed) % 251));

const rec = (leg: Leg, direction: Direction, bytes: Buffer, t = 1): WireRecord => ({ t, leg, direction, tls: false, bytes });

describe('session log records', () => {
  test('a chunk passed on unchanged is written once and reads back whole, on both legs', () => {
    const upstream = pattern(64 * 1024);
    const forwarded = upstream.subarray(100, 60_000); // a view: the proxy forwards part of what came in
    const { read, written } = roundTrip(new RecordBuffer(ID), new Set(), [rec('upstream', 's2c', upstream), rec('client', 's2c', forwarded, 2)]);
    assert.equal(read.length, 2);
    assert.deepEqual(read[0]!.bytes, upstream);
    assert.deepEqual(read[1]!.bytes, forwarded);
    assert.equal(read[1]!.leg, 'client');
    assert.equal(read[1]!.t, 2);
    assert.ok(written < upstream.length + 200, `written once: ${written} bytes`);
  });

  test('a copy, a chunk too small, or one the buffer was written out before, are written as they are', () => {
    const big = pattern(8192, 3);
    const cases: [string, WireRecord[], Set<number>][] = [
      ['a copy', [rec('client', 'c2s', big), rec('upstream', 'c2s', Buffer.from(big))], new Set()],
      ['too small', [rec('client', 'c2s', big), rec('upstream', 'c2s', big.subarray(0, 100))], new Set()],
      ['written out between', [rec('client', 'c2s', big), rec('upstream', 'c2s', big)], new Set([0])],
      ['same leg', [rec('client', 'c2s', big), rec('client', 'c2s', big)], new Set()],
    ];
    for (const [what, records, takes] of cases) {
      const { read, written } = roundTrip(new RecordBuffer(ID), takes, records);
      assert.deepEqual(read.map((r) => r.bytes), records.map((r) => r.bytes), what);
      assert.ok(written > records.reduce((n, r) => n + r.bytes.length, 0), `${what}: every byte written`);
    }
  });

  test('any sequence of chunks and views of them, taken out at any points, reads back as recorded', () => {
    const legs: Leg[] = ['client', 'upstream'];
    const dirs: Direction[] = ['c2s', 's2c'];
    const step = fc.record({
      leg: fc.constantFrom(...legs),
      dir: fc.constantFrom(...dirs),
      // A fresh chunk, or a view of the latest chunk recorded so far.
      view: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: null }),
      size: fc.integer({ min: 0, max: 12_000 }),
      take: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const buf = new RecordBuffer(ID);
        const records: WireRecord[] = [];
        const takes = new Set<number>();
        let n = 0;
        for (const s of steps) {
          const base = records.at(-1)?.bytes;
          let bytes: Buffer;
          if (s.view && base && base.length) {
            const from = s.view[0] % base.length;
            bytes = base.subarray(from, from + (s.view[1] % (base.length - from + 1)));
          } else bytes = pattern(s.size, n++);
          if (s.take) takes.add(records.length);
          records.push(rec(s.leg, s.dir, bytes, records.length));
        }
        const { read } = roundTrip(buf, takes, records);
        assert.equal(read.length, records.length);
        read.forEach((r, i) => {
          assert.deepEqual(r.bytes, records[i]!.bytes, `record ${i}`);
          assert.equal(r.leg, records[i]!.leg);
          assert.equal(r.direction, records[i]!.direction);
          assert.equal(r.t, records[i]!.t);
        });
      }),
      { numRuns: 300 },
    );
  });
});
