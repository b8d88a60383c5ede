// Session exports of real captures: swaks (STARTTLS) to the SMTP sink, curl to the IMAP and
// POP3 sinks over STARTTLS/STLS, and a plain swaks session over IPv6. Each pcapng export is read
// by tshark, whose dissectors must list the commands the timeline recorded, inside TLS too, and
// dissect the mail (IMF); the key log holds each session's TLS secrets and no view shows them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionDetail } from '../../shared/api.js';
import type { ExchangeEvent, Page, Protocol, ProxyListenerState, SessionSummary, WireChunk } from '../../shared/types.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';
import nodemailer from 'nodemailer';
import { exportCommand } from '../../main/cli-export.js';

let mt: TestMailtap;
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-export-'));
const TSHARK_NAME: Record<Protocol, string> = { smtp: 'smtp', pop3: 'pop', imap: 'imap' };
const captured: Partial<Record<'smtp' | 'imap' | 'pop3' | 'smtp6', SessionSummary>> = {};

async function closedSession(protocol: Protocol, count: number): Promise<SessionSummary> {
  return waitFor(async () => {
    const p = await mt.get<Page<SessionSummary>>(`/api/sessions?protocol=${protocol}&limit=500`);
    const s = p.items[0];
    return p.total >= count && s && s.endedAt !== null ? s : undefined;
  }, 8000, `${protocol} session close`);
}

async function exchanges(id: string): Promise<ExchangeEvent[]> {
  const d = await mt.get<SessionDetail>(`/api/sessions/${id}?limit=5000`);
  return d.events.items.filter((e): e is ExchangeEvent => e.kind === 'exchange' && e.command !== null && e.leg === 'client');
}

async function exportFile(id: string, format: string, extra = ''): Promise<string> {
  const r = await mt.getRaw(`/api/sessions/${id}/export?format=${format}${extra}`);
  assert.equal(r.status, 200, r.body.toString());
  const file = join(tmp, `${id}-${format}${extra.replace(/\W/g, '')}`);
  writeFileSync(file, r.body);
  return file;
}

