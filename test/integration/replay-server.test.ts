// Server replay with real clients: a dialogue that ends in a 451 at RCPT, recorded through the
// SMTP proxy from a small scripted upstream, is served by the real `mailtap serve-replay`
// process to swaks, which sees the 451. Through the API: a command that does not match gets
// 503 and is recorded; STARTTLS is served with the local CA's leaf; IMAP tags are the client's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionDetail } from '../../shared/api.js';
import type { Page, ProxyListenerState, ReplayServerState, SessionSummary } from '../../shared/types.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';

let mt: TestMailtap;
let upstream: Server;
let upstreamPort = 0;
const upstreamSockets = new Set<Socket>();
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-serve-replay-'));

/** An SMTP server that says 451 to every RCPT (RFC 5321 §4.2.3: try again later). */
function scriptedUpstream(s: Socket): void {
  s.write('220 upstream.example ESMTP scripted\r\n');
  let buf = '';
  s.on('error', () => undefined);
  s.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\r\n'); i >= 0 && buf.length < 10_000; i = buf.indexOf('\r\n')) {
      const verb = buf.slice(0, i).split(' ')[0]!.toUpperCase();
      buf = buf.slice(i + 2);
      if (verb === 'EHLO') s.write('250-upstream.example\r\n250 PIPELINING\r\n');
      else if (verb === 'RCPT') s.write('451 4.7.1 Greylisted, try again later\r\n');
      else if (verb === 'QUIT') s.end('221 2.0.0 Bye\r\n');
      else s.write('250 2.0.0 Ok\r\n');
    }
  });
}

async function closedSession(q: string, not: string[] = []): Promise<SessionSummary> {
  return waitFor(async () => (await mt.get<Page<SessionSummary>>(`/api/sessions?${q}&limit=50`)).items.find((s) => s.endedAt !== null && !not.includes(s.id)), 8000, `closed session (${q})`);
}

const swaks = (port: number, ...args: string[]) => run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--from', 'a@example.test', '--to', 'b@example.test', ...args], { timeoutMs: 30_000 });

let greylisted: SessionSummary;

before(async () => {
  mt = await startTestMailtap();
  upstream = createServer((s) => {
    upstreamSockets.add(s);
    s.on('close', () => upstreamSockets.delete(s));
    scriptedUpstream(s);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as { port: number }).port;
  const p = await mt.request('POST', '/api/listeners', { protocol: 'smtp', listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort, clientTls: 'none', upstreamTls: 'none', verifyUpstream: false });
  assert.equal(p.status, 200, JSON.stringify(p.json));
  const st = p.json as ProxyListenerState;
  const r = await swaks(st.boundPort!);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /<\*\* 451 4\.7\.1 Greylisted/);
  greylisted = await closedSession('role=proxy');
});
after(async () => {
  await mt.close();
  for (const s of upstreamSockets) s.destroy();
  await new Promise<void>((r) => upstream.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('mailtap serve-replay', () => {
  // With a live server on the data directory (this test's), the command asks its API;
  // without one it reads the directory and serves by itself.
  for (const live of [true, false])
  test(`serves the recorded 451 at RCPT to swaks (${live ? 'through the live server' : 'on its own, from a copy of the data directory'})`, async () => {
    let data = mt.dataDir;
    if (!live) {
      data = join(tmp, 'copy');
      for (const f of ['sessions', 'sessions.jsonl', 'tls']) cpSync(join(mt.dataDir, f), join(data, f), { recursive: true });
    }
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'serve-replay', greylisted.id, '--data', data, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const port = Number(await waitFor(() => /on 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 20_000, `serve-replay to listen: ${out}`));
      const r = await swaks(port);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stdout, /<\*\* 451 4\.7\.1 Greylisted, try again later/);
      assert.match(r.stdout, /<- {2}221 2\.0\.0 Bye/);
      // A second client gets the same dialogue.
      assert.match((await swaks(port)).stdout, /<\*\* 451 4\.7\.1/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('replay.serve through the API', () => {
  async function serve(sessionId: string): Promise<ReplayServerState> {
    const r = await mt.request('POST', '/api/replay/servers', { sessionId });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as ReplayServerState;
  }

  test('a command that does not match gets 503, is recorded, and the dialogue goes on', async () => {
    const st = await serve(greylisted.id);
    const sock = connect(st.port, '127.0.0.1');
    const closed = new Promise((r) => sock.once('close', r));
    await new Promise((r) => sock.once('connect', r));
    const localPort = sock.localPort;
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    const expect = (re: RegExp) => waitFor(() => re.test(got), 5000, `${re} in ${JSON.stringify(got)}`);
    await expect(/^220 upstream\.example/);
    sock.write('MAIL FROM:<x@example.test>\r\n'); // the recording has EHLO first
    await expect(/503 5\.5\.1 .*expects EHLO/);
    sock.write('EHLO some-other-name\r\n');
    await expect(/250 PIPELINING\r\n/);
    sock.write('MAIL FROM:<y@example.test>\r\nRCPT TO:<z@example.test>\r\n');
    await expect(/451 4\.7\.1/);
    sock.write('QUIT\r\n');
    await expect(/221 2\.0\.0 Bye/);
    await closed;
    const list = (await mt.get<ReplayServerState[]>('/api/replay/servers')).find((x) => x.id === st.id)!;
    assert.equal(list.mismatches, 1);
    const s = await waitFor(async () => (await mt.get<Page<SessionSummary>>('/api/sessions?role=replay&limit=50')).items.find((x) => x.endedAt !== null && x.client.port === localPort), 8000, 'the replay session');
    assert.equal(s.replayOf, greylisted.id);
    const d = await mt.get<SessionDetail>(`/api/sessions/${s.id}?limit=500`);
    assert.ok(d.events.items.some((e) => e.kind === 'warning' && e.code === 'replay-mismatch'));
    const stop = await mt.request('DELETE', `/api/replay/servers/${st.id}`);
    assert.deepEqual(stop.json, { stopped: 1 });
  });

  test('STARTTLS and AUTH: swaks completes against a replay of its own session, TLS from the local CA', async () => {
    const r = await swaks(mt.smtpPort, '--tls', '--auth', 'LOGIN', '--auth-user', 'u', '--auth-password', 'p');
    assert.equal(r.code, 0, r.stdout);
    const rec = await closedSession('protocol=smtp&role=sink');
    const st = await serve(rec.id);
    assert.equal(st.tls, 'starttls');
    const again = await swaks(st.port, '--tls', '--auth', 'LOGIN', '--auth-user', 'u', '--auth-password', 'p', '--tls-get-peer-cert');
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /mailtap/i, 'the certificate is issued by the local CA');
    assert.equal((await mt.get<ReplayServerState[]>('/api/replay/servers')).find((x) => x.id === st.id)!.mismatches, 0);
  });

  test('IMAP: imaplib (its own random tags) gets the recorded answers under its tags', async () => {
    const script = 'import imaplib,sys\nM=imaplib.IMAP4("127.0.0.1",int(sys.argv[1]))\nM.login("bob","pw")\nprint(M.list())\nprint(M.logout()[0])\n';
    const first = await run('python3', ['-c', script, String(mt.imapPort)]);
    assert.equal(first.code, 0, first.stderr);
    const rec = await closedSession('protocol=imap&role=sink');
    const st = await serve(rec.id);
    const again = await run('python3', ['-c', script, String(st.port)]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    assert.match(again.stdout, /INBOX/);
    assert.equal((await mt.get<ReplayServerState[]>('/api/replay/servers')).find((x) => x.id === st.id)!.mismatches, 0);
  });
});
