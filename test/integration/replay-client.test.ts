// Client replay and session JSON with real peers: sessions captured from swaks (STARTTLS and
// AUTH PLAIN; implicit TLS), curl IMAP and curl POP3 (plain and STARTTLS/STLS) against the sink are exported, imported, and replayed
// against the sink by the real `mailtap replay` process, which must exit 0; against a changed
// sink (credentials, a size limit) it must find the mismatch and exit 1; unreachable, exit 2.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionDetail } from '../../shared/api.js';
import type { AuthEvent, ExchangeEvent, Page, ReplayResult, SessionJson, SessionSummary, StoredReplayRun, WireChunk } from '../../shared/types.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';
import nodemailer from 'nodemailer';

let mt: TestMailtap;
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-replay-'));
type Capture = 'smtp' | 'smtps' | 'imap' | 'pop3' | 'imapTls' | 'pop3Tls';
const captured: Partial<Record<Capture, string>> = {};
let smtpsPort = 0;

const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'main/cli.ts', ...args], { timeoutMs: 60_000 });

/** The newest closed session of a protocol and role, once its end is journalled. */
async function newestClosed(protocol: string, role = 'sink', not: string[] = []): Promise<SessionSummary> {
  return waitFor(async () => {
    const page = await mt.get<Page<SessionSummary>>(`/api/sessions?protocol=${protocol}&role=${role}&limit=50`);
    return page.items.find((s) => s.endedAt !== null && !not.includes(s.id));
  }, 8000, `closed ${protocol} session`);
}

async function exchanges(id: string): Promise<ExchangeEvent[]> {
  const d = await mt.get<SessionDetail>(`/api/sessions/${id}?limit=5000`);
  return d.events.items.filter((e): e is ExchangeEvent => e.kind === 'exchange');
}

async function wire(id: string): Promise<WireChunk[]> {
  return (await mt.get<Page<WireChunk>>(`/api/sessions/${id}/wire?limit=10000`)).items;
}