async function tshark(file: string, args: string[]): Promise<string[]> {
  const r = await run('tshark', ['-r', file, ...args], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

before(async () => {
  mt = await startTestMailtap();
  const swaks = (server: string, ...args: string[]) =>
    run('swaks', ['--server', server, '--port', String(mt.smtpPort), '--from', 'sender@example.test', '--to', 'rcpt@example.test', '--header', 'Subject: export me', ...args]);
  let r = await swaks('127.0.0.1', '--tls');
  assert.equal(r.code, 0, r.stderr);
  captured.smtp = await closedSession('smtp', 1);
  r = await run('curl', ['-sS', '--ssl-reqd', '-k', `imap://127.0.0.1:${mt.imapPort}/INBOX;UID=1`, '-u', 'rcpt@example.test:pw']);
  assert.equal(r.code, 0, r.stderr);
  captured.imap = await closedSession('imap', 1);
  r = await run('curl', ['-sS', '--ssl-reqd', '-k', `pop3://127.0.0.1:${mt.pop3Port}/1`, '-u', 'rcpt@example.test:pw']);
  assert.equal(r.code, 0, r.stderr);
  captured.pop3 = await closedSession('pop3', 1);
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('pcapng read by tshark', () => {
  test('SMTP with STARTTLS: every command line, before and after TLS, and the message as IMF', async () => {
    const s = captured.smtp!;
    const file = await exportFile(s.id, 'pcapng');
    const lines = await tshark(file, ['-d', `tcp.port==${s.server.port},smtp`, '-Y', 'smtp.req', '-T', 'fields', '-e', 'smtp.command_line']);
    const expected = (await exchanges(s.id)).map((e) => e.command!.line);
    assert.ok(expected.includes('STARTTLS') && expected.filter((l) => l.startsWith('EHLO')).length === 2, expected.join('|'));
    assert.deepEqual(lines.map((l) => l.replace(/\\r\\n$/, '')), expected);
    const imf = await tshark(file, ['-d', `tcp.port==${s.server.port},smtp`, '-Y', 'imf', '-T', 'fields', '-e', 'imf.subject', '-e', 'imf.from']);
    assert.deepEqual(imf, ['export me\tsender@example.test']);
    // Without the TLS-ready new stream, tshark would hand everything after STARTTLS to TLS.
    const streams = await tshark(file, ['-T', 'fields', '-e', 'tcp.stream']);
    assert.deepEqual([...new Set(streams)], ['0', '1']);
  });

  test('--ports standard needs no Decode As: port 25 is SMTP to tshark', async () => {
    const s = captured.smtp!;
    const file = await exportFile(s.id, 'pcapng', '&ports=standard');
    const lines = await tshark(file, ['-Y', 'smtp.req', '-T', 'fields', '-e', 'smtp.req.command']);
    assert.equal(lines.length, (await exchanges(s.id)).length);
    const ports = await tshark(file, ['-Y', 'tcp.flags.syn==1 && tcp.flags.ack==0', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport']);
    assert.deepEqual(ports, [`${s.client.port}\t25`, `${s.client.port}\t25`], 'the client port as recorded, the server port standard');
  });

  for (const protocol of ['imap', 'pop3'] as const) {
    test(`${protocol} over STARTTLS (curl): the commands, before and after TLS`, async () => {
      const s = captured[protocol]!;
      const name = TSHARK_NAME[protocol];
      const file = await exportFile(s.id, 'pcapng');
      const field = protocol === 'imap' ? 'imap.request.command' : 'pop.request.command';
      const filter = protocol === 'imap' ? 'imap.isrequest==1' : 'pop.request';
      const lines = await tshark(file, ['-d', `tcp.port==${s.server.port},${name}`, '-Y', filter, '-T', 'fields', '-e', field]);
      // SASL continuation lines are data to tshark's POP dissector; commands are short words.
      const got = lines.map((l) => l.toUpperCase()).filter((l) => /^[A-Z]{3,12}$/.test(l));
      const expected = (await exchanges(s.id)).map((e) => e.command!.verb.toUpperCase().split(' ').at(-1)!);
      assert.ok(expected.includes(protocol === 'imap' ? 'STARTTLS' : 'STLS'), expected.join(' '));
      assert.deepEqual(got, expected);
    });
  }

  test('a session over IPv6 (nodemailer to [::1]) becomes an IPv6 stream between the recorded addresses', async () => {
    const six = await startTestMailtap({ host: '::1' }).catch(() => null);
    if (!six) return; // no IPv6 loopback on this host
    try {
      const t = nodemailer.createTransport({ host: '::1', port: six.smtpPort, secure: false, ignoreTLS: true });
      await t.sendMail({ envelope: { from: 'six@example.test', to: ['rcpt@example.test'] }, raw: 'Subject: six\r\n\r\nover IPv6\r\n' });
      t.close();
      const s = await waitFor(async () => {
        const p = await six.get<Page<SessionSummary>>('/api/sessions?protocol=smtp');
        return p.items[0]?.endedAt ? p.items[0] : undefined;
      }, 8000, 'IPv6 session close');
      const r = await six.getRaw(`/api/sessions/${s.id}/export?format=pcapng`);
      const file = join(tmp, 'six.pcapng');
      writeFileSync(file, r.body);
      const syn = await tshark(file, ['-Y', 'tcp.flags.syn==1 && tcp.flags.ack==0', '-T', 'fields', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport']);
      assert.deepEqual(syn, [`::1\t::1\t${s.client.port}\t${six.smtpPort}`]);
      const cmds = await tshark(file, ['-d', `tcp.port==${six.smtpPort},smtp`, '-Y', 'smtp.req', '-T', 'fields', '-e', 'smtp.req.command']);
      // Pipelined commands (RFC 2920) share a segment: tshark lists them comma-separated.
      const d = await six.get<SessionDetail>(`/api/sessions/${s.id}?limit=5000`);
      const verbs = d.events.items.flatMap((e) => (e.kind === 'exchange' && e.command ? [e.command.verb] : []));
      assert.deepEqual(cmds.flatMap((l) => l.split(',')), verbs);
      assert.ok(verbs.includes('DATA'));
      assert.deepEqual(await tshark(file, ['-d', `tcp.port==${six.smtpPort},smtp`, '-Y', 'imf', '-T', 'fields', '-e', 'imf.subject']), ['six']);
    } finally {
      await six.close();
    }
  });
});

describe('a proxy session', () => {
  test('both legs: two TCP streams each side of STARTTLS in one pcapng, four transcript prefixes, keys of both legs', async () => {
    const created = await mt.request('POST', '/api/listeners', { protocol: 'smtp', listenHost: '127.0.0.1', listenPort: 0, clientTls: 'starttls', upstreamHost: '127.0.0.1', upstreamPort: mt.smtpPort, upstreamTls: 'starttls', verifyUpstream: false });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const port = (created.json as ProxyListenerState).boundPort!;
    const r = await run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--from', 'p@example.test', '--to', 'rcpt@example.test', '--tls', '--header', 'Subject: proxied']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = await waitFor(async () => {
      const p = await mt.get<Page<SessionSummary>>('/api/sessions?role=proxy');
      return p.items[0]?.endedAt ? p.items[0] : undefined;
    }, 8000, 'proxy session close');
    const file = await exportFile(s.id, 'pcapng', '&ports=standard');
    const streams = await tshark(file, ['-Y', 'smtp.req', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.dstport', '-e', 'smtp.req.command']);
    const legs = new Set(streams.map((l) => l.split('\t')[0]));
    assert.equal(legs.size, 4, `client and upstream leg, each before and after STARTTLS: ${streams.join(' | ')}`);
    assert.equal(streams.filter((l) => l.endsWith('\tSTAR')).length, 2, 'a STARTTLS on each leg');
    assert.equal(streams.filter((l) => l.endsWith('\tDATA')).length, 2, 'the DATA on each leg');
    assert.deepEqual(await tshark(file, ['-Y', 'imf', '-T', 'fields', '-e', 'imf.subject']), ['proxied', 'proxied']);
    const transcript = (await mt.getRaw(`/api/sessions/${s.id}/export?format=transcript`)).body.toString();
    for (const prefix of ['C->P: DATA', 'P->S: DATA', 'S->P: 354', 'P->C: 354']) assert.ok(transcript.split('\n').some((l) => l.startsWith(prefix)), prefix);
    const keys = (await mt.getRaw(`/api/sessions/${s.id}/export?format=keylog`)).body.toString();
    assert.ok(keys.includes('# client leg\n') && keys.includes('# upstream leg\n'), keys);
    assert.equal((await mt.request('DELETE', `/api/listeners/${(created.json as ProxyListenerState).name}`)).status, 200);
  });
});

describe('key log and transcript', () => {
  test('the key log holds TLS 1.3 secrets that no view shows', async () => {
    const s = captured.smtp!;
    const r = await mt.getRaw(`/api/sessions/${s.id}/export?format=keylog`);
    assert.equal(r.status, 200);
    const secrets = r.body.toString().split('\n').filter((l) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(l));
    assert.ok(secrets.some((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET ')), r.body.toString());
    assert.ok(secrets.some((l) => l.startsWith('SERVER_TRAFFIC_SECRET_0 ')));
    const secretHex = secrets[0]!.split(' ')[2]!;
    const views = [await mt.getRaw(`/api/sessions/${s.id}?limit=5000`), await mt.getRaw(`/api/sessions/${s.id}/wire?limit=10000`), await mt.getRaw(`/api/sessions/${s.id}/export?format=transcript`)];
    for (const v of views) assert.ok(!v.body.toString().includes(secretHex) && !v.body.includes(Buffer.from(secretHex, 'hex')), 'key material stays out of views');
    const wire = await mt.get<Page<WireChunk>>(`/api/sessions/${s.id}/wire?limit=10000`);
    assert.ok(!wire.items.some((c) => Buffer.from(c.data, 'base64').includes(Buffer.from('TRAFFIC_SECRET'))));
  });

  test('a plaintext session has no key log: 404 with a reason', async () => {
    const r0 = await run('swaks', ['--server', '127.0.0.1', '--port', String(mt.smtpPort), '--from', 'a@example.test', '--to', 'b@example.test']);
    assert.equal(r0.code, 0, r0.stderr);
    const s = await closedSession('smtp', 2);
    assert.equal(s.tls, false);
    const r = await mt.request('GET', `/api/sessions/${s.id}/export?format=keylog`);
    assert.equal(r.status, 404);
    assert.match(JSON.stringify(r.json), /no TLS|TLS key material/);
    assert.equal((await mt.request('GET', `/api/sessions/${s.id}/export?format=mp3`)).status, 400);
  });

  test('the transcript shows the dialogue with C:/S: lines and the TLS handshake as a comment', async () => {
    const s = captured.smtp!;
    const r = await mt.getRaw(`/api/sessions/${s.id}/export?format=transcript&download`);
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename="mailtap-smtp-[0-9a-z]{16}\.txt"/);
    const lines = r.body.toString('utf8').split('\n');
    const tlsAt = lines.findIndex((l) => /^# TLS 1\.[23] \S+ sni=/.test(l));
    assert.ok(tlsAt > 0, 'the handshake is a comment line');
    assert.equal(lines[tlsAt - 2], 'C: STARTTLS');
    assert.match(lines[tlsAt + 1]!, /^C: EHLO /, 'the plaintext from inside TLS follows');
    assert.ok(lines.includes('C: Subject: export me') && lines.includes('C: .'), 'the DATA payload is included');
  });

  test('mailtap export reads the data directory while the server runs', async () => {
    const s = captured.imap!;
    const out = join(tmp, 'cli.pcapng');
    const log: string[] = [];
    assert.equal(await exportCommand([s.id, '--format', 'pcapng', '--data', mt.dataDir, '-o', out], (l) => log.push(l)), 0);
    assert.match(log.join('\n'), new RegExp(`tshark -r .* -d tcp\\.port==${s.server.port},imap`));
    const lines = await tshark(out, ['-d', `tcp.port==${s.server.port},imap`, '-Y', 'imap.isrequest==1', '-T', 'fields', '-e', 'imap.request.command']);
    assert.ok(lines.includes('LOGOUT'));
    const keys = join(tmp, 'cli.keylog');
    assert.equal(await exportCommand([s.id, '--format', 'keylog', '--data', mt.dataDir, '-o', keys], () => undefined), 0);
  });
});
