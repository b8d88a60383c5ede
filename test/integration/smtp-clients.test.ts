// Real SMTP clients against the sink on real sockets. Each test checks through the HTTP API
// that what was stored is byte-for-byte what was sent, and that the timeline holds the dialogue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { ExchangeEvent, MessageSummary, Page, SessionSummary, TimelineEvent } from '../../shared/types.js';
import type { SessionDetail } from '../../shared/api.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';

const corpus = (name: string): Buffer => readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url));

let mt: TestMailtap;
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-clients-'));

before(async () => {
  mt = await startTestMailtap();
});
after(async () => {
  await mt.close();
});

async function newest(): Promise<MessageSummary> {
  const page = await mt.get<Page<MessageSummary>>('/api/messages?limit=1');
  return page.items[0]!;
}

async function messageBySubject(subject: string): Promise<MessageSummary> {
  return waitFor(async () => {
    const page = await mt.get<Page<MessageSummary>>(`/api/messages?subject=${encodeURIComponent(subject)}`);
    return page.items[0];
  }, 5000, `message "${subject}"`);
}

async function raw(id: string): Promise<Buffer> {
  const r = await mt.getRaw(`/api/messages/${id}/raw`);
  assert.equal(r.status, 200);
  return r.body;
}

async function timeline(sessionId: string): Promise<TimelineEvent[]> {
  // The session is closed by the time the client exits; wait for its close event to land.
  return waitFor(async () => {
    const d = await mt.get<SessionDetail>(`/api/sessions/${sessionId}?limit=5000`);
    return d.session.endedAt !== null ? d.events.items : undefined;
  }, 5000, 'session close');
}

const verbs = (events: TimelineEvent[]): string[] =>
  events.filter((e): e is ExchangeEvent => e.kind === 'exchange').map((e) => `${e.command?.verb ?? '-'} ${e.replies.at(-1)?.lines.at(-1)?.code}`);

function swaks(...args: string[]) {
  return run('swaks', ['--server', '127.0.0.1', '--port', String(mt.smtpPort), '--from', 'sender@example.test', '--to', 'rcpt@example.test', ...args]);
}

describe('swaks', () => {
  test('plain: the stored bytes are the bytes of the file, and the timeline has every exchange', async () => {
    const file = join(tmp, 'plain.eml');
    const body = corpus('01-plain-ascii.eml');
    writeFileSync(file, body);
    const r = await swaks('--data', file);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const m = await newest();
    // swaks always sends "\r\n.\r\n" after the data, so a file that ends in CRLF gains a blank
    // line on the wire: the store must hold exactly what was sent, that line included.
    const stored = await raw(m.id);
    assert.deepEqual(stored, Buffer.concat([body, Buffer.from('\r\n')]));
    const wire = await mt.get<Page<{ direction: string; data: string }>>(`/api/sessions/${m.sessionId}/wire`);
    const sent = Buffer.concat(wire.items.filter((c) => c.direction === 'c2s').map((c) => Buffer.from(c.data, 'base64')));
    assert.ok(sent.includes(Buffer.concat([stored, Buffer.from('.\r\n')])), 'the wire log holds the payload as sent');
    assert.equal(m.envelope.mailFrom, 'sender@example.test');
    assert.deepEqual(m.envelope.rcptTo, ['rcpt@example.test']);
    const ev = await timeline(m.sessionId!);
    assert.deepEqual(verbs(ev), ['- 220', 'EHLO 250', 'MAIL 250', 'RCPT 250', 'DATA 250', 'QUIT 221']);
    assert.equal(ev[0]!.kind, 'connect');
    assert.equal(ev.at(-1)!.kind, 'close');
    assert.ok(ev.some((e) => e.kind === 'message' && e.messageId === m.id));
  });

  test('--pipeline', async () => {
    const r = await swaks('--pipeline', '--header', 'Subject: pipelined');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const m = await messageBySubject('pipelined');
    const ev = await timeline(m.sessionId!);
    assert.ok(verbs(ev).includes('DATA 250'));
  });

  test('--tls (STARTTLS): the session is marked TLS and the handshake recorded', async () => {
    const r = await swaks('--tls', '--header', 'Subject: over starttls');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const m = await messageBySubject('over starttls');
    assert.equal(m.envelope.tls, true);
    const ev = await timeline(m.sessionId!);
    const tls = ev.find((e) => e.kind === 'tls');
    assert.ok(tls && tls.kind === 'tls' && /^TLSv1\.[23]$/.test(tls.info.version ?? ''), JSON.stringify(tls));
    // EHLO is sent again inside TLS (RFC 3207 §4.2).
    assert.deepEqual(verbs(ev).slice(0, 4), ['- 220', 'EHLO 250', 'STARTTLS 220', 'EHLO 250']);
  });

  for (const mech of ['PLAIN', 'LOGIN', 'CRAM-MD5']) {
    test(`--auth ${mech}: the user is recorded, the secret masked`, async () => {
      const r = await swaks('--auth', mech, '--auth-user', 'alice', '--auth-password', 'pa55word', '--header', `Subject: auth ${mech}`);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const m = await messageBySubject(`auth ${mech}`);
      assert.equal(m.envelope.user, 'alice');
      const ev = await timeline(m.sessionId!);
      const auth = ev.find((e) => e.kind === 'auth');
      assert.ok(auth && auth.kind === 'auth' && auth.user === 'alice' && auth.ok === true && auth.mechanism === mech);
      const detail = await mt.get<SessionDetail>(`/api/sessions/${m.sessionId}?limit=5000`);
      assert.equal(detail.session.user, 'alice');
      assert.ok(!JSON.stringify(detail).includes('pa55word'), 'the password is not in the API view');
    });
  }

  test('--attach: the attachment decodes byte-exact from the MIME tree', async () => {
    const file = join(tmp, 'blob.bin');
    const blob = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    writeFileSync(file, blob);
    const r = await swaks('--attach', `@${file}`, '--header', 'Subject: with attachment');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const m = await messageBySubject('with attachment');
    assert.equal(m.attachmentCount, 1);
    const tree = await mt.get<{ children: { path: string; filename: string | null }[] }>(`/api/messages/${m.id}/mime`);
    const part = tree.children.find((c) => c.filename === 'blob.bin');
    assert.ok(part, JSON.stringify(tree));
    const got = await mt.getRaw(`/api/messages/${m.id}/parts/${part.path}?download=1`);
    assert.deepEqual(got.body, blob);
    assert.match(got.headers.get('content-disposition') ?? '', /^attachment; filename="blob.bin"/);
  });
});

