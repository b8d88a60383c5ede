// Real IMAP clients against the sink on real sockets, with the mail first caught through SMTP:
// curl, Python's imaplib, fetchmail and imapflow. Each test checks what the client got, and
// what it changed, against what the HTTP API says the store holds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import type { ExchangeEvent, MessageSummary, Page, SessionSummary } from '../../shared/types.js';
import type { SessionDetail } from '../../shared/api.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { run } from '../helpers/run.js';

const corpus = (name: string): Buffer => readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-imap-clients-'));

let mt: TestMailtap;

async function send(to: string, body: Buffer | string): Promise<void> {
  const c = await RawSmtp.open(mt.smtpPort);
  await c.reply();
  c.write('EHLO test\r\n');
  await c.reply();
  const r = await c.send('sender@example.test', to, body);
  assert.match(r, /^250 /);
  c.write('QUIT\r\n');
  c.close();
}

const messages = async (q = ''): Promise<MessageSummary[]> => (await mt.get<Page<MessageSummary>>(`/api/messages?limit=500${q}`)).items;
const raw = async (id: string): Promise<Buffer> => (await mt.getRaw(`/api/messages/${id}/raw`)).body;
const inFolder = async (folder: string): Promise<MessageSummary[]> => (await messages()).filter((m) => m.folder === folder).sort((a, b) => a.uid! - b.uid!);

