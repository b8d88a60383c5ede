// The SMTP proxy with real peers on 127.0.0.1: mailtap's own sink (plain, STARTTLS, implicit
// TLS) upstream; swaks, curl (trusting only the exported CA), Python's smtplib and nodemailer
// as clients. Each checks the dialogue through the API, both legs. Postfix upstreams (smtpd with
// STARTTLS, smtp-sink) are in proxy-smtp-postfix.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer as netServer } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { ApiEvents } from '../../shared/api.js';
import type { Envelope, Page, ProxyListenerState, TlsEvent, TlsMode, WireChunk } from '../../shared/types.js';
import { makeSelfSigned } from '../../main/core/tls/self-signed.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { closedSession as closedSessionOf, createProxy, exchanges } from '../helpers/proxy-harness.js';
import { run } from '../helpers/run.js';

let mt: TestMailtap;
let smtpsPort: number;
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-proxy-'));
const caFile = join(tmp, 'ca.pem');

before(async () => {
  mt = await startTestMailtap({ smtpsPort: 0, settings: { smtp: { idleTimeoutMs: 2000 } } });
  smtpsPort = mt.app.info.listeners.find((l) => l.name === 'smtps')!.port;
  // The sink presents a leaf of mailtap's CA: trusting it upstream lets verification pass.
  const r = await mt.getRaw('/api/ca/export?format=pem');
  assert.equal(r.status, 200);
  writeFileSync(caFile, r.body);
  await mt.request('PATCH', '/api/settings', { tls: { upstreamCaFile: caFile } });
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

const proxy = (body: Record<string, unknown>): Promise<ProxyListenerState> => createProxy(mt, 'smtp', body);
const closedSession = (port: number): ReturnType<typeof closedSessionOf> => closedSessionOf(mt, port);

function swaks(port: number, mode: TlsMode, ...extra: string[]) {
  const tls = mode === 'starttls' ? ['--tls'] : mode === 'implicit' ? ['--tlsc'] : [];
  return run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--from', 'from@example.test', '--to', 'to@example.test', '--timeout', '8', ...tls, ...extra], { timeoutMs: 20_000 });
}

const MODES: TlsMode[] = ['none', 'starttls', 'implicit'];

describe('every client-side × upstream-side TLS mode, swaks through to the sink', () => {
  for (const client of MODES) {
    for (const upstream of MODES) {
      test(`client ${client} × upstream ${upstream}`, async () => {
        const st = await proxy({ clientTls: client, upstreamTls: upstream, upstreamPort: upstream === 'implicit' ? smtpsPort : mt.smtpPort, name: `m-${client}-${upstream}` });
        const subject = `mode ${client} ${upstream}`;
        const r = await swaks(st.boundPort!, client, '--header', `Subject: ${subject}`, '--helo', 'client.example.test', '--auth', 'LOGIN', '--auth-user', 'alice@example.test', '--auth-password', 'pw');
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const { session, events } = await closedSession(st.boundPort!);
        assert.equal(session.role, 'proxy');
        assert.equal(session.upstream?.port, upstream === 'implicit' ? smtpsPort : mt.smtpPort);
        assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
        const tlsLegs = events.filter((e): e is TlsEvent => e.kind === 'tls').map((e) => e.info.leg).sort();
        assert.deepEqual(tlsLegs, [...(client !== 'none' ? ['client'] : []), ...(upstream !== 'none' ? ['upstream'] : [])]);
        for (const e of events) if (e.kind === 'tls' && e.info.leg === 'upstream') {
          assert.equal(e.info.verified, true);
          assert.ok(e.info.chain?.length && e.info.chain[0]!.fingerprint.includes(':'));
        }
        const clientLeg = exchanges(events, 'client');
        assert.deepEqual(clientLeg.filter((x) => !x.startsWith('STARTTLS') && !x.startsWith('EHLO')), ['- 220', 'AUTH 235', 'MAIL 250', 'RCPT 250', 'DATA 250', 'QUIT 221']);
        assert.ok(exchanges(events, 'upstream').includes('MAIL 250'));
        // Captured, decoded and linked to the proxy session.
        assert.equal(session.messageIds.length, 1);
        const m = await mt.get<{ subject: string; source: string; sessionId: string; envelope: Envelope }>(`/api/messages/${session.messageIds[0]}`);
        assert.equal(m.subject, subject);
        // AUTH LOGIN's user once the upstream said 235 (RFC 4954 §6), the EHLO name, the client leg's TLS.
        assert.deepEqual([m.envelope.user, m.envelope.helo, m.envelope.tls, m.envelope.mailFrom], ['alice@example.test', 'client.example.test', client !== 'none', 'from@example.test']);
        assert.equal(m.source, 'proxy');
        assert.equal(m.sessionId, session.id);
      });
    }
  }
});

describe('many messages on one connection', () => {
  test("Postfix's smtp-source, 25 messages on one pipelining connection (-d): every one caught, with its envelope", async () => {
    // smtp-source pipelines MAIL, RCPT and DATA (RFC 2920) and reuses the connection: each
    // payload is tied to its own reply. The end of data pipelined with the next MAIL, which no
    // client here does, is in the codec table (proxy-smtp-codec.test.ts).
    const st = await proxy({ clientTls: 'none', upstreamTls: 'none', upstreamPort: mt.smtpPort, name: 'smtp-source' });
    const r = await run('smtp-source', ['-d', '-s', '1', '-m', '25', '-l', '2000', '-f', 'src@example.test', '-t', 'dst@example.test', `127.0.0.1:${st.boundPort}`], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { session, events } = await closedSession(st.boundPort!);
    assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
    assert.equal(exchanges(events, 'upstream').filter((x) => x === 'DATA 250').length, 25);
    assert.equal(session.messageIds.length, 25);
    for (const id of session.messageIds) {
      const m = await mt.get<{ size: number; envelope: Envelope }>(`/api/messages/${id}`);
      assert.deepEqual([m.envelope.mailFrom, m.envelope.rcptTo], ['src@example.test', ['dst@example.test']]);
      assert.ok(m.size >= 2000, `size ${m.size}`);
    }
  });
});

describe('clients that verify the certificate against the exported CA', () => {
  test('curl --ssl-reqd --cacert over STARTTLS to an implicit-TLS upstream', async () => {
    const st = await proxy({ clientTls: 'starttls', upstreamTls: 'implicit', upstreamPort: smtpsPort, name: 'curl-1' });
    const mail = join(tmp, 'curl.eml');
    writeFileSync(mail, 'Subject: via curl\r\n\r\nhello through the proxy\r\n');
    const r = await run('curl', ['-sS', '--max-time', '10', `smtp://127.0.0.1:${st.boundPort}`, '--ssl-reqd', '--cacert', caFile, '--mail-from', 'a@example.test', '--mail-rcpt', 'b@example.test', '-T', mail]);
    assert.equal(r.code, 0, r.stderr);
    const { session } = await closedSession(st.boundPort!);
    assert.equal(session.messageIds.length, 1);
  });

  test('curl refuses the leaf without the CA (proves the CA is what makes it trusted)', async () => {
    const st = await proxy({ clientTls: 'starttls', upstreamTls: 'none', upstreamPort: mt.smtpPort, name: 'curl-2' });
    const r = await run('curl', ['-sS', '--max-time', '10', `smtp://127.0.0.1:${st.boundPort}`, '--ssl-reqd', '--mail-from', 'a@example.test', '--mail-rcpt', 'b@example.test', '-T', '/dev/null'], { env: { CURL_CA_BUNDLE: '/dev/null', SSL_CERT_FILE: '/dev/null' } });
    assert.notEqual(r.code, 0);
  });

  test('Python smtplib with an ssl context that loads only the CA: no SNI, so a leaf for the upstream IP', async (t) => {
    const st = await proxy({ clientTls: 'implicit', upstreamTls: 'starttls', upstreamPort: mt.smtpPort, name: 'py-1' });
    const script = `
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[1]), context=ctx, timeout=10) as s:
    s.sendmail('a@example.test', ['b@example.test'], 'Subject: via python\\r\\n\\r\\nhi\\r\\n')
print('ok')
`;
    const r = await run('python3', ['-c', script, String(st.boundPort), caFile]);
    if (r.code === null) return t.skip('python3 did not run');
    assert.equal(r.code, 0, r.stderr);
    const { events } = await closedSession(st.boundPort!);
    const client = events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'client')!;
    assert.equal(client.info.sni, null);
    assert.equal(client.info.certificateSubject, '127.0.0.1', 'a leaf for the upstream host, with an IP SAN');
  });

  test('nodemailer with requireTLS and the CA', async () => {
    const st = await proxy({ clientTls: 'starttls', upstreamTls: 'starttls', upstreamPort: mt.smtpPort, name: 'nm-1' });
    const tr = nodemailer.createTransport({ host: '127.0.0.1', port: st.boundPort!, secure: false, requireTLS: true, tls: { ca: [await (await import('node:fs/promises')).readFile(caFile, 'utf8')], servername: 'mail.example.test' } });
    const info = await tr.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'via nodemailer', text: 'x\n.\n..dots\n' });
    assert.match(info.response, /^250/);
    const { session, events } = await closedSession(st.boundPort!);
    const client = events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'client')!;
    assert.equal(client.info.sni, 'mail.example.test');
    assert.equal(client.info.certificateSubject, 'mail.example.test', 'a leaf for the SNI');
    const raw = await mt.getRaw(`/api/messages/${session.messageIds[0]}/raw`);
    assert.match(raw.body.toString(), /\r\n\.\r\n\.\.dots\r\n/, 'dot-unstuffed exactly once');
  });
});