before(async () => {
  mt = await startTestMailtap({ smtpsPort: 0 });
  smtpsPort = mt.app.info.listeners.find((l) => l.name === 'smtps')!.port;
  const smtps = await run('swaks', ['--server', '127.0.0.1', '--port', String(smtpsPort), '--from', 'a@example.test', '--to', 'bob@example.test', '--tlsc']);
  assert.equal(smtps.code, 0, smtps.stdout + smtps.stderr);
  captured.smtps = (await newestClosed('smtp')).id;
  const body = `Subject: replay me\r\n\r\n${'A line of the body that makes the message bigger than a small limit.\r\n'.repeat(20)}`;
  const swaks = await run('swaks', ['--server', '127.0.0.1', '--port', String(mt.smtpPort), '--from', 'a@example.test', '--to', 'bob@example.test', '--tls', '--auth', 'PLAIN', '--auth-user', 'bob', '--auth-password', 'pw', '--data', body]);
  assert.equal(swaks.code, 0, swaks.stdout + swaks.stderr);
  captured.smtp = (await newestClosed('smtp', 'sink', [captured.smtps])).id;
  const curl = async (url: string, ...args: string[]): Promise<string> => {
    const r = await run('curl', ['-sS', '--max-time', '20', url, '-u', 'bob@example.test:pw', ...args], { timeoutMs: 25_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  assert.match(await curl(`imap://127.0.0.1:${mt.imapPort}/INBOX;UID=2`), /Subject: replay me/);
  captured.imap = (await newestClosed('imap')).id;
  await curl(`pop3://127.0.0.1:${mt.pop3Port}/1`);
  captured.pop3 = (await newestClosed('pop3')).id;
  assert.match(await curl(`imap://127.0.0.1:${mt.imapPort}/`, '--ssl-reqd', '-k'), /INBOX/);
  captured.imapTls = (await newestClosed('imap', 'sink', [captured.imap])).id;
  await curl(`pop3://127.0.0.1:${mt.pop3Port}/`, '--ssl-reqd', '-k');
  captured.pop3Tls = (await newestClosed('pop3', 'sink', [captured.pop3])).id;
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('mailtap replay against the sink', () => {
  // IMAP and POP3 first: the SMTP replay adds a message, which changes their answers.
  for (const protocol of ['imap', 'pop3', 'imapTls', 'pop3Tls', 'smtp', 'smtps'] as const) {
    test(`${protocol}: every exchange matches, exit 0`, async () => {
      // Replay against the state the session was captured in: curl's FETCH and RETR read the
      // message, and a \Seen message has no UNSEEN in SELECT's answer (RFC 3501 §7.1).
      for (const m of (await mt.get<Page<{ id: string }>>('/api/messages?limit=10')).items) await mt.request('PATCH', `/api/messages/${m.id}`, { read: false });
      const port = { smtp: mt.smtpPort, smtps: smtpsPort, imap: mt.imapPort, imapTls: mt.imapPort, pop3: mt.pop3Port, pop3Tls: mt.pop3Port }[protocol];
      const saved = join(tmp, `run-${protocol}.json`);
      const r = await cli('replay', captured[protocol]!, '--target', `127.0.0.1:${port}`, '--data', mt.dataDir, '--json', '--save', saved);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = JSON.parse(r.stdout) as ReplayResult;
      assert.ok(result.ok);
      assert.ok(result.counts.match >= 3, JSON.stringify(result.counts));
      assert.equal(result.counts.mismatch + result.counts.missing + result.counts.extra, 0);
      assert.equal(result.exchanges.length, (await exchanges(captured[protocol]!)).length);
      // The run (recorded by the live server, which the CLI asked) is a replay session of its
      // source, and followed its TLS:
      // STARTTLS/STLS where the recording did, implicit TLS for SMTPS.
      const run = JSON.parse(readFileSync(saved, 'utf8')) as SessionJson;
      assert.equal(run.session.role, 'replay');
      assert.equal(run.session.replayOf, captured[protocol]);
      const tls = /Tls$|^smtp/.test(protocol);
      assert.equal(run.session.tls, tls);
      assert.equal(run.tls.length, tls ? 1 : 0);
      if (protocol === 'smtps') assert.ok(run.wire.every((w) => w.tls));
    });
  }

  test('the readable report names each exchange and the verdict', async () => {
    const r = await cli('replay', captured.smtp!, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok +\d+ +STARTTLS/);
    assert.match(r.stdout, /ok +\d+ +AUTH PLAIN \S+/);
    assert.match(r.stdout, /^MATCH: \d+ matched, 0 differ/m);
  });

  test('credentials configured so that AUTH fails: the mismatch is found, exit 1', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: 'bob', password: 'other' }] } });
    try {
      const r = await cli('replay', captured.smtp!, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir, '--json');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const result = JSON.parse(r.stdout) as ReplayResult;
      const auth = result.exchanges.find((e) => e.command?.startsWith('AUTH'))!;
      assert.equal(auth.status, 'mismatch');
      assert.match(auth.actual.at(-1)!, /^535/);
      // Substituted credentials that the target accepts: a match again.
      const good = await cli('replay', captured.smtp!, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir, '--pass', 'other');
      assert.equal(good.code, 0, good.stdout + good.stderr);
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { credentials: [] } });
    }
  });

  test('a recorded XOAUTH2 login replayed with --user/--pass: re-encoded, the token the password (RFC 7628)', async () => {
    const before = (await mt.get<Page<SessionSummary>>('/api/sessions?protocol=smtp&limit=500')).items.map((s) => s.id);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mt.smtpPort, secure: false, ignoreTLS: true, auth: { type: 'OAuth2', user: 'old@example.test', accessToken: 'ya29.recorded' } });
    await t.sendMail({ from: 'old@example.test', to: 'bob@example.test', subject: 'xoauth2 replay', text: 'hi' });
    t.close();
    const recorded = (await newestClosed('smtp', 'sink', before)).id;
    const auth = (await exchanges(recorded)).find((e) => e.command?.verb === 'AUTH')!;
    assert.match(auth.command!.line, /^AUTH XOAUTH2 /);
    await mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: 'new@example.test', password: 'ya29.fresh' }] } });
    try {
      // As recorded: the old token is refused through the error challenge.
      const stale = await cli('replay', recorded, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir, '--json');
      assert.equal(stale.code, 1, stale.stdout + stale.stderr);
      const r = await cli('replay', recorded, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir, '--json', '--user', 'new@example.test', '--pass', 'ya29.fresh');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = JSON.parse(r.stdout) as ReplayResult;
      assert.ok(result.ok);
      assert.equal(result.counts.mismatch + result.counts.missing + result.counts.extra, 0);
      const replayed = result.exchanges.find((e) => e.command?.startsWith('AUTH'))!;
      assert.deepEqual([replayed.status, replayed.actual.at(-1)?.slice(0, 3)], ['match', '235']);
      // The sink saw the substituted user log in with the substituted token (and the stale run fail).
      const logins = await waitFor(async () => {
        const page = await mt.get<Page<SessionSummary>>('/api/sessions?protocol=smtp&role=sink&limit=50');
        const out: string[] = [];
        for (const x of page.items.filter((x) => x.endedAt !== null && !before.includes(x.id) && x.id !== recorded)) {
          const d = await mt.get<SessionDetail>(`/api/sessions/${x.id}?limit=5000`);
          for (const e of d.events.items) if (e.kind === 'auth') out.push(`${(e as AuthEvent).mechanism} ${(e as AuthEvent).user} ${(e as AuthEvent).ok}`);
        }
        return out.length >= 2 ? out.sort() : undefined;
      }, 8000, 'both replays closed on the sink');
      assert.deepEqual(logins, ['XOAUTH2 new@example.test true', 'XOAUTH2 old@example.test false']);
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { credentials: [] } });
    }
  });

  test('a smaller size limit: the mismatch is found, exit 1', async () => {
    // swaks's message is a few hundred octets; the setting's floor is 1024, so it is made bigger.
    const set = await mt.request('PATCH', '/api/settings', { smtp: { maxMessageSize: 1024 } });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    try {
      const r = await cli('replay', captured.smtp!, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir, '--json');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const result = JSON.parse(r.stdout) as ReplayResult;
      assert.ok(result.exchanges.some((e) => e.status === 'mismatch' && e.actual.some((l) => l.startsWith('552'))), r.stdout);
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { maxMessageSize: 52428800 } });
    }
  });

  test('an unreachable target is an error, exit 2', async () => {
    const r = await cli('replay', captured.smtp!, '--target', '127.0.0.1:1', '--data', mt.dataDir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /cannot connect/);
  });

  test('an unknown session is an error, exit 2', async () => {
    const r = await cli('replay', '0000000000000000', '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /session not found/);
  });

  test('without a live server the data directory is only read: a copy of it replays the same', async () => {
    // A copy of the session index and log, and no server.json: the CLI reads the files itself.
    const copy = join(tmp, 'data-copy');
    cpSync(join(mt.dataDir, 'sessions'), join(copy, 'sessions'), { recursive: true });
    cpSync(join(mt.dataDir, 'sessions.jsonl'), join(copy, 'sessions.jsonl'));
    const saved = join(tmp, 'local-run.json');
    const r = await cli('replay', captured.smtps!, '--target', `127.0.0.1:${smtpsPort}`, '--data', copy, '--save', saved);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readdirSync(copy).sort().join(), 'sessions,sessions.jsonl', 'nothing written beside them');
    const run = JSON.parse(readFileSync(saved, 'utf8')) as SessionJson;
    assert.equal(run.session.replayOf, captured.smtps);
    const unknown = await cli('replay', '0000000000000000', '--target', `127.0.0.1:${mt.smtpPort}`, '--data', copy);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not in/);
  });
});