before(async () => {
  mt = await startTestMailtap();
  await send('bob@example.test', corpus('01-plain-ascii.eml'));
  await send('bob@example.test', corpus('07-forwarded-rfc822.eml'));
  await send('carol@example.test', corpus('05-attachment-rfc2231.eml'));
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('curl', () => {
  test('lists the folders the store has, and fetches a message by UID byte for byte', async () => {
    const list = await run('curl', ['-sS', '--max-time', '20', `imap://127.0.0.1:${mt.imapPort}/`, '-u', 'bob:pw']);
    assert.equal(list.code, 0, list.stderr);
    const names = list.stdout.trim().split(/\r?\n/).map((l) => l.replace(/^.* /, ''));
    assert.deepEqual(names, ['INBOX', 'Archive', 'Drafts', 'Junk', 'Sent', 'Trash']);
    const inbox = await inFolder('INBOX');
    const first = inbox[0]!;
    const got = await run('curl', ['-sS', '--max-time', '20', `imap://127.0.0.1:${mt.imapPort}/INBOX;UID=${first.uid}`, '-u', 'bob:pw']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, (await raw(first.id)).toString('latin1'));
  });

  test('--ssl-reqd upgrades with STARTTLS, then fetches and searches', async () => {
    const [, second] = await inFolder('INBOX');
    const got = await run('curl', ['-sS', '--max-time', '20', '--ssl-reqd', '-k', `imap://127.0.0.1:${mt.imapPort}/INBOX;UID=${second!.uid}`, '-u', 'bob:pw']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, (await raw(second!.id)).toString('latin1'));
    const search = await run('curl', ['-sS', '--max-time', '20', '--ssl-reqd', '-k', `imap://127.0.0.1:${mt.imapPort}/INBOX`, '-u', 'bob:pw', '-X', 'UID SEARCH SUBJECT original']);
    assert.equal(search.code, 0, search.stderr);
    assert.equal(search.stdout.trim(), `* SEARCH ${second!.uid}`);
    // The session went through TLS, and its timeline pairs every tag with its response.
    const s = await waitFor(async () => (await mt.get<Page<SessionSummary>>('/api/sessions?protocol=imap&limit=50')).items.find((x) => x.tls && x.endedAt !== null), 5000, 'a closed TLS session');
    const d = await mt.get<SessionDetail>(`/api/sessions/${s.id}?limit=500`);
    const ex = d.events.items.filter((e): e is ExchangeEvent => e.kind === 'exchange' && e.command !== null);
    assert.deepEqual(ex.map((e) => e.command!.verb), ['CAPABILITY', 'STARTTLS', 'CAPABILITY', 'AUTHENTICATE', 'SELECT', 'UID SEARCH', 'LOGOUT']);
    for (const e of ex) assert.equal(e.replies.at(-1)!.lines.at(-1)!.code, 'OK', e.command!.line);
    assert.equal(s.user, 'bob');
  });
});

describe('Python imaplib', () => {
  test('login, select, search, fetch, store, copy and expunge, all seen by the API', async () => {
    const before = await inFolder('INBOX');
    const r = await run('python3', [fileURLToPath(new URL('./imap/imaplib_client.py', import.meta.url)), String(mt.imapPort), 'bob@example.test']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    // bob@example.test sees only the two messages sent to him.
    assert.equal(out.select, '2');
    assert.equal(out.search_subject, '1');
    assert.deepEqual(out.uids, before.filter((m) => m.envelope.rcptTo.includes('bob@example.test')).map((m) => String(m.uid)));
    const fetch = (out.fetch as string[]).join('');
    assert.match(fetch, /ENVELOPE \("Mon, 23 Nov 2026 10:00:00 \+0900" "Do you like ketchup\?"/);
    assert.match(fetch, /"message" "rfc822" NIL NIL NIL "8bit" 298 \(/);
    const bobs = before.filter((m) => m.envelope.rcptTo.includes('bob@example.test'));
    assert.equal(out.body0, (await raw(bobs[0]!.id)).toString('latin1'));
    assert.match(String(out.copy), /^\[COPYUID \d+ \d+ 1\] COPY completed$/);
    assert.deepEqual(out.expunge, ['2']);
    assert.match(String(out.status), /Archive \(MESSAGES 1 UIDNEXT 2\)/);
    // What the API says now: the first is read and flagged, the second is gone from INBOX and
    // its copy is in Archive.
    const first = (await messages()).find((m) => m.id === bobs[0]!.id)!;
    assert.equal(first.read, true);
    assert.deepEqual(first.flags, ['\\Flagged']);
    assert.equal((await messages()).find((m) => m.id === bobs[1]!.id), undefined);
    const archived = await inFolder('Archive');
    assert.equal(archived.length, 1);
    assert.equal(archived[0]!.subject, bobs[1]!.subject);
  });
});

describe('fetchmail', () => {
  test('downloads every message of the mailbox over IMAP, as stored', async () => {
    const home = mkdtempSync(join(tmp, 'fm-'));
    const outFile = join(home, 'delivered.mbox');
    const rc = join(home, 'fetchmailrc');
    writeFileSync(rc, `poll 127.0.0.1 protocol IMAP port ${mt.imapPort} auth password\n  user "carol@example.test" password "pw" is "root" here\n  keep fetchall mda "/bin/sh -c 'cat >> ${outFile}; echo ==END== >> ${outFile}'"\n`);
    chmodSync(rc, 0o600);
    const r = await run('fetchmail', ['-f', rc, '--nosyslog', '-v', '--sslproto', '', '--nodetach'], { env: { FETCHMAILHOME: home, HOME: home }, timeoutMs: 30_000 });
    // fetchmail warns about running as root; it exits 0 when it delivered mail.
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /1 message for carol@example\.test at 127\.0\.0\.1/);
    const delivered = readFileSync(outFile, 'latin1').split('==END==\n').filter(Boolean);
    const carols = (await inFolder('INBOX')).filter((m) => m.envelope.rcptTo.includes('carol@example.test'));
    assert.equal(delivered.length, carols.length);
    // fetchmail adds its Received line and ends lines in LF; the message itself must be intact.
    const stored = (await raw(carols[0]!.id)).toString('latin1').replace(/\r\n/g, '\n');
    assert.ok(delivered[0]!.endsWith(stored), 'the stored message is what fetchmail delivered');
    assert.match(delivered[0]!, /^Received: from 127\.0\.0\.1/);
    // fetchmail marks what it fetched as seen; the API shows it read.
    assert.equal((await messages()).find((m) => m.id === carols[0]!.id)!.read, true);
  });
});

describe('imapflow', () => {
  test('lists, fetches, sees a new message in IDLE, and moves', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: mt.imapPort, secure: false, auth: { user: 'dave@example.test', pass: 'pw' }, logger: false, doSTARTTLS: false });
    await client.connect();
    try {
      const list = await client.list();
      assert.deepEqual(
        list.map((f) => [f.path, f.specialUse ?? null]).sort(),
        [['Archive', '\\Archive'], ['Drafts', '\\Drafts'], ['INBOX', '\\Inbox'], ['Junk', '\\Junk'], ['Sent', '\\Sent'], ['Trash', '\\Trash']],
      );
      await send('dave@example.test', corpus('04-alternative.eml'));
      const lock = await client.getMailboxLock('INBOX');
      try {
        const seen: string[] = [];
        for await (const m of client.fetch('1:*', { uid: true, envelope: true, bodyStructure: true, source: true })) {
          seen.push(m.envelope!.subject!);
          const api = (await inFolder('INBOX')).find((x) => x.uid === m.uid)!;
          assert.deepEqual(m.source, await raw(api.id));
          assert.equal(m.bodyStructure!.type, 'multipart/alternative');
        }
        assert.deepEqual(seen, ['Alternative parts']);
        // IDLE: a message caught by SMTP reaches the client as EXISTS.
        const exists = new Promise<{ count: number; at: number }>((resolve) => client.on('exists', (d: { count: number }) => resolve({ count: d.count, at: Date.now() })));
        const idling = client.idle();
        await new Promise((r) => setTimeout(r, 100));
        const sentAt = Date.now();
        await send('dave@example.test', corpus('17-calendar.eml'));
        const ev = await Promise.race([exists, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no EXISTS within 5 s')), 5000))]);
        assert.equal(ev.count, 2);
        assert.ok(ev.at - sentAt < 2000, `EXISTS came ${ev.at - sentAt} ms after SMTP's 250`);
        void idling;
        const moved = await client.messageMove('1', 'Archive');
        assert.ok(moved && moved.uidMap && moved.uidMap.size === 1);
        const status = await client.status('INBOX', { messages: true });
        assert.ok(status && status.messages === 1, 'one message left in INBOX');
      } finally {
        lock.release();
      }
      const archived = (await inFolder('Archive')).filter((m) => m.envelope.rcptTo.includes('dave@example.test'));
      assert.deepEqual(archived.map((m) => m.subject), ['Alternative parts']);
    } finally {
      await client.logout();
    }
  });
});
