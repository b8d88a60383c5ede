// The records of a recorded session: both levels of the recording, the wire log (every chunk,
// byte-exact, with a microsecond timestamp, direction, leg and TLS state) and the timeline events
// the dissectors made of it, plus the session's summary as it started. They are written to the
// session log (session-log.ts) in chunks.
//
// Record: the 16-character session id, then a 16-byte header and the payload:
//   u8 type (0 wire chunk, 1 timeline events as JSON lines, 2 summary as JSON, 3 TLS key log line,
//     4 mirrored wire chunk)
//   u8 flags (wire and mirror: bit 0 s2c, bit 1 upstream leg, bit 2 inside TLS; key log: bit 1
//     upstream), u16 zero, u32le payload length, f64le timestamp in microseconds.
//
// A proxy passes most bytes on unchanged: what came in on one leg goes out on the other. Such a
// chunk is recorded as a mirror (payload: u32le offset, u32le length) of a range of the
// session's latest wire chunk on the other leg in the same direction, instead of a second copy
// of the bytes; reading the log gives it back as an ordinary wire chunk. That halves what a
// proxied 10 MB fetch writes to the log.
import type { Direction, Leg, Micros, SessionSummary, TimelineEvent, WireChunk } from '../../../shared/types.js';
import { ID_LEN } from './session-log.js';

const HEADER = 16;
const PREFIX = ID_LEN + HEADER;
const WIRE = 0;
const EVENTS = 1;
const SUMMARY = 2;
const KEYLOG = 3;
const MIRROR = 4;
/** Chunks smaller than this are recorded as they are: a mirror would save too little. */
const MIRROR_MIN = 4096;

const wireKey = (leg: Leg, direction: Direction): string => `${leg}:${direction}`;
const otherLeg = (leg: Leg): Leg => (leg === 'client' ? 'upstream' : 'client');

/**
 * One line of TLS key material in the NSS key log format (SSLKEYLOGFILE), as node's `keylog`
 * event gives it. Kept apart from the wire log and the timeline, so that no view shows it;
 * only an explicit key log export (main/core/export/keylog.ts) reads it.
 */
export interface KeyLogRecord {
  t: Micros;
  leg: Leg;
  line: Buffer;
}

export interface WireRecord {
  t: Micros;
  direction: Direction;
  leg: Leg;
  tls: boolean;
  bytes: Buffer;
}

/**
 * A closed session's timeline, parsed only where it is read: opening a 100,000-event session
 * for its first page should not parse the other 99,500 events.
 */
export class EventList {
  private readonly parsed: (TimelineEvent | undefined)[] = [];

  constructor(private readonly lines: string[] = []) {}

  get length(): number {
    return this.lines.length;
  }

  push(line: string): void {
    this.lines.push(line);
  }

  at(i: number): TimelineEvent | undefined {
    if (i < 0 || i >= this.lines.length) return undefined;
    return (this.parsed[i] ??= JSON.parse(this.lines[i]!) as TimelineEvent);
  }

  slice(from: number, to: number): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.lines.length); i++) out.push(this.at(i)!);
    return out;
  }

  all(): TimelineEvent[] {
    return this.slice(0, this.lines.length);
  }
}

export interface SessionRecords {
  summary: SessionSummary | null;
  wire: WireRecord[];
  events: EventList;
  keyLog: KeyLogRecord[];
}

/** Payloads up to this size are copied in with their header; larger ones are referenced. */
const COPY_MAX = 4096;

/**
 * One record as buffers to write in order. A large payload (a DATA chunk of a big message) is
 * not copied: it goes to the log by writev, after its header. Socket chunks are never reused,
 * so holding on to one until the next flush is safe.
 */
function record(id: string, type: number, flags: number, t: number, payload: Buffer): Buffer[] {
  const small = payload.length <= COPY_MAX;
  const h = Buffer.allocUnsafe(PREFIX + (small ? payload.length : 0));
  h.write(id, 0, ID_LEN, 'latin1');
  h[ID_LEN] = type;
  h[ID_LEN + 1] = flags;
  h.writeUInt16LE(0, ID_LEN + 2);
  h.writeUInt32LE(payload.length, ID_LEN + 4);
  h.writeDoubleLE(t, ID_LEN + 8);
  if (!small) return [h, payload];
  payload.copy(h, PREFIX);
  return [h];
}

/**
 * Decode a run of records. With `only`, records of other sessions are skipped; `onRecord` sees
 * every whole record with its session id and position (used to rebuild the index from a segment).
 * Decoding stops at a record cut short, keeping what is whole.
 */
