// Reading a data directory beside a running server: a message whose file is missing or not
// yet whole is "not yet", never half a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMessageIndex, readWholeMessage } from '../../main/core/export/data-dir-read.js';
import { MessageStore, emptyEnvelope } from '../../main/core/store/message-store.js';

test('a message is read whole or not at all', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mailtap-ddr-'));
  const store = new MessageStore(dir);
  await store.open();
  const raw = Buffer.from('Subject: one\r\n\r\nbody\r\n');
  const a = await store.add({ chunks: [raw], envelope: emptyEnvelope(), sessionId: null, source: 'smtp', warnings: [] });
  const b = await store.add({ chunks: [raw], envelope: emptyEnvelope(), sessionId: null, source: 'smtp', warnings: [] });
  const c = await store.add({ chunks: [raw], envelope: emptyEnvelope(), sessionId: null, source: 'smtp', warnings: [] });
  await store.close();
  // b is still being written (short), c's file is not there yet.
  await truncate(store.file(b.id), 5);
  await rm(store.file(c.id));
  const index = await readMessageIndex(dir);
  assert.deepEqual(index.map((m) => m.id), [a.id, b.id, c.id]);
  assert.deepEqual(await readWholeMessage(dir, index[0]!), raw);
  assert.equal(await readWholeMessage(dir, index[1]!), null);
  assert.equal(await readWholeMessage(dir, index[2]!), null);
  await rm(dir, { recursive: true });
});
