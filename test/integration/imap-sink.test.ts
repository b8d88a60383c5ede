// The IMAP sink on real sockets: implicit TLS, the idle timeout, UIDs that survive a restart,
// changes made through the HTTP API reaching a client in IDLE, configured credentials, and the
// timeline of a session (tags paired, LOGIN password masked).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExchangeEvent, MessageSummary, Page, SessionSummary } from '../../shared/types.js';
import type { SessionDetail } from '../../shared/api.js';
import { RawImap } from '../helpers/imap-client.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { RawSmtp } from '../helpers/smtp-client.js';

async function send(mt: TestMailtap, subject: string, to = 'bob@example.test'): Promise<void> {
  const c = await RawSmtp.open(mt.smtpPort);
  await c.reply();
  c.write('EHLO t\r\n');
  await c.reply();
  assert.match(await c.send('a@example.test', to, `Subject: ${subject}\r\nTo: ${to}\r\n\r\nbody\r\n`), /^250 /);
  c.close();
}

async function login(port: number, user = 'bob'): Promise<RawImap> {
  const c = await RawImap.open(port);
  assert.match((await c.command(`LOGIN ${user} pw`)).tagged, /^t1 OK/);
  return c;
}

describe('IMAP sink', () => {
  test('IMAPS: implicit TLS from the first byte (RFC 8314)', async () => {
    const mt = await startTestMailtap({ imapsPort: 0 });
    try {
      const port = mt.app.info.listeners.find((l) => l.name === 'imaps')!.port;
      const greeting = await new Promise<string>((resolve, reject) => {
        const s = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => undefined);
        s.once('data', (d: Buffer) => (resolve(d.toString()), s.destroy()));
        s.once('error', reject);
      });
      assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 /);
      assert.doesNotMatch(greeting, /STARTTLS/, 'no STARTTLS inside TLS');
    } finally {
      await mt.close();
    }
  });

  test('a silent client gets BYE when the idle timeout runs out', async () => {
    const mt = await startTestMailtap({ imapIdleTimeoutMs: 300 });
    try {
      const c = await login(mt.imapPort);
      assert.match(await c.next(5000), /^\* BYE /);
      c.close();
    } finally {
      await mt.close();
    }
  });

  test('UIDs and UIDVALIDITY are the same after a restart, and new mail continues the UIDs', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mailtap-imap-restart-'));
    const uids = async (mt: TestMailtap): Promise<[string, string]> => {
      const c = await login(mt.imapPort);
      const sel = await c.command('SELECT INBOX');
      const f = await c.command('UID FETCH 1:* (UID ENVELOPE)');
      c.close();
      return [/UIDVALIDITY (\d+)/.exec(sel.untagged.join('\n'))![1]!, f.untagged.map((l) => /UID (\d+)/.exec(l)![1]).join(',')];
    };
    let mt = await startTestMailtap({ dataDir });
    await send(mt, 'one');
    await send(mt, 'two');
    await send(mt, 'three');
    const first = (await mt.get<Page<MessageSummary>>('/api/messages?subject=one')).items[0]!;
    assert.equal((await mt.request('DELETE', `/api/messages/${first.id}`)).status, 200);
    const before = await uids(mt);
    await mt.close();
    mt = await startTestMailtap({ dataDir });
    try {
      assert.deepEqual(await uids(mt), before);
      assert.equal(before[1], '2,3');
      await send(mt, 'four');
      assert.equal((await uids(mt))[1], '2,3,4');
    } finally {
      await mt.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('marking read and deleting through the API reach a client in IDLE at once', async () => {
    const mt = await startTestMailtap();
    try {
      await send(mt, 'a');
      await send(mt, 'b');
      const c = await login(mt.imapPort);
      await c.command('SELECT INBOX');
      c.write('i IDLE\r\n');
      assert.match(await c.next(), /^\+ /);
      const [b, a] = (await mt.get<Page<MessageSummary>>('/api/messages')).items;
      assert.equal((await mt.request('PATCH', `/api/messages/${a!.id}`, { read: true })).status, 200);
      assert.equal(await c.next(5000), `* 1 FETCH (UID ${a!.uid} FLAGS (\\Seen))`);
      assert.equal((await mt.request('DELETE', `/api/messages/${b!.id}`)).status, 200);
      assert.equal(await c.next(5000), '* 2 EXPUNGE');
      await send(mt, 'c');
      assert.equal(await c.next(5000), '* 2 EXISTS');
      c.write('DONE\r\n');
      assert.match(await c.next(), /^i OK IDLE terminated/);
      c.close();
    } finally {
      await mt.close();
    }
  });

  test('configured credentials apply, and the timeline pairs tags, masks the password, names the user', async () => {
    const mt = await startTestMailtap({ settings: { smtp: { credentials: [{ user: 'dev', password: 'hunter2' }] } } });
    try {
      const c = await RawImap.open(mt.imapPort);
      assert.match((await c.command('LOGIN dev wrong')).tagged, /^t1 NO \[AUTHENTICATIONFAILED\]/);
      assert.match((await c.command('LOGIN dev hunter2')).tagged, /^t2 OK/);
      assert.match((await c.command('SELECT INBOX')).tagged, /^t3 OK/);
      assert.match((await c.command('FETCH 1:* (FLAGS')).tagged, /^t4 BAD/);
      c.write('\x00\xff garbage\r\n');
      assert.match(await c.next(), /^\* BAD /);
      assert.match((await c.command('LOGOUT')).tagged, /^t5 OK/);
      c.close();
      const s = await waitFor(async () => (await mt.get<Page<SessionSummary>>('/api/sessions?protocol=imap')).items.find((x) => x.endedAt !== null), 5000, 'the session to end');
      assert.equal(s.user, 'dev');
      const d = await mt.get<SessionDetail>(`/api/sessions/${s.id}?limit=500`);
      const ex = d.events.items.filter((e): e is ExchangeEvent => e.kind === 'exchange' && e.command !== null);
      assert.deepEqual(ex.map((e) => `${e.command!.tag ?? '-'} ${e.command!.verb || '(not a command)'} ${e.replies.at(-1)!.lines.at(-1)!.code}`), [
        't1 LOGIN NO', 't2 LOGIN OK', 't3 SELECT OK', 't4 FETCH BAD', '- (not a command) BAD', 't5 LOGOUT OK',
      ]);
      assert.equal(ex[1]!.command!.line, 't2 LOGIN dev •••••••');
      assert.ok(!JSON.stringify(d.events.items).includes('hunter2'), 'the password is in the wire log only');
      assert.deepEqual(d.events.items.filter((e) => e.kind === 'auth').map((e) => e.kind === 'auth' && [e.user, e.ok]), [['dev', false], ['dev', true]]);
    } finally {
      await mt.close();
    }
  });
});
