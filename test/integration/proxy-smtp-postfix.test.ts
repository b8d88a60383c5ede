// The SMTP proxy in front of Postfix on 127.0.0.1: a private smtpd with STARTTLS (a certificate
// of a test CA the proxy trusts; needs root, see helpers/postfix.ts) and smtp-sink for plain.
// swaks is the client. Each checks the dialogue through the API, both legs, and the bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsEvent, TlsMode } from '../../shared/types.js';
import { postfixMissing, startPostfix, type Postfix } from '../helpers/postfix.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { closedSession, createProxy, deadPort, exchanges, trustUpstreams, wireOf } from '../helpers/proxy-harness.js';
import { run } from '../helpers/run.js';

let mt: TestMailtap;
let mailtapCa = '';
let leaf: { key: string; cert: string };
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-proxy-postfix-'));

before(async () => {
  mt = await startTestMailtap();
  const trust = await trustUpstreams(mt, tmp);
  mailtapCa = trust.mailtapCa;
  leaf = trust.leaf;
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

function swaks(port: number, mode: TlsMode, ...extra: string[]) {
  const tls = mode === 'starttls' ? ['--tls'] : mode === 'implicit' ? ['--tlsc'] : [];
  return run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--from', 'from@example.test', '--to', 'to@example.test', '--timeout', '8', ...tls, ...extra], { timeoutMs: 20_000 });
}

const missing = postfixMissing();

describe('Postfix smtpd with STARTTLS upstream', { skip: missing ?? false }, () => {
  let pf: Postfix;
  before(async () => {
    pf = await startPostfix(leaf);
  });
  after(async () => {
    await pf.stop();
  });

  for (const client of ['none', 'starttls', 'implicit'] as TlsMode[]) {
    test(`client ${client} × upstream STARTTLS: EHLO, STARTTLS, 220, handshake, EHLO again; verified; caught`, async () => {
      const st = await createProxy(mt, 'smtp', { clientTls: client, upstreamTls: 'starttls', upstreamPort: pf.port, name: `pf-${client}` });
      const r = await swaks(st.boundPort!, client, '--header', `Subject: postfix ${client}`, ...(client === 'none' ? [] : ['--tls-ca-path', mailtapCa, '--tls-verify']));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /<[~-] {2}250 2\.0\.0 Ok: queued as/);
      const { session, events } = await closedSession(mt, st.boundPort!);
      assert.equal(session.errors, 0, JSON.stringify(events.filter((e) => e.kind === 'error')));
      assert.deepEqual(exchanges(events, 'upstream').slice(0, 4), ['- 220', 'EHLO 250', 'STARTTLS 220', 'EHLO 250']);
      const up = events.find((e): e is TlsEvent => e.kind === 'tls' && e.info.leg === 'upstream')!;
      assert.equal(up.info.verified, true);
      assert.match(up.info.chain![0]!.subject, /CN=localhost/);
      assert.equal(session.messageIds.length, 1);
    });
  }
});

describe("Postfix's smtp-sink upstream, bytes checked against the wire log", () => {
  let sink: ChildProcess | null = null;
  let port = 0;
  before(async () => {
    port = await deadPort();
    sink = spawn('smtp-sink', ['-u', 'postfix', `127.0.0.1:${port}`, '100'], { stdio: 'ignore' });
    await waitFor(() => new Promise<boolean>((res) => connect(port, '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.destroy(); res(true); }).once('error', () => res(false))), 5000, 'smtp-sink');
  });
  after(() => {
    if (sink?.pid) process.kill(sink.pid, 'SIGTERM');
  });

  test('a raw client: what it received is the client leg of the wire log; what the upstream got, the upstream leg', async () => {
    const st = await createProxy(mt, 'smtp', { clientTls: 'none', upstreamTls: 'none', upstreamPort: port, name: 'pf-1' });
    const dialogue = 'EHLO raw.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n';
    const got: Buffer[] = [];
    const s = connect(st.boundPort!, '127.0.0.1');
    s.on('data', (b) => got.push(b));
    const closed = new Promise((r) => s.once('close', r));
    const text = (): string => Buffer.concat(got).toString('latin1');
    await waitFor(() => text().startsWith('220'), 5000, 'greeting');
    s.write(dialogue);
    await waitFor(() => /^354/m.test(text()), 5000, '354');
    // One byte at a time, to check no byte is lost or reordered.
    for (const b of Buffer.from('Subject: bytes\r\n\r\nline\r\n..dot\r\n.\r\nQUIT\r\n')) s.write(Buffer.from([b]));
    await closed;
    const { session, events } = await closedSession(mt, st.boundPort!);
    const leg = await wireOf(mt, session.id);
    assert.deepEqual(leg('client', 's2c'), Buffer.concat(got), 'the client received exactly the client leg');
    assert.deepEqual(leg('upstream', 'c2s'), leg('client', 'c2s'), 'the upstream was sent exactly what the client sent');
    assert.deepEqual(leg('client', 's2c'), leg('upstream', 's2c'), 'with no TLS on either side nothing is rewritten');
    assert.ok(exchanges(events, 'upstream').includes('DATA 250'));
    assert.equal(session.messageIds.length, 1);
  });
});