describe('other real clients', () => {
  test('curl smtp:// uploads a corpus message byte-exact', async () => {
    const file = join(tmp, 'alt.eml');
    const body = corpus('04-alternative.eml');
    writeFileSync(file, body);
    const r = await run('curl', ['-sS', `smtp://127.0.0.1:${mt.smtpPort}`, '--mail-from', 'a@example.test', '--mail-rcpt', 'b@example.test', '--mail-rcpt', 'c@example.test', '--upload-file', file]);
    assert.equal(r.code, 0, r.stderr);
    const m = await waitFor(async () => {
      const n = await newest();
      return n.envelope.mailFrom === 'a@example.test' ? n : undefined;
    });
    assert.deepEqual(m.envelope.rcptTo, ['b@example.test', 'c@example.test']);
    assert.deepEqual(await raw(m.id), body);
  });

  test('curl: a message whose lines start with dots survives dot-stuffing', async () => {
    const file = join(tmp, 'dots.eml');
    const body = corpus('20-leading-dots.eml');
    writeFileSync(file, body);
    const r = await run('curl', ['-sS', `smtp://127.0.0.1:${mt.smtpPort}`, '--mail-from', 'dots@example.test', '--mail-rcpt', 'b@example.test', '--upload-file', file]);
    assert.equal(r.code, 0, r.stderr);
    const m = await waitFor(async () => {
      const n = await newest();
      return n.envelope.mailFrom === 'dots@example.test' ? n : undefined;
    });
    assert.deepEqual(await raw(m.id), body);
  });

  test('Python smtplib with SMTPUTF8 and a UTF-8 address', async () => {
    const script = `
import smtplib, sys
msg = "From: J\\u00f6rg <j\\u00f6rg@example.test>\\r\\nTo: \\u7528\\u6237@example.test\\r\\nSubject: utf8 \\u2713\\r\\n\\r\\nGr\\u00fc\\u00dfe\\r\\n".encode("utf-8")
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as s:
    s.ehlo("py.example.test")
    assert s.has_extn("smtputf8")
    s.sendmail("j\\u00f6rg@example.test", ["\\u7528\\u6237@example.test"], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
`;
    const r = await run('python3', ['-c', script, String(mt.smtpPort)]);
    assert.equal(r.code, 0, r.stderr);
    const m = await messageBySubject('utf8 ✓');
    assert.equal(m.envelope.mailFrom, 'jörg@example.test');
    assert.deepEqual(m.envelope.rcptTo, ['用户@example.test']);
    assert.equal(m.envelope.params.SMTPUTF8, true);
    assert.equal((await raw(m.id)).toString('utf8'), 'From: Jörg <jörg@example.test>\r\nTo: 用户@example.test\r\nSubject: utf8 ✓\r\n\r\nGrüße\r\n');
  });

  test('nodemailer with STARTTLS and AUTH', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mt.smtpPort,
      secure: false,
      requireTLS: true,
      auth: { user: 'node', pass: 'secret' },
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      from: 'Node <node@example.test>',
      to: 'x@example.test',
      subject: 'from nodemailer',
      text: 'hello',
      html: '<p>hello</p>',
      attachments: [{ filename: 'a.txt', content: 'attached' }],
    });
    transport.close();
    const m = await messageBySubject('from nodemailer');
    assert.equal(m.envelope.tls, true);
    assert.equal(m.envelope.user, 'node');
    assert.equal(m.attachmentCount, 1);
    assert.equal(m.messageId, info.messageId);
  });

  test('a raw socket sends BDAT chunks, including BDAT 0 LAST', async () => {
    const body = corpus('05-attachment-rfc2231.eml');
    const a = body.subarray(0, 1000);
    const b = body.subarray(1000);
    const script = Buffer.concat([
      Buffer.from(`EHLO raw\r\nMAIL FROM:<bdat@example.test> BODY=BINARYMIME\r\nRCPT TO:<r@example.test>\r\nBDAT ${a.length}\r\n`),
      a,
      Buffer.from(`BDAT ${b.length}\r\n`),
      b,
      Buffer.from('BDAT 0 LAST\r\nQUIT\r\n'),
    ]);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(mt.smtpPort, '127.0.0.1');
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
      s.once('data', () => s.write(script));
    });
    assert.match(reply, /250 2\.0\.0 Ok: queued as/);
    assert.match(reply, /221 2\.0\.0 Bye/);
    const m = await waitFor(async () => {
      const n = await newest();
      return n.envelope.mailFrom === 'bdat@example.test' ? n : undefined;
    });
    assert.deepEqual(await raw(m.id), body);
    const ev = await timeline(m.sessionId!);
    assert.deepEqual(verbs(ev).filter((v) => v.startsWith('BDAT')), ['BDAT 250', 'BDAT 250', 'BDAT 250']);
  });
});

