// The POP3 proxy with real peers on 127.0.0.1: Dovecot (plain, STARTTLS and POP3S, with a
// certificate of a test CA the proxy trusts) and mailtap's own POP3 sink upstream; Python's
// poplib, curl and fetchmail as clients, trusting only mailtap's exported CA. Each checks the
// dialogue through the API, both legs, and that every fetched message was caught.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Envelope, TlsEvent, TlsMode } from '../../shared/types.js';
import { makeSelfSigned } from '../../main/core/tls/self-signed.js';
import { dovecotMissing, seedDovecot, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { closedSession, corpus, createProxy, crlf, deadPort, exchanges, sha, trustUpstreams, wireOf } from '../helpers/proxy-harness.js';
import { run } from '../helpers/run.js';

const missing = dovecotMissing();
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-proxy-pop3-'));
const MESSAGES = [corpus('20-leading-dots.eml'), corpus('01-plain-ascii.eml')];

let mt: TestMailtap;
let dv: Dovecot;
let mailtapCa = '';
let pop3sSink = 0;

before(async () => {
  mt = await startTestMailtap({ pop3sPort: 0 });
  pop3sSink = mt.app.info.listeners.find((l) => l.name === 'pop3s')!.port;
  const trust = await trustUpstreams(mt, tmp);
  mailtapCa = trust.mailtapCa;
  if (missing) return;
  dv = await startDovecot({ pop3: true, tls: trust.leaf });
  await seedDovecot(dv, MESSAGES);
});
after(async () => {
  await mt.close();
  if (!missing) await dv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const POPLIB = `
import poplib, ssl, sys, hashlib
port, mode, ca, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
p = poplib.POP3_SSL('127.0.0.1', port, context=ctx, timeout=10) if mode == 'implicit' else poplib.POP3('127.0.0.1', port, timeout=10)
if mode == 'starttls':
    p.stls(context=ctx)
caps = p.capa()
print('CAPS', ' '.join(sorted(caps)))
p.user(user)
p.pass_(pw)
for i in range(1, len(p.list()[1]) + 1):
    print('MSG', hashlib.sha256(b'\\r\\n'.join(p.retr(i)[1]) + b'\\r\\n').hexdigest())
p.quit()
`;

async function poplib(port: number, mode: TlsMode, user = 'bob', password = 'secret'): Promise<{ caps: string; hashes: string[] }> {
  const r = await run('python3', ['-c', POPLIB, String(port), mode, mailtapCa, user, password], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return { caps: /^CAPS (.*)$/m.exec(r.stdout)?.[1] ?? '', hashes: [...r.stdout.matchAll(/^MSG (\w+)$/gm)].map((m) => m[1]!) };
}

const MODES: TlsMode[] = ['none', 'starttls', 'implicit'];

describe('Dovecot upstream: every client-side × upstream-side TLS mode, Python poplib', { skip: missing ?? false }, () => {
  for (const client of MODES) {
    for (const upstream of MODES) {
      test(`client ${client} × upstream ${upstream}`, async () => {
        const st = await createProxy(mt, 'pop3', { clientTls: client, upstreamTls: upstream, upstreamPort: upstream === 'implicit' ? dv.pop3sPort : dv.pop3Port, name: `p-${client}-${upstream}` });
        const got = await poplib(st.boundPort!, client);
        assert.deepEqual(got.hashes, MESSAGES.map((m) => sha(crlf(m))), 'each message arrives byte-exact, dot-stuffing undone once');
        assert.ok(!got.caps.split(' ').includes('STLS'), 'after STLS, or on a leg that cannot upgrade, CAPA lists no STLS');
        const { session, events } = await closedSession(mt, st.boundPort!);
        assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
        const tlsLegs = events.filter((e): e is TlsEvent => e.kind === 'tls').map((e) => e.info.leg).sort();
        assert.deepEqual(tlsLegs, [...(client !== 'none' ? ['client'] : []), ...(upstream !== 'none' ? ['upstream'] : [])]);
        for (const e of events) if (e.kind === 'tls' && e.info.leg === 'upstream') assert.equal(e.info.verified, true);
        assert.ok(exchanges(events, 'client').includes('PASS +OK'));
        assert.ok(exchanges(events, 'upstream').filter((x) => x === 'RETR +OK').length === 2);
        if (upstream === 'starttls') assert.equal(exchanges(events, 'upstream')[1], 'STLS +OK', 'STLS right after the greeting');
        // Caught, decoded and linked to the proxy session.
        assert.equal(session.messageIds.length, 2);
        // The two captures are stored concurrently, so they may be listed in either order.
        const stored: string[] = [];
        for (const id of session.messageIds) {
          const m = await mt.get<{ source: string; sessionId: string; envelope: Envelope }>(`/api/messages/${id}`);
          assert.equal(m.source, 'proxy');
          assert.equal(m.sessionId, session.id);
          // Fetched, not sent: who logged in (USER/PASS, accepted) and the client leg's TLS, nothing else.
          assert.deepEqual(m.envelope, { mailFrom: '', rcptTo: [], params: {}, helo: null, user: 'bob', tls: client !== 'none' });
          stored.push(sha((await mt.getRaw(`/api/messages/${id}/raw`)).body));
        }
        assert.deepEqual(stored.sort(), [...got.hashes].sort());
      });
    }
  }

  test('STLS is offered to a client on a STARTTLS listener before it upgrades', async () => {
    const st = await createProxy(mt, 'pop3', { clientTls: 'starttls', upstreamTls: 'none', upstreamPort: dv.pop3Port, name: 'p-capa' });
    const r = await run('python3', ['-c', "import poplib,sys; p=poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10); print(sorted(p.capa())); p.quit()", String(st.boundPort)]);
    assert.match(r.stdout, /'STLS'/);
  });

  test('curl --ssl-reqd --cacert (STLS to the client, POP3S upstream)', async () => {
    const st = await createProxy(mt, 'pop3', { clientTls: 'starttls', upstreamTls: 'implicit', upstreamPort: dv.pop3sPort, name: 'p-curl' });
    const r = await run('curl', ['-sS', '--max-time', '15', '--ssl-reqd', '--cacert', mailtapCa, '-u', `bob:${dv.password}`, `pop3://127.0.0.1:${st.boundPort}/1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha(Buffer.from(r.stdout, 'latin1')), sha(crlf(MESSAGES[0]!)));
    const { session } = await closedSession(mt, st.boundPort!);
    assert.equal(session.messageIds.length, 1);
  });

  test('fetchmail with the certificate checked against mailtap CA, --keep', async () => {
    const st = await createProxy(mt, 'pop3', { clientTls: 'implicit', upstreamTls: 'starttls', upstreamPort: dv.pop3Port, name: 'p-fetchmail' });
    const dir = join(tmp, 'fetchmail');
    mkdirSync(dir);
    const mbox = join(dir, 'mbox');
    const rc = join(dir, 'fetchmailrc');
    writeFileSync(rc, [
      `poll 127.0.0.1 service ${st.boundPort} protocol pop3 uidl`,
      `  user "bob" password "${dv.password}" is "${userInfo().username}" here`,
      '  keep no rewrite no stripcr',
      `  ssl sslcertck sslcertfile "${mailtapCa}" sslcommonname "127.0.0.1"`,
      `  mda "cat >> ${mbox}"`,
      '',
    ].join('\n'), { mode: 0o600 });
    const r = await run('fetchmail', ['-f', rc, '-i', join(dir, 'ids'), '--pidfile', join(dir, 'pid'), '--nosyslog', '--nodetach', '-v'], { env: { HOME: dir, FETCHMAILHOME: dir }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /2 messages/);
    assert.match(readFileSync(mbox, 'latin1'), /\r\n\.leading dot\r\n\.\.two dots\r\n\.\r\nafter a line/, 'dot-unstuffed exactly once');
    const { session, events } = await closedSession(mt, st.boundPort!);
    assert.equal(session.messageIds.length, 2, JSON.stringify(exchanges(events, 'client')));
  });

  test('no proxied byte lost or reordered: each end received what the wire log says', async () => {
    const st = await createProxy(mt, 'pop3', { clientTls: 'none', upstreamTls: 'none', upstreamPort: dv.pop3Port, name: 'p-bytes' });
    const got: Buffer[] = [];
    const s = connect(st.boundPort!, '127.0.0.1');
    s.on('data', (b) => got.push(b));
    const text = (): string => Buffer.concat(got).toString('latin1');
    await waitFor(() => text().startsWith('+OK'), 5000, 'greeting');
    // One byte at a time, pipelined (RFC 2449 §6.6), to check no byte is lost or reordered.
    for (const b of Buffer.from(`USER bob\r\nPASS ${dv.password}\r\nUIDL\r\nRETR 1\r\nTOP 2 3\r\nQUIT\r\n`)) s.write(Buffer.from([b]));
    await new Promise((r) => s.once('close', r));
    const { session } = await closedSession(mt, st.boundPort!);
    const leg = await wireOf(mt, session.id);
    assert.deepEqual(leg('client', 's2c'), Buffer.concat(got), 'the client received exactly the client leg');
    assert.deepEqual(leg('upstream', 'c2s'), leg('client', 'c2s'), 'the upstream was sent exactly what the client sent');
    assert.deepEqual(leg('upstream', 's2c'), leg('client', 's2c'), 'and the client what the upstream sent');
    assert.ok(text().includes(crlf(MESSAGES[0]!).toString('latin1').replace(/^\./gm, '..')), 'the message, byte-stuffed, as Dovecot sent it');
  });
});

describe("mailtap's own POP3 sink upstream", () => {
  test('STLS upstream on its plain port, and POP3S; poplib through both', async () => {
    const user = 'proxied@example.test';
    const send = await run('swaks', ['--server', '127.0.0.1', '--port', String(mt.smtpPort), '--to', user, '--from', 'a@example.test', '--header', 'Subject: via the sink']);
    assert.equal(send.code, 0, send.stdout);
    for (const [upstreamTls, port] of [['starttls', mt.pop3Port], ['implicit', pop3sSink]] as const) {
      const st = await createProxy(mt, 'pop3', { clientTls: 'none', upstreamTls, upstreamPort: port, name: `p-sink-${upstreamTls}` });
      const got = await poplib(st.boundPort!, 'none', user, 'x');
      assert.equal(got.hashes.length, 1);
      const { session, events } = await closedSession(mt, st.boundPort!);
      assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
      assert.equal(session.messageIds.length, 1, 'fetched through the proxy: caught again, linked to this session');
    }
  });
});

describe('failures and closes', () => {
  test('unreachable upstream: -ERR [SYS/TEMP] and the reason on the session', async () => {
    const st = await createProxy(mt, 'pop3', { upstreamPort: await deadPort(), name: 'p-dead' });
    const r = await run('python3', ['-c', "import poplib,sys\ntry:\n  poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)\nexcept poplib.error_proto as e: print(e)", String(st.boundPort)]);
    assert.match(r.stdout, /-ERR \[SYS\/TEMP\] upstream unavailable: cannot reach 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    const { events } = await closedSession(mt, st.boundPort!);
    assert.ok(events.some((e) => e.kind === 'error' && e.leg === 'upstream' && /ECONNREFUSED/.test(e.text)));
  });

  test('upstream certificate verification fails: -ERR with the reason, the chain recorded', async () => {
    const server = tlsServer(makeSelfSigned('bad.example.test', ['bad.example.test']), (s) => s.end('+OK bad\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const st = await createProxy(mt, 'pop3', { upstreamTls: 'implicit', upstreamPort: (server.address() as { port: number }).port, name: 'p-badcert' });
      const r = await run('python3', ['-c', "import poplib,sys\ntry:\n  poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)\nexcept poplib.error_proto as e: print(e)", String(st.boundPort)]);
      assert.match(r.stdout, /-ERR \[SYS\/TEMP\] .*certificate verification failed/);
      const { session, events } = await closedSession(mt, st.boundPort!);
      const tls = events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'upstream')!;
      assert.equal(tls.info.verified, false);
      assert.match(tls.info.chain![0]!.subject, /CN=bad\.example\.test/);
      const close = events.find((e) => e.kind === 'close' && e.leg === 'client');
      assert.match(JSON.stringify(close), /certificate verification failed/, 'the reason is the session close reason');
      assert.ok(session.errors >= 1);
    } finally {
      server.close();
    }
  });

  test('a client disconnect closes the upstream, and an upstream disconnect closes the client', async () => {
    const upstreamClosed: Promise<void>[] = [];
    const up = createServer((s: Socket) => {
      upstreamClosed.push(new Promise((r) => s.once('close', () => r())));
      s.write('+OK fake\r\n');
      s.on('data', (d) => {
        if (/^NOOP/m.test(d.toString())) s.end('+OK then goodbye\r\n');
      });
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    try {
      const st = await createProxy(mt, 'pop3', { upstreamPort: (up.address() as { port: number }).port, name: 'p-closes' });
      const a = connect(st.boundPort!, '127.0.0.1');
      await new Promise((r) => a.once('data', r));
      a.destroy();
      await waitFor(() => upstreamClosed.length === 1 && Promise.race([upstreamClosed[0]!.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]), 5000, 'upstream closed');
      const b = connect(st.boundPort!, '127.0.0.1');
      const got: Buffer[] = [];
      b.on('data', (d) => got.push(d));
      await waitFor(() => got.length > 0, 5000, 'greeting');
      b.write('NOOP\r\n');
      await new Promise((r) => b.once('close', r));
      assert.equal(Buffer.concat(got).toString(), '+OK fake\r\n+OK then goodbye\r\n');
    } finally {
      up.close();
    }
  });
});
