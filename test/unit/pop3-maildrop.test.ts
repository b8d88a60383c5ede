// What a POP3 login sees: the INBOX only, and for an address login only its own mail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageStore, emptyEnvelope } from '../../main/core/store/message-store.js';
import { maildropFor } from '../../main/core/sink/pop3-sink.js';

test('the maildrop is the INBOX, filtered by recipient for an address login', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mailtap-maildrop-'));
  const store = new MessageStore(dir);
  await store.open();
  const add = (subject: string, rcpt: string) =>
    store.add({ chunks: [Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`)], envelope: { ...emptyEnvelope(), rcptTo: [rcpt] }, sessionId: null, source: 'smtp', warnings: [] });
  const a = await add('a', 'ann@example.test');
  const b = await add('b', 'bob@example.test');
  const c = await add('c', 'Ann@Example.test');
  await store.mailbox.move([c.id], 'Trash');
  assert.deepEqual(maildropFor(store, 'anyone').map((m) => m.id), [a.id, b.id]);
  assert.deepEqual(maildropFor(store, 'ann@example.test').map((m) => m.id), [a.id]);
  await store.close();
  await rm(dir, { recursive: true });
});
