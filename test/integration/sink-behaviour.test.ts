// The sink's limits and settings with real clients: credentials, size limit, idle timeout,
// retention, implicit TLS, live events, and the HTTP API's access rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { ApiEventEnvelope } from '../../shared/api.js';
import type { MessageSummary, Page, SessionSummary } from '../../shared/types.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { run } from '../helpers/run.js';

let mt: TestMailtap;
before(async () => {
  mt = await startTestMailtap({ smtpsPort: 0 });
});
after(async () => {
  await mt.close();
});

const swaks = (...args: string[]) => run('swaks', ['--server', '127.0.0.1', '--port', String(mt.smtpPort), '--from', 'a@example.test', '--to', 'b@example.test', ...args]);

describe('settings change the sink without a restart', () => {
  test('configured credentials: a wrong password gets 535, the right one 235', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: 'dev', password: 'right' }] } });
    try {
      const bad = await swaks('--auth', 'LOGIN', '--auth-user', 'dev', '--auth-password', 'wrong');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stdout, /^<\*\* +535 5\.7\.8/m);
      const good = await swaks('--auth', 'CRAM-MD5', '--auth-user', 'dev', '--auth-password', 'right');
      assert.equal(good.code, 0, good.stdout);
      assert.match(good.stdout, /235 2\.7\.0/);
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { credentials: [] } });
    }
  });

  test('a message over the size limit gets 552, and SIZE= over it is refused at MAIL', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { maxMessageSize: 2048 } });
    try {
      const r = await swaks('--body', 'x'.repeat(5000));
      assert.notEqual(r.code, 0);
      assert.match(r.stdout, /552 5\.3\.4/);
      const c = await RawSmtp.open(mt.smtpPort);
      await c.reply();
      c.write('EHLO x\r\n');
      assert.match(await c.reply(), /^250 /);
      c.write('MAIL FROM:<a@x> SIZE=999999\r\n');
      assert.match(await c.reply(), /^552 5\.3\.4/);
      c.close();
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { maxMessageSize: 50 * 1024 * 1024 } });
    }
  });

  test('an idle client gets 421 and is disconnected', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { idleTimeoutMs: 1000 } });
    try {
      const c = await RawSmtp.open(mt.smtpPort);
      assert.match(await c.reply(), /^220 /);
      assert.match(await c.reply(5000), /^421 4\.4\.2 .*timeout/);
      await waitFor(() => c.closed, 5000, 'close');
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { idleTimeoutMs: 300000 } });
    }
  });

  test('retention keeps the newest messages', async () => {
    await mt.request('DELETE', '/api/messages');
    await mt.request('PATCH', '/api/settings', { retention: { maxMessages: 3 } });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await swaks('--header', `Subject: keep-${i}`)).code, 0);
      const page = await waitFor(async () => {
        const p = await mt.get<Page<MessageSummary>>('/api/messages');
        return p.total === 3 ? p : undefined;
      }, 8000, 'pruning to 3');
      assert.deepEqual(page.items.map((m) => m.subject), ['keep-4', 'keep-3', 'keep-2']);
    } finally {
      await mt.request('PATCH', '/api/settings', { retention: { maxMessages: 10000 } });
    }
  });
});

describe('sessions', () => {
  test('DELETE /api/sessions/:id: 409 while open, then deleted; 404 for an unknown id', async () => {
    const c = await RawSmtp.open(mt.smtpPort);
    try {
      assert.match(await c.reply(), /^220 /);
      const open = await waitFor(async () => (await mt.get<Page<SessionSummary>>('/api/sessions?limit=50')).items.find((x) => x.endedAt === null), 3000, 'the open session');
      const busy = await mt.request('DELETE', `/api/sessions/${open.id}`);
      assert.deepEqual([busy.status, (busy.json as { error: { code: string } }).error.code], [409, 'session_open']);
      c.write('QUIT\r\n');
      assert.match(await c.reply(), /^221 /);
      await waitFor(async () => (await mt.get<{ session: SessionSummary }>(`/api/sessions/${open.id}`)).session.endedAt !== null, 3000, 'closed');
      const r = await mt.request('DELETE', `/api/sessions/${open.id}`);
      assert.deepEqual([r.status, r.json], [200, { deleted: 1 }]);
      assert.equal((await mt.request('GET', `/api/sessions/${open.id}`)).status, 404);
      assert.equal((await mt.request('DELETE', `/api/sessions/${open.id}`)).status, 404);
    } finally {
      c.close();
    }
  });
});

describe('transport', () => {
  test('implicit TLS (SMTPS, RFC 8314) with swaks --tlsc', async () => {
    const smtps = mt.app.info.listeners.find((l) => l.name === 'smtps')!;
    const r = await run('swaks', ['--server', '127.0.0.1', '--port', String(smtps.port), '--tlsc', '--from', 'a@example.test', '--to', 'b@example.test', '--header', 'Subject: over smtps']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = (await mt.get<Page<MessageSummary>>('/api/messages?subject=over%20smtps')).items[0]!;
    assert.equal(m.envelope.tls, true);
  });

  test('live events reach a WebSocket client', async () => {
    const ws = new WebSocket(`${mt.baseUrl.replace('http', 'ws')}/api/events`);
    const events: ApiEventEnvelope[] = [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString()) as ApiEventEnvelope));
    await new Promise((r) => ws.once('open', r));
    assert.equal((await swaks('--header', 'Subject: live')).code, 0);
    const got = await waitFor(() => events.find((e) => e.event === 'message.received' && (e.data as MessageSummary).subject === 'live'), 5000, 'message.received');
    assert.ok(got);
    assert.ok(events.some((e) => e.event === 'session.started'));
    assert.ok(events.some((e) => e.event === 'timeline.appended'));
    ws.close();
  });

  test('without a token, a non-loopback Host header is refused (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${mt.baseUrl}/api/messages`, { headers: { host: 'evil.example:8025' } }, (r) => resolve(r.statusCode ?? 0));
        req.on('error', reject);
        req.end();
      }, reject);
    });
    assert.equal(res, 401);
  });
});

describe('token', () => {
  test('with --token, the API demands it by header or query', async () => {
    const t = await startTestMailtap({ token: 's3cret-token' });
    try {
      assert.equal((await fetch(`${t.baseUrl}/api/messages`)).status, 401);
      assert.equal((await fetch(`${t.baseUrl}/api/messages`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await fetch(`${t.baseUrl}/api/messages`, { headers: { authorization: 'Bearer s3cret-token' } })).status, 200);
      assert.equal((await fetch(`${t.baseUrl}/api/messages?token=s3cret-token`)).status, 200);
      assert.match(t.app.info.http.url, /\?token=s3cret-token$/);
    } finally {
      await t.close();
    }
  });

  test('binding a non-loopback address without a token is refused', async () => {
    await assert.rejects(startTestMailtap({ host: '0.0.0.0' }), /--token/);
  });
});
