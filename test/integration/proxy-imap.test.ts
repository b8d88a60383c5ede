// The IMAP proxy with real peers on 127.0.0.1: Dovecot (plain, STARTTLS and IMAPS, with a
// certificate of a test CA the proxy trusts) and mailtap's own IMAP sink upstream; Python's
// imaplib, imapflow (IDLE included), curl and fetchmail as clients, trusting only mailtap's
// exported CA. Each checks the dialogue through the API and that fetched messages were caught.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Envelope, TlsEvent, TlsMode } from '../../shared/types.js';
import { makeSelfSigned } from '../../main/core/tls/self-signed.js';
import { dovecotMissing, seedDovecot, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { RawImap } from '../helpers/imap-client.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { closedSession, corpus, createProxy, crlf, deadPort, exchanges, sha, trustUpstreams, wireOf } from '../helpers/proxy-harness.js';
import { run } from '../helpers/run.js';

const missing = dovecotMissing();
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-proxy-imap-'));
const MESSAGES = [corpus('20-leading-dots.eml'), corpus('04-alternative.eml')];

let mt: TestMailtap;
let dv: Dovecot;
let mailtapCa = '';
let imapsSink = 0;

before(async () => {
  mt = await startTestMailtap({ imapsPort: 0 });
  imapsSink = mt.app.info.listeners.find((l) => l.name === 'imaps')!.port;
  const trust = await trustUpstreams(mt, tmp);
  mailtapCa = trust.mailtapCa;
  if (missing) return;
  dv = await startDovecot({ tls: trust.leaf });
  await seedDovecot(dv, MESSAGES);
});
after(async () => {
  await mt.close();
  if (!missing) await dv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const IMAPLIB = `
import imaplib, ssl, sys, hashlib
port, mode, ca, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
M = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx, timeout=10) if mode == 'implicit' else imaplib.IMAP4('127.0.0.1', port, timeout=10)
if mode == 'starttls':
    M.starttls(ssl_context=ctx)
print('CAPS', ' '.join(M.capabilities))
M.login(user, pw)
M.select('INBOX')
for num in M.search(None, 'ALL')[1][0].split():
    print('MSG', hashlib.sha256(M.fetch(num, '(BODY.PEEK[])')[1][0][1]).hexdigest())
M.logout()
`;

async function imaplib(port: number, mode: TlsMode, user = 'bob', password = 'secret'): Promise<{ caps: string[]; hashes: string[] }> {
  const r = await run('python3', ['-c', IMAPLIB, String(port), mode, mailtapCa, user, password], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return { caps: (/^CAPS (.*)$/m.exec(r.stdout)?.[1] ?? '').split(' '), hashes: [...r.stdout.matchAll(/^MSG (\w+)$/gm)].map((m) => m[1]!) };
}

const MODES: TlsMode[] = ['none', 'starttls', 'implicit'];

describe('Dovecot upstream: every client-side × upstream-side TLS mode, Python imaplib', { skip: missing ?? false }, () => {
  for (const client of MODES) {
    for (const upstream of MODES) {
      test(`client ${client} × upstream ${upstream}`, async () => {
        const st = await createProxy(mt, 'imap', { clientTls: client, upstreamTls: upstream, upstreamPort: upstream === 'implicit' ? dv.imapsPort : dv.port, name: `i-${client}-${upstream}` });
        const got = await imaplib(st.boundPort!, client);
        assert.deepEqual(got.hashes, MESSAGES.map((m) => sha(crlf(m))));
        assert.ok(!got.caps.includes('STARTTLS'), 'after STARTTLS, or on a leg that cannot upgrade, no STARTTLS');
        const { session, events } = await closedSession(mt, st.boundPort!);
        assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
        const tlsLegs = events.filter((e): e is TlsEvent => e.kind === 'tls').map((e) => e.info.leg).sort();
        assert.deepEqual(tlsLegs, [...(client !== 'none' ? ['client'] : []), ...(upstream !== 'none' ? ['upstream'] : [])]);
        for (const e of events) if (e.kind === 'tls' && e.info.leg === 'upstream') assert.equal(e.info.verified, true);
        if (upstream === 'starttls') assert.deepEqual(exchanges(events, 'upstream').slice(0, 3), ['- OK', 'STARTTLS OK', 'CAPABILITY OK'], 'STARTTLS, then CAPABILITY again');
        assert.ok(exchanges(events, 'client').includes('LOGIN OK'));
        assert.equal(session.messageIds.length, 2);
        // The two captures are stored concurrently, so they may be listed in either order.
        const stored: string[] = [];
        for (const id of session.messageIds) {
          const m = await mt.get<{ source: string; sessionId: string; envelope: Envelope }>(`/api/messages/${id}`);
          assert.deepEqual([m.source, m.sessionId], ['proxy', session.id]);
          // Fetched, not sent: who logged in (imaplib's LOGIN, password quoted, tagged OK) and the client leg's TLS.
          assert.deepEqual(m.envelope, { mailFrom: '', rcptTo: [], params: {}, helo: null, user: 'bob', tls: client !== 'none' });
          stored.push(sha((await mt.getRaw(`/api/messages/${id}/raw`)).body));
        }
        assert.deepEqual(stored.sort(), [...got.hashes].sort());
      });
    }
  }

  test('imapflow over STARTTLS to the proxy: a message appended upstream arrives as EXISTS in IDLE', async () => {
    const st = await createProxy(mt, 'imap', { clientTls: 'starttls', upstreamTls: 'implicit', upstreamPort: dv.imapsPort, name: 'i-imapflow' });
    const client = new ImapFlow({ host: '127.0.0.1', port: st.boundPort!, secure: false, doSTARTTLS: true, tls: { ca: [readFileSync(mailtapCa, 'utf8')] }, auth: { user: 'bob', pass: dv.password }, logger: false });
    await client.connect();
    try {
      const mailbox = await client.mailboxOpen('INBOX');
      const before = mailbox.exists;
      const exists: number[] = [];
      client.on('exists', (d: { count: number }) => exists.push(d.count));
      const idling = client.idle();
      await waitFor(() => (client as unknown as { idling: boolean }).idling, 5000, 'IDLE');
      const direct = await RawImap.open(dv.port);
      assert.match((await direct.command(`LOGIN bob ${dv.password}`)).tagged, / OK /);
      assert.match((await direct.append('INBOX', corpus('01-plain-ascii.eml'))).tagged, / OK /);
      direct.close();
      await waitFor(() => exists.includes(before + 1), 20_000, 'EXISTS through the proxy');
      // The next command ends IDLE with DONE (RFC 2177 §3).
      const m = await client.fetchOne('*', { source: true });
      await idling;
      assert.ok(m && m.source);
      assert.equal(sha(m.source), sha(crlf(corpus('01-plain-ascii.eml'))));
    } finally {
      await client.logout();
    }
    const { session, events } = await closedSession(mt, st.boundPort!);
    assert.ok(exchanges(events, 'client').includes('IDLE OK'));
    assert.equal(session.messageIds.length, 1);
  });

  test('imapflow fetching one message by UID twice, and again after selecting INBOX anew: caught once, byte-exact', async () => {
    const st = await createProxy(mt, 'imap', { clientTls: 'none', upstreamTls: 'none', upstreamPort: dv.port, name: 'i-refetch' });
    const client = new ImapFlow({ host: '127.0.0.1', port: st.boundPort!, secure: false, doSTARTTLS: false, auth: { user: 'bob', pass: dv.password }, logger: false });
    await client.connect();
    const sources: Buffer[] = [];
    const fetchUid1 = async (): Promise<void> => {
      const m = await client.fetchOne('1', { source: true, uid: true }, { uid: true });
      assert.ok(m && m.source);
      sources.push(m.source);
    };
    try {
      await client.mailboxOpen('INBOX');
      await fetchUid1();
      await fetchUid1();
      // The same mailbox selected again, with the same UIDVALIDITY: the same UID is the same
      // message (RFC 3501 §2.3.1.1), known by its key, not read again.
      await client.mailboxClose();
      await client.mailboxOpen('INBOX');
      await fetchUid1();
    } finally {
      await client.logout();
    }
    assert.equal(new Set(sources.map(sha)).size, 1);
    const { session } = await closedSession(mt, st.boundPort!);
    assert.equal(session.messageIds.length, 1);
    for (const id of session.messageIds) assert.equal(sha((await mt.getRaw(`/api/messages/${id}/raw`)).body), sha(sources[0]!));
  });

  test('curl --ssl-reqd --cacert fetches a message by UID', async () => {
    const st = await createProxy(mt, 'imap', { clientTls: 'starttls', upstreamTls: 'starttls', upstreamPort: dv.port, name: 'i-curl' });
    const r = await run('curl', ['-sS', '--max-time', '15', '--ssl-reqd', '--cacert', mailtapCa, '-u', `bob:${dv.password}`, `imap://127.0.0.1:${st.boundPort}/INBOX;UID=1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha(Buffer.from(r.stdout, 'latin1')), sha(crlf(MESSAGES[0]!)));
    const { session } = await closedSession(mt, st.boundPort!);
    assert.equal(session.messageIds.length, 1);
  });

  test('fetchmail over IMAPS, header and text fetched apart, caught whole', async () => {
    const st = await createProxy(mt, 'imap', { clientTls: 'implicit', upstreamTls: 'none', upstreamPort: dv.port, name: 'i-fetchmail' });
    const home = join(tmp, 'fetchmail');
    mkdirSync(home);
    const rc = join(home, 'fetchmailrc');
    writeFileSync(rc, `poll 127.0.0.1 protocol IMAP port ${st.boundPort} auth password\n  user "bob" password "${dv.password}" is "${userInfo().username}" here\n  keep fetchall ssl sslcertck sslcertfile "${mailtapCa}" sslcommonname "127.0.0.1"\n  mda "cat >> ${join(home, 'mbox')}"\n`);
    chmodSync(rc, 0o600);
    const r = await run('fetchmail', ['-f', rc, '--nosyslog', '-v', '--nodetach'], { env: { FETCHMAILHOME: home, HOME: home }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { session, events } = await closedSession(mt, st.boundPort!);
    assert.ok(session.messageIds.length >= 2, JSON.stringify(exchanges(events, 'client')));
    const raws = await Promise.all(session.messageIds.map(async (id) => sha((await mt.getRaw(`/api/messages/${id}/raw`)).body)));
    for (const m of MESSAGES) assert.ok(raws.includes(sha(crlf(m))), 'each message caught whole');
  });

  test('literals byte-exact both ways, no proxied byte lost or reordered (wire log vs what each end got)', async () => {
    const st = await createProxy(mt, 'imap', { clientTls: 'none', upstreamTls: 'none', upstreamPort: dv.port, name: 'i-bytes' });
    const got: Buffer[] = [];
    const s = connect(st.boundPort!, '127.0.0.1');
    s.on('data', (b) => got.push(b));
    const text = (): string => Buffer.concat(got).toString('latin1');
    const bytewise = (b: Buffer | string): void => {
      for (const x of Buffer.from(b)) s.write(Buffer.from([x]));
    };
    await waitFor(() => text().includes('\r\n'), 5000, 'greeting');
    const m = crlf(corpus('03-qp-latin1.eml'));
    bytewise(`a LOGIN bob ${dv.password}\r\nb APPEND INBOX {${m.length}}\r\n`);
    await waitFor(() => /\r\n\+ /.test(text()), 5000, '+ for the literal');
    bytewise(Buffer.concat([m, Buffer.from(`\r\nc APPEND INBOX {${m.length}+}\r\n`), m, Buffer.from('\r\nd SELECT INBOX\r\ne FETCH 1:* (UID BODY.PEEK[])\r\nf LOGOUT\r\n')]));
    await new Promise((r) => s.once('close', r));
    assert.match(text(), /b OK .*\r\n[^]*c OK [^]*e OK [^]*f OK/);
    const { session } = await closedSession(mt, st.boundPort!);
    const leg = await wireOf(mt, session.id);
    assert.deepEqual(leg('client', 's2c'), Buffer.concat(got), 'the client received exactly the client leg');
    assert.deepEqual(leg('upstream', 'c2s'), leg('client', 'c2s'), 'the upstream was sent exactly what the client sent');
    const upstream = leg('upstream', 's2c').toString('latin1');
    assert.equal(leg('client', 's2c').toString('latin1'), upstream.replace(' STARTTLS', ''), 'only STARTTLS left out of the greeting');
    assert.ok(session.messageIds.length >= 3, 'every message fetched whole is caught (once per content)');
  });
});

describe("mailtap's own IMAP sink upstream", () => {
  test('STARTTLS upstream on its plain port, and IMAPS; imaplib through both', async () => {
    const user = 'proxied-imap@example.test';
    const send = await run('swaks', ['--server', '127.0.0.1', '--port', String(mt.smtpPort), '--to', user, '--from', 'a@example.test', '--header', 'Subject: via the sink']);
    assert.equal(send.code, 0, send.stdout);
    for (const [upstreamTls, port] of [['starttls', mt.imapPort], ['implicit', imapsSink]] as const) {
      const st = await createProxy(mt, 'imap', { clientTls: 'implicit', upstreamTls, upstreamPort: port, name: `i-sink-${upstreamTls}` });
      const got = await imaplib(st.boundPort!, 'implicit', user, 'x');
      assert.ok(got.hashes.length >= 1);
      const { session, events } = await closedSession(mt, st.boundPort!);
      assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
      assert.equal(session.messageIds.length, got.hashes.length);
    }
  });
});

/** A scripted upstream: greets, answers each command line with `answer`, and is closed after. */
async function fakeUpstream(greeting: string, answer: (line: string) => string): Promise<{ port: number; closed: Promise<void>[]; close(): void }> {
  const closed: Promise<void>[] = [];
  const server = createServer((s: Socket) => {
    closed.push(new Promise((r) => s.once('close', () => r())));
    s.write(greeting);
    s.on('data', (d) => {
      for (const line of d.toString('latin1').split('\r\n').filter(Boolean)) {
        const reply = answer(line);
        if (reply.includes('* BYE')) s.end(reply);
        else s.write(reply);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, closed, close: () => server.close() };
}

async function rawDialogue(port: number, lines: string[]): Promise<string> {
  const got: Buffer[] = [];
  const s = connect(port, '127.0.0.1');
  const closed = new Promise((r) => s.once('close', r));
  s.on('data', (b) => got.push(b));
  await waitFor(() => got.length > 0, 5000, 'greeting');
  for (const l of lines) s.write(l);
  await Promise.race([closed, new Promise((r) => setTimeout(r, 8000))]);
  s.destroy();
  return Buffer.concat(got).toString('latin1');
}

describe('failures, closes and capabilities', () => {
  test('COMPRESS=DEFLATE is removed from capabilities, with a warning on the timeline', async () => {
    const up = await fakeUpstream('* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE IDLE] fake\r\n', (l) => {
      const tag = l.split(' ')[0];
      return /CAPABILITY/i.test(l) ? `* CAPABILITY IMAP4rev1 COMPRESS=DEFLATE IDLE\r\n${tag} OK\r\n` : `* BYE\r\n${tag} OK\r\n`;
    });
    try {
      const st = await createProxy(mt, 'imap', { upstreamPort: up.port, name: 'i-compress' });
      const got = await rawDialogue(st.boundPort!, ['a CAPABILITY\r\n', 'b COMPRESS DEFLATE\r\n', 'c LOGOUT\r\n']);
      // Tagged answers may come in any order (RFC 3501 §5.5); each line is whole.
      const lines = got.split('\r\n');
      assert.equal(lines[0], '* OK [CAPABILITY IMAP4rev1 IDLE] fake');
      for (const l of ['* CAPABILITY IMAP4rev1 IDLE', 'a OK', "b BAD COMPRESS is not available through mailtap's proxy (RFC 4978 would hide the dialogue)", 'c OK']) assert.ok(lines.includes(l), `${l} in ${got}`);
      const { events } = await closedSession(mt, st.boundPort!);
      assert.equal(events.filter((e) => e.kind === 'warning' && e.code === 'capability-removed').length, 1);
    } finally {
      up.close();
    }
  });

  test('unreachable upstream: * BYE [UNAVAILABLE] and the reason on the session', async () => {
    const st = await createProxy(mt, 'imap', { upstreamPort: await deadPort(), name: 'i-dead' });
    const got = await rawDialogue(st.boundPort!, []);
    assert.match(got, /^\* BYE \[UNAVAILABLE\] upstream unavailable: cannot reach 127\.0\.0\.1:\d+: connect ECONNREFUSED[^\r\n]*\r\n$/);
    const { events } = await closedSession(mt, st.boundPort!);
    assert.ok(events.some((e) => e.kind === 'error' && e.leg === 'upstream' && /ECONNREFUSED/.test(e.text)));
  });

  test('upstream certificate verification fails: * BYE with the reason, the chain recorded', async () => {
    const server = tlsServer(makeSelfSigned('bad.example.test', ['bad.example.test']), (s) => s.end('* OK bad\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const st = await createProxy(mt, 'imap', { upstreamTls: 'implicit', upstreamPort: (server.address() as { port: number }).port, name: 'i-badcert' });
      assert.match(await rawDialogue(st.boundPort!, []), /^\* BYE \[UNAVAILABLE\] .*certificate verification failed: (DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/);
      const { events } = await closedSession(mt, st.boundPort!);
      const tls = events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'upstream')!;
      assert.equal(tls.info.verified, false);
      assert.match(JSON.stringify(events.find((e) => e.kind === 'close' && e.leg === 'client')), /certificate verification failed/);
    } finally {
      server.close();
    }
  });

  test('a client disconnect closes the upstream, and an upstream disconnect closes the client', async () => {
    const up = await fakeUpstream('* OK fake\r\n', (l) => `* BYE going\r\n${l.split(' ')[0]} OK\r\n`);
    try {
      const st = await createProxy(mt, 'imap', { upstreamPort: up.port, name: 'i-closes' });
      const a = connect(st.boundPort!, '127.0.0.1');
      await new Promise((r) => a.once('data', r));
      a.destroy();
      await waitFor(() => up.closed.length === 1 && Promise.race([up.closed[0]!.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]), 5000, 'upstream closed');
      assert.equal(await rawDialogue(st.boundPort!, ['x NOOP\r\n']), '* OK fake\r\n* BYE going\r\nx OK\r\n', 'the upstream closed, so did the client leg');
    } finally {
      up.close();
    }
  });
});