describe('failures', () => {
  test('unreachable upstream: the client gets 421 and the session records why', async () => {
    const probe = netServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const dead = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const st = await proxy({ clientTls: 'none', upstreamTls: 'none', upstreamPort: dead, name: 'dead-1' });
    const r = await swaks(st.boundPort!, 'none');
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /<\*\* 421 4\.4\.1 .*upstream unavailable: cannot reach 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    const { events } = await closedSession(st.boundPort!);
    assert.ok(events.some((e) => e.kind === 'error' && e.leg === 'upstream' && /ECONNREFUSED/.test(e.text)));
  });

  test('an upstream that never greets: 421 after the idle timeout', async () => {
    const silent = netServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    try {
      const st = await proxy({ clientTls: 'none', upstreamTls: 'none', upstreamPort: (silent.address() as { port: number }).port, name: 'silent-1' });
      const r = await swaks(st.boundPort!, 'none');
      assert.match(r.stdout, /421 4\.4\.1 .*upstream timed out/);
    } finally {
      silent.close();
    }
  });

  describe('an implicit-TLS upstream with a self-signed certificate', () => {
    let port = 0;
    const server = tlsServer({ ...makeSelfSigned('bad.example.test', ['bad.example.test']) }, (s) => {
      s.write('220 bad.example.test ESMTP\r\n');
      s.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\r\n').filter(Boolean)) s.write(/^QUIT/i.test(line) ? '221 bye\r\n' : /^DATA/i.test(line) ? '354 go\r\n' : '250 ok\r\n');
        if (/^QUIT/im.test(d.toString())) s.end();
      });
    });
    before(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    after(() => server.close());

    test('verify on: 421 and the verification error with the chain on the timeline', async () => {
      const st = await proxy({ clientTls: 'none', upstreamTls: 'implicit', upstreamPort: port, name: 'bad-1' });
      const r = await swaks(st.boundPort!, 'none');
      assert.match(r.stdout, /421 4\.4\.1 .*certificate verification failed: (DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/);
      const { events } = await closedSession(st.boundPort!);
      const tls = events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'upstream')!;
      assert.equal(tls.info.verified, false);
      assert.match(tls.info.chain![0]!.subject, /CN=bad\.example\.test/);
      assert.ok(events.some((e) => e.kind === 'error' && /verification failed/.test(e.text)));
    });

    test('verify off: the dialogue goes through, recorded as unverified', async () => {
      const st = await proxy({ clientTls: 'none', upstreamTls: 'implicit', upstreamPort: port, verifyUpstream: false, name: 'bad-2' });
      const r = await swaks(st.boundPort!, 'none');
      assert.equal(r.code, 0, r.stdout);
      const { events } = await closedSession(st.boundPort!);
      assert.equal(events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'upstream')!.info.verified, false);
    });
  });

  test('STARTTLS injection: plaintext in the same packet as STARTTLS is refused and flagged', async () => {
    const st = await proxy({ clientTls: 'starttls', upstreamTls: 'none', upstreamPort: mt.smtpPort, name: 'inject-1' });
    const got: Buffer[] = [];
    const s = connect(st.boundPort!, '127.0.0.1');
    s.on('data', (b) => got.push(b));
    const text = (): string => Buffer.concat(got).toString('latin1');
    await waitFor(() => /^250 /m.test(text()) || text().startsWith('220'), 5000, 'greeting');
    s.write('EHLO evil.test\r\n');
    await waitFor(() => /^250 /m.test(text()), 5000, 'EHLO reply');
    assert.match(text(), /STARTTLS/, 'offered to the client');
    s.write('STARTTLS\r\nMAIL FROM:<injected@example.test>\r\n');
    await new Promise((r) => s.once('close', r));
    assert.match(text(), /554 5\.5\.1 .*pipelined after STARTTLS/);
    const { session, events } = await closedSession(st.boundPort!);
    assert.ok(events.some((e) => e.kind === 'error' && e.code === 'starttls-injection'));
    const wire = await mt.get<Page<WireChunk>>(`/api/sessions/${session.id}/wire?limit=1000`);
    const upstreamGot = Buffer.concat(wire.items.filter((c) => c.leg === 'upstream' && c.direction === 'c2s').map((c) => Buffer.from(c.data, 'base64'))).toString();
    assert.doesNotMatch(upstreamGot, /injected/, 'the injected command never reached the upstream');
  });
});