export function decodeRecords(buf: Buffer, start = 0, only?: string, onRecord?: (id: string, offset: number, length: number) => void): Map<string, SessionRecords> {
  const out = new Map<string, SessionRecords>();
  /** Per session, the latest wire chunk of each leg and direction: what a mirror refers to. */
  const latest = new Map<string, Map<string, Buffer>>();
  let pos = start;
  while (pos + PREFIX <= buf.length) {
    const id = buf.toString('latin1', pos, pos + ID_LEN);
    const type = buf[pos + ID_LEN]!;
    const flags = buf[pos + ID_LEN + 1]!;
    const len = buf.readUInt32LE(pos + ID_LEN + 4);
    const t = buf.readDoubleLE(pos + ID_LEN + 8);
    if (pos + PREFIX + len > buf.length) break;
    onRecord?.(id, pos, PREFIX + len);
    if (!only || only === id) {
      let r = out.get(id);
      if (!r) out.set(id, (r = { summary: null, wire: [], events: new EventList(), keyLog: [] }));
      const payload = buf.subarray(pos + PREFIX, pos + PREFIX + len);
      if (type === WIRE || type === MIRROR) {
        const direction: Direction = flags & 1 ? 's2c' : 'c2s';
        const leg: Leg = flags & 2 ? 'upstream' : 'client';
        let last = latest.get(id);
        if (!last) latest.set(id, (last = new Map()));
        let bytes = payload;
        if (type === MIRROR) {
          const of = last.get(wireKey(otherLeg(leg), direction));
          const off = len >= 8 ? payload.readUInt32LE(0) : 0;
          const n = len >= 8 ? payload.readUInt32LE(4) : 0;
          // A mirror whose chunk is not there (a log cut short) is kept, empty, not invented.
          bytes = of && off + n <= of.length ? of.subarray(off, off + n) : Buffer.alloc(0);
        }
        last.set(wireKey(leg, direction), bytes);
        r.wire.push({ t, direction, leg, tls: !!(flags & 4), bytes });
      } else if (type === EVENTS) {
        for (const line of payload.toString('utf8').split('\n')) if (line) r.events.push(line);
      } else if (type === SUMMARY) r.summary = JSON.parse(payload.toString('utf8')) as SessionSummary;
      else if (type === KEYLOG) r.keyLog.push({ t, leg: flags & 2 ? 'upstream' : 'client', line: payload });
    }
    pos += PREFIX + len;
  }
  return out;
}

/** The wire records as API chunks, with each chunk's offset in its leg and direction's stream. */
export function wireChunks(records: WireRecord[], offset: number, limit: number): WireChunk[] {
  const offsets = new Map<string, number>();
  const items: WireChunk[] = [];
  records.forEach((r, index) => {
    const key = `${r.leg}:${r.direction}`;
    const off = offsets.get(key) ?? 0;
    offsets.set(key, off + r.bytes.length);
    if (index >= offset && index < offset + limit)
      items.push({ index, t: r.t, direction: r.direction, leg: r.leg, tls: r.tls, offset: off, data: r.bytes.toString('base64') });
  });
  return items;
}

/** Collects a live session's records until they are written to the log as one chunk. */
export class RecordBuffer {
  private parts: Buffer[] = [];
  /** The latest wire chunk of each leg and direction, as the reader will track it. */
  private readonly latest = new Map<string, Buffer>();
  bytes = 0;

  constructor(readonly id: string) {}

  summary(s: SessionSummary): void {
    this.push(record(this.id, SUMMARY, 0, s.startedAt, Buffer.from(JSON.stringify(s))));
  }

  wire(r: WireRecord): void {
    const flags = (r.direction === 's2c' ? 1 : 0) | (r.leg === 'upstream' ? 2 : 0) | (r.tls ? 4 : 0);
    const of = this.latest.get(wireKey(otherLeg(r.leg), r.direction));
    const b = r.bytes;
    const off = of ? b.byteOffset - of.byteOffset : -1;
    if (of && b.length >= MIRROR_MIN && b.buffer === of.buffer && off >= 0 && off + b.length <= of.length) {
      const ref = Buffer.allocUnsafe(8);
      ref.writeUInt32LE(off, 0);
      ref.writeUInt32LE(b.length, 4);
      this.push(record(this.id, MIRROR, flags, r.t, ref));
    } else this.push(record(this.id, WIRE, flags, r.t, b));
    // What the reader will take as this leg and direction's latest chunk; a small one is not
    // worth keeping alive, and then nothing can mirror it.
    if (b.length >= MIRROR_MIN) this.latest.set(wireKey(r.leg, r.direction), b);
    else this.latest.delete(wireKey(r.leg, r.direction));
  }

  keyLog(r: KeyLogRecord): void {
    this.push(record(this.id, KEYLOG, r.leg === 'upstream' ? 2 : 0, r.t, r.line));
  }

  events(events: TimelineEvent[]): void {
    if (!events.length) return;
    const json = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    this.push(record(this.id, EVENTS, 0, events[0]!.t, Buffer.from(json)));
  }

  /**
   * Everything collected so far, as the buffers of one chunk (written together, in order, by
   * writev); the buffer starts over.
   */
  take(): Buffer[] | null {
    if (!this.parts.length) return null;
    const chunk = this.parts;
    this.parts = [];
    this.bytes = 0;
    // Chunks are kept for mirroring only until they are written (a proxy forwards a chunk in
    // the same turn it came in), so that a live session holds no socket chunk for long.
    this.latest.clear();
    return chunk;
  }

  private push(bufs: Buffer[]): void {
    for (const b of bufs) {
      this.parts.push(b);
      this.bytes += b.length;
    }
  }
}
