// The stores on a real file system: durability, repair at startup, retention.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageStore, emptyEnvelope } from '../../main/core/store/message-store.js';
import { SessionStore } from '../../main/core/store/session-store.js';
import { newId } from '../../main/core/store/ids.js';
import { SettingsStore } from '../../main/core/store/settings-store.js';
import type { SessionSummary } from '../../shared/types.js';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailtap-store-'));
const msg = (subject: string): Buffer => Buffer.from(`Subject: ${subject}\r\nFrom: A <a@x.test>\r\nTo: b@y.test\r\n\r\nbody\r\n`);

async function add(store: MessageStore, subject: string) {
  return store.add({ chunks: [msg(subject)], envelope: { ...emptyEnvelope(), mailFrom: 'a@x.test', rcptTo: ['b@y.test'] }, sessionId: null, source: 'smtp', warnings: [] });
}

describe('MessageStore', () => {
  test('add, reopen: the index and the bytes survive', async () => {
    const dir = await tmp();
    const a = new MessageStore(dir);
    await a.open();
    const m1 = await add(a, 'one');
    const m2 = await add(a, 'two');
    await a.markRead(m1.id, true);
    await a.close();
    const b = new MessageStore(dir);
    await b.open();
    assert.deepEqual(b.list({}).items.map((m) => m.subject), ['two', 'one']);
    assert.equal(b.get(m1.id)!.read, true);
    assert.deepEqual(await b.raw(m2.id), msg('two'));
    await b.close();
    await rm(dir, { recursive: true });
  });

  test('repair: an orphan .eml is recovered, a deleted one stays deleted, a short file is dropped', async () => {
    const dir = await tmp();
    const a = new MessageStore(dir);
    await a.open();
    const kept = await add(a, 'kept');
    const gone = await add(a, 'deleted');
    const torn = await add(a, 'torn');
    await a.delete([gone.id]);
    await a.close();
    // A crash after the file was written but before its journal record…
    const orphan = newId();
    await writeFile(join(dir, 'messages', `${orphan}.eml`), msg('orphan'));
    // …a delete whose unlink never happened…
    await writeFile(join(dir, 'messages', `${gone.id}.eml`), msg('deleted'));
    // …and a journalled message whose data never reached the disk.
    await truncate(join(dir, 'messages', `${torn.id}.eml`), 5);
    const b = new MessageStore(dir);
    const r = await b.open();
    assert.equal(r.recovered, 1);
    assert.deepEqual(b.list({}).items.map((m) => m.subject).sort(), ['kept', 'orphan']);
    const o = b.list({ subject: 'orphan' }).items[0]!;
    assert.equal(o.envelope.mailFrom, 'a@x.test', 'the envelope is rebuilt from the headers');
    assert.ok(o.warnings.some((w) => w.startsWith('recovered')));
    assert.ok(b.get(kept.id));
    const files = await readdir(join(dir, 'messages'));
    assert.ok(!files.includes(`${gone.id}.eml`), 'the deleted file is removed at startup');
    await b.close();
    await rm(dir, { recursive: true });
  });

  test('retention picks the oldest beyond the count, then by age', async () => {
    const dir = await tmp();
    const s = new MessageStore(dir);
    await s.open();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await add(s, `m${i}`)).id);
    assert.deepEqual(s.overRetention(3, 0), ids.slice(0, 2));
    assert.deepEqual(s.overRetention(0, 1, Date.now() + 2 * 3600_000), ids);
    assert.deepEqual(s.overRetention(0, 0), []);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('search by from, to, subject and free text', async () => {
    const dir = await tmp();
    const s = new MessageStore(dir);
    await s.open();
    await add(s, 'Invoice 42');
    await add(s, 'Hello');
    assert.equal(s.list({ q: 'invoice' }).total, 1);
    assert.equal(s.list({ subject: 'hello' }).total, 1);
    assert.equal(s.list({ from: 'a@x.test' }).total, 2);
    assert.equal(s.list({ to: 'nobody' }).total, 0);
    await s.close();
    await rm(dir, { recursive: true });
  });
});