describe('key logs', () => {
  test('tls.keyLogFile gets SSLKEYLOGFILE lines for both legs', async () => {
    const file = join(tmp, 'keys.log');
    await mt.request('PATCH', '/api/settings', { tls: { keyLogFile: file } });
    try {
      const st = await proxy({ clientTls: 'starttls', upstreamTls: 'implicit', upstreamPort: smtpsPort, name: 'keys-1' });
      assert.equal((await swaks(st.boundPort!, 'starttls')).code, 0);
      await closedSession(st.boundPort!);
      const text = await waitFor(async () => {
        const t = await (await import('node:fs/promises')).readFile(file, 'utf8').catch(() => '');
        return (t.match(/^CLIENT_TRAFFIC_SECRET_0 /gm) ?? []).length >= 2 ? t : undefined;
      }, 5000, 'key log lines');
      // TLS 1.3 (RFC 8446): one client random per handshake, so two legs give two randoms.
      const randoms = new Set(text.split('\n').filter(Boolean).map((l) => l.split(' ')[1]));
      assert.equal(randoms.size, 2);
    } finally {
      await mt.request('PATCH', '/api/settings', { tls: { keyLogFile: '' } });
    }
  });
});

describe('listeners through the API', () => {
  test('create, stop, start, update and delete without a restart; saved in settings', async () => {
    const st = await proxy({ clientTls: 'none', upstreamTls: 'none', upstreamPort: mt.smtpPort, name: 'api-1' });
    let settings = await mt.get<{ proxies: { name: string }[] }>('/api/settings');
    assert.ok(settings.proxies.some((p) => p.name === 'api-1'));
    const stopped = (await mt.request('POST', '/api/listeners/api-1/stop')).json as ProxyListenerState;
    assert.equal(stopped.running, false);
    assert.notEqual((await swaks(st.boundPort!, 'none')).code, 0, 'nothing listens');
    const started = (await mt.request('POST', '/api/listeners/api-1/start')).json as ProxyListenerState;
    assert.equal(started.running, true);
    const updated = await mt.request('PATCH', '/api/listeners/api-1', { clientTls: 'starttls' });
    assert.equal((updated.json as ProxyListenerState).clientTls, 'starttls');
    assert.equal((await swaks((updated.json as ProxyListenerState).boundPort!, 'starttls')).code, 0);
    const bad = await mt.request('POST', '/api/listeners', { protocol: 'smtp', upstreamHost: '127.0.0.1', upstreamPort: 70000 });
    assert.equal(bad.status, 400);
    assert.equal((await mt.request('DELETE', '/api/listeners/api-1')).status, 200);
    settings = await mt.get('/api/settings');
    assert.ok(!settings.proxies.some((p) => p.name === 'api-1'));
    const info = await mt.get<{ fingerprint: string }>('/api/ca');
    assert.match(info.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test('every change is a live listeners.changed event with the whole list, a failed start included', async () => {
    const seen: ProxyListenerState[][] = [];
    const off = mt.app.service.subscribe((e) => {
      if (e.event === 'listeners.changed') seen.push((e.data as ApiEvents['listeners.changed']).listeners);
    });
    const blocker = netServer().listen(0, '127.0.0.1');
    try {
      await new Promise((r) => blocker.once('listening', r));
      const latest = (name: string): ProxyListenerState | undefined => seen.at(-1)?.find((l) => l.name === name);
      await proxy({ clientTls: 'none', upstreamTls: 'none', upstreamPort: mt.smtpPort, name: 'ev-1' });
      await waitFor(() => latest('ev-1')?.running === true, 3000, 'created');
      await mt.request('POST', '/api/listeners/ev-1/stop');
      await waitFor(() => latest('ev-1')?.running === false, 3000, 'stopped');
      const taken = (blocker.address() as { port: number }).port;
      await mt.request('POST', '/api/listeners', { protocol: 'imap', upstreamHost: '127.0.0.1', upstreamPort: 993, listenPort: taken, name: 'ev-2' });
      const failed = await waitFor(() => latest('ev-2'), 3000, 'failed start');
      assert.equal(failed.running, false);
      assert.match(failed.error ?? '', /EADDRINUSE/);
      await mt.request('DELETE', '/api/listeners/ev-1');
      await mt.request('DELETE', '/api/listeners/ev-2');
      await waitFor(() => seen.length && !latest('ev-1') && !latest('ev-2'), 3000, 'deleted');
    } finally {
      off();
      blocker.close();
    }
  });
});