describe('the API', () => {
  test('lists newest first, pages, searches and deletes', async () => {
    const all = await mt.get<Page<MessageSummary>>('/api/messages');
    assert.ok(all.total >= 8);
    const page2 = await mt.get<Page<MessageSummary>>('/api/messages?offset=1&limit=2');
    assert.deepEqual(page2.items.map((m) => m.id), all.items.slice(1, 3).map((m) => m.id));
    const found = await mt.get<Page<MessageSummary>>('/api/messages?q=nodemailer');
    assert.equal(found.total, 1);
    const byTo = await mt.get<Page<MessageSummary>>('/api/messages?to=c@example.test');
    assert.equal(byTo.total, 1);
    const del = await mt.request('DELETE', `/api/messages/${found.items[0]!.id}`);
    assert.equal(del.status, 200);
    const gone = await mt.request('GET', `/api/messages/${found.items[0]!.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual((gone.json as { error: { code: string } }).error.code, 'not_found');
  });

  test('message detail has headers, text and html', async () => {
    const m = (await mt.get<Page<MessageSummary>>('/api/messages?subject=with%20attachment')).items[0]!;
    const d = await mt.get<{ headers: { name: string }[]; text: string | null }>(`/api/messages/${m.id}`);
    assert.ok(d.headers.some((h) => h.name.toLowerCase() === 'subject'));
    assert.match(d.text ?? '', /This is a test mailing/);
  });

  test('the wire log holds both directions byte-exact', async () => {
    const sessions = await mt.get<Page<SessionSummary>>('/api/sessions?limit=1');
    const s = sessions.items[0]!;
    const wire = await mt.get<Page<{ direction: string; data: string }>>(`/api/sessions/${s.id}/wire`);
    const c2s = Buffer.concat(wire.items.filter((c) => c.direction === 'c2s').map((c) => Buffer.from(c.data, 'base64')));
    const s2c = Buffer.concat(wire.items.filter((c) => c.direction === 's2c').map((c) => Buffer.from(c.data, 'base64')));
    assert.equal(c2s.length, s.bytesIn);
    assert.equal(s2c.length, s.bytesOut);
    assert.match(s2c.toString(), /^220 /);
  });

  test('errors are JSON with the right status', async () => {
    assert.equal((await mt.request('GET', '/api/nope')).status, 404);
    assert.equal((await mt.request('POST', '/api/messages')).status, 405);
    const bad = await mt.request('PATCH', '/api/settings', { smtp: { maxLineLength: 10 } });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: { message: string } }).error.message, /maxLineLength/);
  });
});