describe('replay.run through the API', () => {
  test('recorded as a replay session linked to its source, with progress events', async () => {
    const events: { done: number; total: number }[] = [];
    const off = mt.app.api.subscribe((e) => {
      if (e.event === 'replay.progress') events.push(e.data as { done: number; total: number });
    });
    const r = await mt.request('POST', '/api/replay/run', { sessionId: captured.pop3, target: `127.0.0.1:${mt.pop3Port}`, tls: 'starttls' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const result = r.json as ReplayResult;
    // The added STLS is reported as skipped; the rest, now inside TLS, matches except CAPA's STLS line.
    assert.ok(result.counts.skipped >= 1, JSON.stringify(result));
    assert.ok(result.sessionId);
    const s = await waitFor(async () => {
      const d = await mt.get<SessionDetail>(`/api/sessions/${result.sessionId}`);
      return d.session.endedAt !== null ? d.session : undefined;
    }, 5000, 'replay session end');
    assert.equal(s.role, 'replay');
    assert.equal(s.replayOf, captured.pop3);
    assert.equal(s.tls, true);
    // Live events go out in batches every 50 ms.
    await waitFor(() => events.length > 0 && events.at(-1)!.done === events.at(-1)!.total, 3000, 'progress to the end');
    off();
  });

  test('the diff is kept by the replay session: read back, without the credentials, gone with its session', async () => {
    const r = await mt.request('POST', '/api/replay/run', { sessionId: captured.pop3, target: `127.0.0.1:${mt.pop3Port}`, tls: 'starttls', credentials: { password: 'not-kept' } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const result = r.json as ReplayResult;
    const kept = await mt.get<StoredReplayRun>(`/api/replay/results/${result.sessionId}`);
    assert.deepEqual(kept.result, result);
    assert.deepEqual([kept.options.sessionId, kept.options.target, kept.options.tls], [captured.pop3, `127.0.0.1:${mt.pop3Port}`, 'starttls']);
    assert.ok(!('credentials' in kept.options));
    const file = join(mt.dataDir, 'replays', `${result.sessionId}.json`);
    assert.ok(!readFileSync(file, 'utf8').includes('not-kept'), 'no password on disk');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // Not kept for a session that is not a replay run, and a path is no session id.
    assert.equal((await mt.request('GET', `/api/replay/results/${captured.pop3}`)).status, 404);
    assert.equal((await mt.request('GET', '/api/replay/results/..%2Fsettings')).status, 404);
    await waitFor(async () => (await mt.get<SessionDetail>(`/api/sessions/${result.sessionId}`)).session.endedAt !== null, 5000, 'replay session end');
    assert.equal((await mt.request('DELETE', `/api/sessions/${result.sessionId}`)).status, 200);
    await waitFor(() => !existsSync(file), 3000, 'the diff removed with its session');
    assert.equal((await mt.request('GET', `/api/replay/results/${result.sessionId}`)).status, 404);
  });

  test('a bad pattern is a 400', async () => {
    const r = await mt.request('POST', '/api/replay/run', { sessionId: captured.pop3, target: `127.0.0.1:${mt.pop3Port}`, rules: { patterns: ['('] } });
    assert.equal(r.status, 400);
  });
});

describe('session JSON', () => {
  test('export, delete, import: the same id, the same wire bytes, the same timeline; replayable from the file', async () => {
    const id = captured.smtp!;
    const exported = await mt.getRaw(`/api/sessions/${id}/export.json`);
    assert.equal(exported.status, 200);
    const json = JSON.parse(exported.body.toString()) as SessionJson;
    assert.equal(json.format, 'mailtap-session');
    assert.equal(json.version, 1);
    assert.ok(json.tls.length >= 1, 'the STARTTLS handshake is in the export');
    const wireBefore = await wire(id);
    const timelineBefore = await exchanges(id);
    assert.equal(json.wire.length, wireBefore.length);

    const file = join(tmp, 'swaks-session.json');
    writeFileSync(file, exported.body);
    const fromFile = await cli('replay', file, '--target', `127.0.0.1:${mt.smtpPort}`);
    assert.equal(fromFile.code, 0, fromFile.stdout + fromFile.stderr);

    // Importing while the id is taken gives a new id.
    const copy = await mt.request('POST', '/api/sessions/import', { session: json });
    assert.equal(copy.status, 200, JSON.stringify(copy.json));
    assert.notEqual((copy.json as SessionSummary).id, id);

    await mt.request('DELETE', '/api/sessions');
    const back = await mt.request('POST', '/api/sessions/import', { session: json });
    assert.equal(back.status, 200, JSON.stringify(back.json));
    const s = back.json as SessionSummary;
    assert.equal(s.id, id, 'a free id is kept');
    assert.deepEqual(
      (await wire(id)).map((c) => [c.direction, c.leg, c.tls, c.data, c.t]),
      wireBefore.map((c) => [c.direction, c.leg, c.tls, c.data, c.t]),
    );
    assert.deepEqual(await exchanges(id), timelineBefore);
    const r = await cli('replay', id, '--target', `127.0.0.1:${mt.smtpPort}`, '--data', mt.dataDir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('a session JSON over 1 MiB (a 2 MB message) imports over HTTP', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mt.smtpPort, secure: false, ignoreTLS: true });
    const info = await t.sendMail({ from: 'big@example.test', to: 'you@example.test', subject: 'big', text: 'x'.repeat(76).concat('\n').repeat(27_000) });
    t.close();
    const msg = await waitFor(async () => (await mt.get<Page<{ messageId: string | null; sessionId: string }>>('/api/messages?q=big')).items.find((m) => m.messageId === info.messageId));
    const exported = await mt.getRaw(`/api/sessions/${msg.sessionId}/export.json`);
    assert.ok(exported.body.length > 2 * 1024 * 1024, `export is ${exported.body.length} bytes`);
    const r = await fetch(`${mt.baseUrl}/api/sessions/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: JSON.parse(exported.body.toString()) }) });
    assert.equal(r.status, 200, await r.clone().text());
    const copy = (await r.json()) as SessionSummary;
    assert.notEqual(copy.id, msg.sessionId);
    assert.equal(copy.bytesIn, (await mt.get<SessionDetail>(`/api/sessions/${msg.sessionId}`)).session.bytesIn);
  });

  test('a malformed import is refused with 400', async () => {
    const r = await mt.request('POST', '/api/sessions/import', { session: { format: 'something-else' } });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.json), /not a mailtap session JSON/);
  });
});
