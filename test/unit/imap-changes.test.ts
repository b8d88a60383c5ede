// The IMAP server codec changing the mailbox: flags, copies, moves, expunges, appends with
// literals, folders, and the updates other sessions see (IDLE included). Each test has a store
// of its own; every change is checked in the store as well, since that is what the API shows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ImapHost, ImapPlay, openHost, playImap, tagged } from '../helpers/imap-play.js';

const msg = (subject: string): string => `From: a@x.test\r\nTo: bob@y.test\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`;
const SELECT = 'a LOGIN bob x\r\nb SELECT INBOX\r\n';

async function withHost(n: number, fn: (h: ImapHost) => Promise<void>): Promise<void> {
  const h = await openHost();
  for (let i = 1; i <= n; i++) await h.catchMail(msg(`m${i}`));
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const subjects = (h: ImapHost, folder: string): string[] =>
  (h.store.folders.membersOf(folder)?.ids ?? []).map((id) => h.store.get(id)!.subject);

describe('IMAP server: changes', () => {
  test('STORE +FLAGS, -FLAGS, FLAGS and .SILENT; \\Seen is the API\'s read', () =>
    withHost(3, async (h) => {
      const r = await playImap(h, [SELECT, 'c STORE 1:2 +FLAGS (\\Seen \\Flagged $Label)\r\n', 'd STORE 2 -FLAGS (\\Flagged)\r\n', 'e UID STORE 3 FLAGS.SILENT (\\Answered)\r\n', 'f STORE 1 FLAGS \\Draft\r\n']);
      assert.deepEqual(tagged(r), ['a OK', 'b OK', 'c OK', 'd OK', 'e OK', 'f OK']);
      assert.ok(r.lines.includes('* 1 FETCH (FLAGS (\\Flagged \\Seen $Label))'));
      assert.ok(r.lines.includes('* 2 FETCH (FLAGS (\\Seen $Label))'));
      assert.ok(r.lines.includes('* 1 FETCH (FLAGS (\\Draft))'));
      assert.ok(!r.lines.some((l) => l.startsWith('* 3 FETCH')), '.SILENT says nothing');
      const ms = h.store.list({}).items.reverse();
      assert.deepEqual(ms.map((m) => [m.read, m.flags]), [[false, ['\\Draft']], [true, ['$Label']], [false, ['\\Answered']]]);
    }));

  test('EXPUNGE removes \\Deleted messages, highest first; UID EXPUNGE only those named', () =>
    withHost(4, async (h) => {
      const r = await playImap(h, [SELECT, 'c STORE 1:4 +FLAGS.SILENT (\\Deleted)\r\n', 'd UID EXPUNGE 2\r\n', 'e EXPUNGE\r\n', 'f FETCH 1:* FLAGS\r\n']);
      assert.deepEqual(r.lines.filter((l) => l.endsWith('EXPUNGE')), ['* 2 EXPUNGE', '* 3 EXPUNGE', '* 2 EXPUNGE', '* 1 EXPUNGE']);
      assert.deepEqual(tagged(r).slice(-1), ['f BAD']);
      assert.equal(h.store.count, 0);
    }));

  test('COPY answers COPYUID and keeps flags; MOVE tells COPYUID and EXPUNGE before its OK', () =>
    withHost(3, async (h) => {
      const uv = h.store.folders.get('Archive')!.uidValidity;
      const r = await playImap(h, [SELECT, 'c STORE 1 +FLAGS.SILENT (\\Flagged)\r\n', 'd COPY 1:2 Archive\r\n', 'e UID MOVE 2:3 Trash\r\n', 'f COPY 1 Nowhere\r\n', 'g FETCH 1:* UID\r\n']);
      assert.ok(r.lines.includes(`d OK [COPYUID ${uv} 1,2 1:2] COPY completed`));
      const trash = h.store.folders.get('Trash')!.uidValidity;
      const i = r.lines.indexOf(`* OK [COPYUID ${trash} 2,3 1:2] Moved`);
      assert.ok(i > 0);
      assert.deepEqual(r.lines.slice(i + 1, i + 4), ['* 3 EXPUNGE', '* 2 EXPUNGE', 'e OK UID MOVE completed']);
      assert.match(r.lines.find((l) => l.startsWith('f NO'))!, /\[TRYCREATE\]/);
      assert.ok(r.lines.includes('* 1 FETCH (UID 1)'));
      assert.deepEqual(subjects(h, 'INBOX'), ['m1']);
      assert.deepEqual(subjects(h, 'Archive'), ['m1', 'm2']);
      assert.deepEqual(subjects(h, 'Trash'), ['m2', 'm3']);
      const archived = h.store.get(h.store.folders.membersOf('Archive')!.ids[0]!)!;
      assert.deepEqual(archived.flags, ['\\Flagged']);
    }));

  test('APPEND with a synchronising literal, with LITERAL+, and too big', () =>
    withHost(0, async (h) => {
      const m = 'Subject: appended\r\n\r\nhi\r\n';
      const uv = h.store.folders.get('Drafts')!.uidValidity;
      const r = await playImap(
        h,
        [
          'a LOGIN bob x\r\n',
          `b APPEND Drafts (\\Seen \\Draft) "05-Jan-2024 10:00:00 +0100" {${m.length}}\r\n`,
          m + '\r\n',
          `c APPEND INBOX {${m.length}+}\r\n${m}\r\n`,
          'd APPEND INBOX {999999999}\r\n',
          'e APPEND INBOX {999999999+}\r\nf NOOP\r\n\r\ng NOOP\r\n',
        ],
        { config: { maxLiteralSize: 1000 } },
      );
      assert.equal(r.lines.filter((l) => l.startsWith('+ ')).length, 1, 'only the synchronising literal is invited');
      assert.ok(r.lines.includes(`b OK [APPENDUID ${uv} 1] APPEND completed`));
      assert.match(r.lines.find((l) => l.startsWith('c OK'))!, /\[APPENDUID \d+ 1\]/);
      assert.match(r.lines.find((l) => l.startsWith('d NO'))!, /\[TOOBIG\]/);
      assert.match(r.lines.find((l) => l.startsWith('e NO'))!, /\[TOOBIG\]/);
      // The refused LITERAL+ octets ("f NOOP…") were skipped, never run as commands.
      assert.deepEqual(tagged(r), ['a OK', 'b OK', 'c OK', 'd NO', 'e NO']);
      const draft = h.store.get(h.store.folders.membersOf('Drafts')!.ids[0]!)!;
      assert.equal(draft.read, true);
      assert.deepEqual(draft.flags, ['\\Draft']);
      assert.equal(draft.receivedAt, '2024-01-05T09:00:00.000Z');
      assert.equal(draft.envelope.user, 'bob');
      assert.deepEqual(await h.store.raw(draft.id), Buffer.from(m));
    }));

  test('a line over the limit is BAD with its tag, and the session goes on', () =>
    withHost(0, async (h) => {
      const r = await playImap(h, [`t1 NOOP ${'x'.repeat(300)}\r\n`, 't2 NOOP\r\n', `${'y'.repeat(500)}`, '\r\nt3 NOOP\r\n'], { config: { maxLineLength: 100 } });
      assert.deepEqual(tagged(r), ['t1 BAD', 't2 OK', 't3 OK']);
      assert.ok(r.lines.includes('* BAD [TOOBIG] Command line too long'));
    }));

  test('CREATE, LIST with special use, RENAME with children, DELETE, SUBSCRIBE and LSUB, STATUS', () =>
    withHost(2, async (h) => {
      const r = await playImap(h, [
        'a LOGIN bob x\r\n',
        'b CREATE Projects/2026/Q1\r\n',
        'c LIST "" "*"\r\n',
        'd RENAME Projects Work\r\n',
        'e LIST "" Work/%\r\n',
        'f DELETE Work\r\n',
        'g DELETE Sent\r\n',
        'h UNSUBSCRIBE Junk\r\n',
        'i LSUB "" "*"\r\n',
        'j STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY SIZE RECENT)\r\n',
        'k CREATE inbox\r\n',
        'l LIST "" ""\r\n',
        'm CREATE &AOk-t&AOk-\r\n',
        'n LIST (SPECIAL-USE) "" "*"\r\n',
        'o RENAME INBOX Old\r\n',
        'p STATUS Old (MESSAGES)\r\n',
      ]);
      assert.deepEqual(tagged(r), ['a OK', 'b OK', 'c OK', 'd OK', 'e OK', 'f NO', 'g NO', 'h OK', 'i OK', 'j OK', 'k NO', 'l OK', 'm OK', 'n OK', 'o OK', 'p OK']);
      assert.ok(r.lines.includes('* LIST (\\HasNoChildren \\Sent) "/" Sent'));
      assert.ok(r.lines.includes('* LIST (\\HasChildren) "/" Projects/2026'));
      assert.deepEqual(r.lines.filter((l) => l.startsWith('* LIST') && l.includes('Work/')), ['* LIST (\\HasChildren) "/" Work/2026']);
      assert.ok(!r.lines.some((l) => l.startsWith('* LSUB') && l.endsWith('Junk')));
      assert.ok(r.lines.some((l) => l.startsWith('* LSUB') && l.endsWith('Trash')));
      const uv = h.store.folders.get('INBOX')!.uidValidity;
      assert.ok(r.lines.some((l) => new RegExp(`^\\* STATUS INBOX \\(MESSAGES 2 UNSEEN 2 UIDNEXT 3 UIDVALIDITY ${uv} SIZE \\d+ RECENT 0\\)$`).test(l)));
      assert.ok(r.lines.includes('* LIST (\\Noselect) "/" ""'));
      assert.ok(h.store.folders.has('été'), 'modified UTF-7 names are stored as Unicode');
      const special = r.lines.slice(r.lines.findIndex((l) => l.startsWith('m OK')) + 1, r.lines.findIndex((l) => l.startsWith('n OK')));
      assert.deepEqual(special.map((l) => l.replace(/^.* /, '')), ['Archive', 'Drafts', 'Junk', 'Sent', 'Trash'], 'LIST (SPECIAL-USE) lists only those');
      assert.ok(r.lines.includes('* STATUS Old (MESSAGES 2)'));
      assert.deepEqual(subjects(h, 'INBOX'), []);
      assert.deepEqual(h.store.folders.list().map((f) => f.name).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Old', 'Sent', 'Trash', 'Work', 'Work/2026', 'Work/2026/Q1', 'été']);
    }));

  test('another session\'s changes arrive at the next command, and at once in IDLE', () =>
    withHost(2, async (h) => {
      const watcher = new ImapPlay(h);
      await watcher.start();
      await watcher.feed(SELECT);
      const other = new ImapPlay(h);
      await other.start();
      await other.feed(SELECT + 'c STORE 1 +FLAGS (\\Flagged)\r\n');
      await watcher.settle();
      let n = watcher.run.lines.length;
      await watcher.feed('c NOOP\r\n');
      assert.deepEqual(watcher.since(n), ['* 1 FETCH (UID 1 FLAGS (\\Flagged))', 'c OK NOOP completed']);
      n = watcher.run.lines.length;
      await watcher.feed('d IDLE\r\n');
      await h.catchMail(msg('new'));
      await watcher.settle();
      await other.feed('d STORE 1 +FLAGS.SILENT (\\Deleted)\r\ne EXPUNGE\r\n');
      await watcher.settle();
      assert.deepEqual(watcher.since(n), ['+ idling', '* 3 EXISTS', '* 1 FETCH (UID 1 FLAGS (\\Flagged \\Deleted))', '* 1 EXPUNGE']);
      await watcher.feed('DONE\r\n');
      assert.equal(watcher.run.lines.at(-1), 'd OK IDLE terminated');
      await watcher.feed('e FETCH 1:* (UID FLAGS)\r\n');
      assert.deepEqual(watcher.since(watcher.run.lines.length - 3), ['* 1 FETCH (UID 2 FLAGS ())', '* 2 FETCH (UID 3 FLAGS ())', 'e OK FETCH completed']);
      watcher.close();
      other.close();
    }));

  test('an API-side change (read, delete) reaches a client in IDLE', () =>
    withHost(2, async (h) => {
      const p = new ImapPlay(h);
      await p.start();
      await p.feed(SELECT + 'c IDLE\r\n');
      const n = p.run.lines.length;
      const [second, first] = h.store.list({}).items;
      await h.store.markRead(first!.id, true);
      await h.store.delete([second!.id]);
      await p.settle();
      assert.deepEqual(p.since(n), ['* 1 FETCH (UID 1 FLAGS (\\Seen))', '* 2 EXPUNGE']);
      p.close();
    }));
});