describe('SessionStore', () => {
  const summary = (): SessionSummary => ({
    id: newId(), protocol: 'smtp', role: 'sink', startedAt: 1_000_000, endedAt: null, client: { address: '127.0.0.1', port: 1 }, server: { address: '127.0.0.1', port: 2 },
    upstream: null, tls: false, user: null, messageIds: [], exchanges: 0, warnings: 0, errors: 0, bytesIn: 0, bytesOut: 0,
  });

  test('a session cut off by a crash is rebuilt from its file', async () => {
    const dir = await tmp();
    const a = new SessionStore(dir);
    await a.open();
    const s = summary();
    a.start(s);
    a.appendWire(s.id, { t: 1_000_100, direction: 's2c', leg: 'client', tls: false, bytes: Buffer.from('220 hi\r\n') });
    a.appendEvents(s.id, [{ seq: 0, kind: 'exchange', t: 1_000_100, leg: 'client', command: null, replies: [], latencyUs: null }, { seq: 1, kind: 'warning', t: 1_000_200, code: 'x', text: 'y' }]);
    await a.close(); // flushes the file, but no 'end' record reaches the index
    const b = new SessionStore(dir);
    assert.deepEqual(await b.open(), { recovered: 1 });
    const r = b.get(s.id)!;
    assert.equal(r.exchanges, 1);
    assert.equal(r.warnings, 1);
    assert.equal(r.bytesOut, 8);
    assert.equal(r.endedAt, 1_000_200);
    assert.equal((await b.events(s.id)).total, 2);
    const wire = await b.wire(s.id);
    assert.equal(Buffer.from(wire.items[0]!.data, 'base64').toString(), '220 hi\r\n');
    await b.close();
    await rm(dir, { recursive: true });
  });

  test('ended sessions are indexed and read back; deleted ones stay deleted', async () => {
    const dir = await tmp();
    const a = new SessionStore(dir);
    await a.open();
    const s = summary();
    const t = summary();
    for (const x of [s, t]) {
      a.start(x);
      a.appendWire(x.id, { t: 1_000_100, direction: 'c2s', leg: 'client', tls: true, bytes: Buffer.from(`EHLO ${x.id}\r\n`) });
      x.endedAt = 2_000_000;
      await a.end(x);
    }
    assert.deepEqual(await a.delete([s.id]), [s.id]);
    await a.close();
    const b = new SessionStore(dir);
    assert.deepEqual(await b.open(), { recovered: 0 });
    assert.equal(b.get(s.id), undefined, 'a deleted session is not rebuilt from the log');
    const w = await b.wire(t.id);
    assert.equal(Buffer.from(w.items[0]!.data, 'base64').toString(), `EHLO ${t.id}\r\n`);
    assert.equal(w.items[0]!.tls, true);
    await b.close();
    await rm(dir, { recursive: true });
  });

  test('large chunks (written by reference) and small ones (copied) read back byte-exact, in order', async () => {
    const dir = await tmp();
    const a = new SessionStore(dir);
    await a.open();
    const s = summary();
    a.start(s);
    const sizes = [1, 4096, 4097, 70_000, 3, 1 << 20, 4095];
    const sent = sizes.map((n, i) => Buffer.alloc(n, 65 + i));
    sent.forEach((bytes, i) => a.appendWire(s.id, { t: 1_000_100 + i, direction: i % 2 ? 's2c' : 'c2s', leg: 'client', tls: false, bytes }));
    await a.end({ ...s, endedAt: 2_000_000 });
    await a.close();
    for (const reopen of [false, true]) {
      // Read back through the index, then again with the index gone (repair from the segment).
      if (reopen) await rm(join(dir, 'sessions.jsonl'));
      const b = new SessionStore(dir);
      await b.open();
      const w = await b.wire(s.id, 0, 100);
      assert.deepEqual(w.items.map((c) => Buffer.from(c.data, 'base64')), sent);
      assert.deepEqual(w.items.map((c) => c.t), sizes.map((_, i) => 1_000_100 + i));
      await b.close();
    }
    await rm(dir, { recursive: true });
  });

  test('a segment whose sessions are all deleted is removed', async () => {
    const dir = await tmp();
    const a = new SessionStore(dir);
    await a.open();
    const s = summary();
    a.start(s);
    await a.end({ ...s, endedAt: 2_000_000 });
    await a.close();
    // Pretend the log has moved on to a new segment, then delete the only session of the old one.
    await writeFile(join(dir, 'sessions', '00000002.mtlog'), '');
    const b = new SessionStore(dir);
    await b.open();
    await b.delete([s.id]);
    assert.deepEqual(await readdir(join(dir, 'sessions')), ['00000002.mtlog']);
    await b.close();
    await rm(dir, { recursive: true });
  });
});

describe('SettingsStore', () => {
  test('validates, persists through lowdb, and keeps defaults for new keys', async () => {
    const dir = await tmp();
    const a = new SettingsStore(dir);
    await a.open();
    await assert.rejects(a.update({ smtp: { maxLineLength: 100 } }), /maxLineLength/);
    await assert.rejects(a.update({ retention: { maxMessages: -1 } }), /maxMessages/);
    await a.update({ smtp: { credentials: [{ user: 'u', password: 'p' }] } });
    const b = new SettingsStore(dir);
    await b.open();
    assert.deepEqual(b.get().smtp.credentials, [{ user: 'u', password: 'p' }]);
    assert.equal(b.get().smtp.maxLineLength, 4096);
    await rm(dir, { recursive: true });
  });
});
