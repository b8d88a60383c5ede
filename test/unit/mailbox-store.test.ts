// The mailbox model in the message store: folders, UIDs and UIDVALIDITY that survive restarts
// and never repeat, flags, moves and copies journalled, and journals from before folders
// existed loaded with stable UIDs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageStore, emptyEnvelope } from '../../main/core/store/message-store.js';
import { applyFlags } from '../../main/core/mailbox/flags.js';
import { MessageFacts } from '../../main/core/mailbox/message-facts.js';
import type { MessageSummary } from '../../shared/types.js';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailtap-mailbox-'));
const add = (s: MessageStore, subject: string, folder?: string) =>
  s.add({ chunks: [Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`)], envelope: emptyEnvelope(), sessionId: null, source: 'smtp', warnings: [], ...(folder ? { folder } : {}) });

async function reopen(s: MessageStore, dir: string): Promise<MessageStore> {
  await s.close();
  const b = new MessageStore(dir);
  await b.open();
  return b;
}

const uidsOf = (s: MessageStore, folder: string): [number, string][] =>
  (s.folders.membersOf(folder)?.ids ?? []).map((id) => [s.get(id)!.uid!, s.get(id)!.subject]);

describe('MessageStore: mailboxes', () => {
  test('INBOX and the special-use folders exist from the start, with stable UIDVALIDITY', async () => {
    const dir = await tmp();
    let s = new MessageStore(dir);
    await s.open();
    const before = s.folders.list().map((f) => [f.name, f.uidValidity, f.specialUse]);
    assert.deepEqual(before.map((f) => f[0]).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    s = await reopen(s, dir);
    assert.deepEqual(s.folders.list().map((f) => [f.name, f.uidValidity, f.specialUse]), before);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('UIDs ascend, survive a restart, and are never given twice, even after the newest is deleted', async () => {
    const dir = await tmp();
    let s = new MessageStore(dir);
    await s.open();
    await add(s, 'a');
    await add(s, 'b');
    const c = await add(s, 'c');
    await s.delete([c.id]);
    s = await reopen(s, dir);
    assert.deepEqual(uidsOf(s, 'INBOX'), [[1, 'a'], [2, 'b']]);
    assert.equal((await add(s, 'd')).uid, 4, 'UID 3 was used by the deleted message');
    s = await reopen(s, dir);
    assert.equal(s.folders.get('INBOX')!.uidNext, 5);
    assert.deepEqual(uidsOf(s, 'INBOX'), [[1, 'a'], [2, 'b'], [4, 'd']]);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('flags, moves, copies and folder changes are journalled', async () => {
    const dir = await tmp();
    let s = new MessageStore(dir);
    await s.open();
    const a = await add(s, 'a');
    const b = await add(s, 'b');
    await s.mailbox.setFlags([{ id: a.id, read: true, flags: ['\\Flagged', '$Work'] }]);
    await s.mailbox.createFolder('Projects');
    await s.mailbox.move([b.id], 'Projects');
    const [copy] = await s.mailbox.copy([a.id], 'Archive');
    await s.mailbox.renameFolders([['Projects', 'Work']]);
    await s.mailbox.setSubscribed('Junk', false);
    s = await reopen(s, dir);
    assert.deepEqual(s.get(a.id)!.flags, ['\\Flagged', '$Work']);
    assert.equal(s.get(a.id)!.read, true);
    assert.equal(s.get(b.id)!.folder, 'Work');
    assert.deepEqual(uidsOf(s, 'Work'), [[1, 'b']]);
    assert.equal(s.get(copy!.to.id)!.folder, 'Archive');
    assert.deepEqual(s.get(copy!.to.id)!.flags, ['\\Flagged', '$Work'], 'a copy keeps the flags');
    assert.equal(s.get(copy!.to.id)!.receivedAt, a.receivedAt, 'and the internal date');
    assert.deepEqual(await s.raw(copy!.to.id), await s.raw(a.id));
    assert.equal(s.folders.get('Junk')!.subscribed, false);
    assert.ok(!s.folders.has('Projects'));
    const gone = await s.mailbox.deleteFolder('Work');
    assert.deepEqual(gone, [b.id]);
    s = await reopen(s, dir);
    assert.ok(!s.folders.has('Work'));
    assert.equal(s.get(b.id), undefined);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('a re-created folder gets a new UIDVALIDITY', async () => {
    const dir = await tmp();
    const s = new MessageStore(dir);
    await s.open();
    const first = await s.mailbox.createFolder('Tmp');
    await s.mailbox.deleteFolder('Tmp');
    const second = await s.mailbox.createFolder('Tmp');
    assert.ok(second.uidValidity > first.uidValidity);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('a journal from before folders: every message in INBOX, UIDs in arrival order, kept from then on', async () => {
    const dir = await tmp();
    let s = new MessageStore(dir);
    await s.open();
    for (const x of ['one', 'two', 'three']) await add(s, x);
    await s.close();
    // Rewrite the journal the way the first version wrote it: add records without mailbox fields.
    const path = join(dir, 'messages.jsonl');
    const old = (await readFile(path, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { op: string; m?: MessageSummary })
      .filter((r) => r.op === 'add')
      .map((r) => {
        const { folder: _f, uid: _u, flags: _g, ...m } = r.m!;
        return JSON.stringify({ op: 'add', m });
      });
    await writeFile(path, old.join('\n') + '\n');
    s = new MessageStore(dir);
    await s.open();
    assert.deepEqual(uidsOf(s, 'INBOX'), [[1, 'one'], [2, 'two'], [3, 'three']]);
    const uv = s.folders.get('INBOX')!.uidValidity;
    await s.delete([s.folders.membersOf('INBOX')!.ids[0]!]);
    s = await reopen(s, dir);
    assert.deepEqual(uidsOf(s, 'INBOX'), [[2, 'two'], [3, 'three']], 'the UIDs given at migration stay');
    assert.equal(s.folders.get('INBOX')!.uidValidity, uv);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('the horizon holds back a UID whose record is not yet written', async () => {
    const dir = await tmp();
    const s = new MessageStore(dir);
    await s.open();
    const p1 = add(s, 'slow');
    assert.equal(s.folders.horizon('INBOX'), 1, 'UID 1 is taken but not yet visible');
    await p1;
    assert.equal(s.folders.horizon('INBOX'), 2);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('the IMAP facts cache survives a restart and is used instead of the file', async () => {
    const dir = await tmp();
    const cache = join(dir, 'imap-cache.jsonl');
    let s = new MessageStore(dir);
    await s.open();
    let facts = new MessageFacts(s, cache);
    const a = await add(s, 'cached');
    const b = await add(s, 'gone');
    const env = (await facts.fetch(a, { envelope: true, bodystructure: true })).envelope;
    assert.match(env!, /"cached"/);
    await s.delete([b.id]);
    await facts.settled();
    s = await reopen(s, dir);
    facts = new MessageFacts(s, cache);
    await unlink(s.file(a.id)); // were the file read, this would fail
    const again = await facts.fetch(s.get(a.id)!, { envelope: true, bodystructure: true });
    assert.equal(again.envelope, env);
    assert.match(again.bodystructure!, /^\("text" "plain"/);
    await s.close();
    await rm(dir, { recursive: true });
  });

  test('flag arithmetic: one spelling, one order, no duplicates', () => {
    assert.deepEqual(applyFlags(['\\Seen'], 'add', ['\\flagged', '$A', '\\SEEN', '$a']), ['\\Flagged', '\\Seen', '$A']);
    assert.deepEqual(applyFlags(['\\Seen', '\\Deleted', '$A'], 'remove', ['\\deleted', '$a']), ['\\Seen']);
    assert.deepEqual(applyFlags(['\\Seen'], 'set', ['\\Recent', '\\Draft']), ['\\Draft']);
  });
});
