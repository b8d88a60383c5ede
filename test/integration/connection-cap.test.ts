// A listener at its connection cap (main/core/net/listener.ts): one more connection is told so
// in its protocol (main/core/protocols/busy.ts) and closed, and Python's smtplib, poplib and
// imaplib read that as the refusal it is. A freed slot is taken again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { Protocol } from '../../shared/types.js';
import { listen } from '../../main/core/net/listener.js';
import { busyGreeting } from '../../main/core/protocols/busy.js';
import { run } from '../helpers/run.js';
import { startTestMailtap } from '../helpers/mailtap.js';

const open = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });

/** Each client library's way in, printing the error it raises (or "connected"). */
const PY: Record<Protocol, string> = {
  smtp: 'import smtplib,sys\ntry:\n  smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=5); print("connected")\nexcept Exception as e: print(type(e).__name__, e)',
  pop3: 'import poplib,sys\ntry:\n  poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=5); print("connected")\nexcept Exception as e: print(type(e).__name__, e)',
  imap: 'import imaplib,sys\ntry:\n  imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=5); print("connected")\nexcept Exception as e: print(type(e).__name__, e)',
};

const EXPECT: Record<Protocol, RegExp> = {
  smtp: /SMTPConnectError .*421.*Too many connections/,
  pop3: /error_proto .*-ERR \[SYS\/TEMP\] Too many connections/,
  imap: /error .*\* BYE \[UNAVAILABLE\] Too many connections/,
};

for (const protocol of ['smtp', 'pop3', 'imap'] as const) {
  test(`${protocol}: over the cap, the client library reports the server busy; a freed slot is served`, async () => {
    const held: Socket[] = [];
    const served: Socket[] = [];
    const l = await listen('127.0.0.1', 0, 2, (s) => {
      served.push(s);
      s.write(protocol === 'smtp' ? '220 ready\r\n' : protocol === 'pop3' ? '+OK ready\r\n' : '* OK ready\r\n');
      // imaplib asks for CAPABILITY before it returns.
      if (protocol === 'imap') s.on('data', (b: Buffer) => s.write(`* CAPABILITY IMAP4rev1\r\n${b.toString().split(' ')[0]} OK done\r\n`));
      s.on('error', () => undefined);
    }, { busy: () => busyGreeting(protocol, 'mailtap.test') });
    try {
      held.push(await open(l.port), await open(l.port));
      const refused = await run('python3', ['-c', PY[protocol], String(l.port)]);
      assert.match(refused.stdout, EXPECT[protocol], refused.stdout + refused.stderr);
      assert.equal(served.length, 2, 'the refused connection never reached the server');
      held.shift()!.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const again = await run('python3', ['-c', PY[protocol], String(l.port)]);
      assert.equal(again.stdout.trim(), 'connected', again.stdout + again.stderr);
    } finally {
      for (const s of held) s.destroy();
      await l.close();
    }
  });
}

test('the sink cap is the smtp.maxConnections setting, and a change applies without a restart', async () => {
  const mt = await startTestMailtap();
  const held: Socket[] = [];
  const greeted = (s: Socket): Promise<string> => new Promise((resolve) => s.once('data', (b: Buffer) => resolve(b.toString())));
  try {
    const bad = await mt.request('PATCH', '/api/settings', { smtp: { maxConnections: 0 } });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: { message: string } }).error.message, /smtp\.maxConnections: At least 1/);
    assert.equal((await mt.request('PATCH', '/api/settings', { smtp: { maxConnections: 2 } })).status, 200);
    for (let i = 0; i < 2; i++) {
      const s = await open(mt.smtpPort);
      held.push(s);
      assert.match(await greeted(s), /^220 /);
    }
    const refused = await run('python3', ['-c', PY.smtp, String(mt.smtpPort)]);
    assert.match(refused.stdout, EXPECT.smtp, refused.stdout + refused.stderr);
    // The same applies to the POP3 and IMAP sinks, which count their own connections.
    const pop3 = await open(mt.pop3Port);
    held.push(pop3);
    assert.match(await greeted(pop3), /^\+OK /);
    assert.equal((await mt.request('PATCH', '/api/settings', { smtp: { maxConnections: 3 } })).status, 200);
    const again = await run('python3', ['-c', PY.smtp, String(mt.smtpPort)]);
    assert.equal(again.stdout.trim(), 'connected', again.stdout + again.stderr);
  } finally {
    for (const s of held) s.destroy();
    await mt.close();
  }
});

test("a proxy listener's cap is its maxConnections: one more client is told 421 and the upstream is not dialled", async () => {
  const mt = await startTestMailtap();
  const held: Socket[] = [];
  const greeted = (s: Socket): Promise<string> => new Promise((resolve) => s.once('data', (b: Buffer) => resolve(b.toString())));
  try {
    const r = await mt.request('POST', '/api/listeners', { protocol: 'smtp', name: 'capped', upstreamHost: '127.0.0.1', upstreamPort: mt.smtpPort, maxConnections: 2 });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const st = r.json as { boundPort: number; maxConnections: number };
    assert.equal(st.maxConnections, 2);
    for (let i = 0; i < 2; i++) {
      const s = await open(st.boundPort);
      held.push(s);
      assert.match(await greeted(s), /^220 /, 'the upstream greets through the proxy');
    }
    const sinkSessions = async (): Promise<number> => (await mt.get<{ total: number }>('/api/sessions?role=sink')).total;
    const before = await sinkSessions();
    const refused = await run('python3', ['-c', PY.smtp, String(st.boundPort)]);
    assert.match(refused.stdout, EXPECT.smtp, refused.stdout + refused.stderr);
    assert.equal(await sinkSessions(), before, 'no upstream connection for the refused client');
    const bad = await mt.request('PATCH', '/api/listeners/capped', { maxConnections: 0 });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: { message: string } }).error.message, /maxConnections/);
  } finally {
    for (const s of held) s.destroy();
    await mt.close();
  }
});
