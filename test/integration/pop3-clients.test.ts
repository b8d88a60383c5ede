// Real POP3 clients (curl and Python's poplib) against the sink on real sockets, reading mail
// that was first sent through the SMTP sink. Each test checks what the client got against the
// raw bytes the API returns, and that the session timeline holds the POP3 exchanges.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { ApiEventEnvelope } from '../../shared/api.js';
import { dotTerminated } from '../../main/core/protocols/pop3/reply.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';
import { corpus, exchanges, mailFor, newSessions, payloadOf, pop3Sessions, raw, sendBdat, sendRaw, verbs } from '../helpers/pop3-integration.js';

let mt: TestMailtap;
before(async () => {
  mt = await startTestMailtap();
  // Mail for curl's mailbox, mail for poplib's, and one for someone else that neither sees.
  for (const f of ['20-leading-dots.eml', '04-alternative.eml', '21-two-megabytes.eml']) await sendRaw(mt, 'curl@example.test', corpus(f));
  for (const f of ['01-plain-ascii.eml', '05-attachment-rfc2231.eml', '11-empty-body.eml']) await sendRaw(mt, 'py@example.test', corpus(f));
  await sendRaw(mt, 'other@example.test', corpus('02-utf8-8bit-korean.eml'));
});
after(async () => {
  await mt.close();
});

const curl = (path: string, user: string, ...args: string[]) => run('curl', ['-sS', '--max-time', '20', `pop3://127.0.0.1:${mt.pop3Port}${path}`, '-u', `${user}:pw`, ...args], { timeoutMs: 25_000 });

describe('curl pop3://', () => {
  test('list: one line per message in the mailbox, sizes as the API says', async () => {
    const before = await pop3Sessions(mt);
    const r = await curl('/', 'curl@example.test');
    assert.equal(r.code, 0, r.stderr);
    const mine = await mailFor(mt, 'curl@example.test');
    assert.equal(r.stdout, mine.map((m, i) => `${i + 1} ${m.size}\r\n`).join(''));
    const [s] = await newSessions(mt, before);
    assert.equal(s!.session.user, 'curl@example.test');
    assert.deepEqual(verbs(s!.events.items), ['- +OK', 'CAPA +OK', 'AUTH +OK', 'LIST +OK', 'QUIT +OK']);
    const list = exchanges(s!.events.items).find((e) => e.command?.verb === 'LIST')!;
    assert.equal((await payloadOf(mt, s!.session.id, list)).toString(), r.stdout + '.\r\n');
  });

  test('RETR by number: the bytes are the stored bytes, dots and 2 MB included', async () => {
    const mine = await mailFor(mt, 'curl@example.test');
    for (const n of [1, 3]) {
      const before = await pop3Sessions(mt);
      const r = await run('curl', ['-sS', '--max-time', '20', `pop3://127.0.0.1:${mt.pop3Port}/${n}`, '-u', 'curl@example.test:pw'], { timeoutMs: 25_000 });
      assert.equal(r.code, 0, r.stderr);
      const stored = await raw(mt, mine[n - 1]!.id);
      assert.ok(Buffer.from(r.stdout, 'latin1').equals(stored), `message ${n}: curl got ${r.stdout.length} bytes, the store has ${stored.length}`);
      const [s] = await newSessions(mt, before);
      const retr = exchanges(s!.events.items).find((e) => e.command?.verb === 'RETR')!;
      assert.equal(retr.command!.args, String(n));
      assert.equal(retr.replies[0]!.lines[0]!.text, `${stored.length} octets`);
      assert.ok((await payloadOf(mt, s!.session.id, retr)).equals(dotTerminated(stored)), 'the payload reference is the byte-stuffed message');
    }
  });

  test("-X 'UIDL': the unique ids are the API's message ids", async () => {
    const before = await pop3Sessions(mt);
    const r = await curl('/', 'curl@example.test', '-X', 'UIDL');
    assert.equal(r.code, 0, r.stderr);
    const mine = await mailFor(mt, 'curl@example.test');
    assert.equal(r.stdout, mine.map((m, i) => `${i + 1} ${m.id}\r\n`).join(''));
    const [s] = await newSessions(mt, before);
    assert.ok(verbs(s!.events.items).includes('UIDL +OK'));
  });

  test('--ssl-reqd -k: STLS, then RETR inside TLS', async () => {
    const before = await pop3Sessions(mt);
    const r = await curl('/1', 'curl@example.test', '--ssl-reqd', '-k');
    assert.equal(r.code, 0, r.stderr);
    const first = (await mailFor(mt, 'curl@example.test'))[0]!;
    assert.equal(r.stdout, (await raw(mt, first.id)).toString('latin1'));
    const [s] = await newSessions(mt, before);
    assert.equal(s!.session.tls, true);
    const ev = s!.events.items;
    assert.deepEqual(verbs(ev).slice(0, 5), ['- +OK', 'CAPA +OK', 'STLS +OK', 'CAPA +OK', 'AUTH +OK']);
    const tls = ev.find((e) => e.kind === 'tls');
    assert.ok(tls && tls.kind === 'tls' && /^TLSv1\.[23]$/.test(tls.info.version ?? ''), JSON.stringify(tls));
    const capaInside = exchanges(ev).filter((e) => e.command?.verb === 'CAPA')[1]!;
    assert.ok(!capaInside.replies[0]!.lines.some((l) => l.text === 'STLS'), 'STLS is not offered inside TLS');
  });

  test('a wrong password is -ERR [AUTH] when credentials are configured', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: 'curl@example.test', password: 'right' }] } });
    try {
      const before = await pop3Sessions(mt);
      const bad = await curl('/', 'curl@example.test');
      assert.notEqual(bad.code, 0);
      const good = await run('curl', ['-sS', `pop3://127.0.0.1:${mt.pop3Port}/`, '-u', 'curl@example.test:right'], { timeoutMs: 25_000 });
      assert.equal(good.code, 0, good.stderr);
      assert.equal(good.stdout, (await mailFor(mt, 'curl@example.test')).map((m, i) => `${i + 1} ${m.size}\r\n`).join(''));
      const [s1, s2] = await newSessions(mt, before, 2);
      const failed = exchanges(s1!.events.items).find((e) => e.command?.verb === 'AUTH')!;
      assert.equal(failed.replies.at(-1)!.lines[0]!.code, '-ERR');
      assert.match(failed.replies.at(-1)!.lines[0]!.text, /^\[AUTH\] /);
      assert.ok(s1!.events.items.some((e) => e.kind === 'auth' && e.ok === false));
      assert.ok(verbs(s2!.events.items).includes('LIST +OK'));
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { credentials: [] } });
    }
  });
});

/** Run a poplib script; it prints one JSON document. */
async function poplib<T = unknown>(script: string, ...args: string[]): Promise<T> {
  const prelude = 'import poplib, sys, json, base64\nb64 = lambda bs: [base64.b64encode(x).decode() for x in bs]\n';
  const r = await run('python3', ['-c', prelude + script, String(mt.pop3Port), ...args], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** The lines poplib hands back for a message (line endings gone, dots unstuffed). */
const linesOf = (b: Buffer): string[] => {
  const s = b.toString('latin1');
  return (s.endsWith('\r\n') ? s.slice(0, -2) : s).split(/\r?\n/);
};
const decoded = (l: string[]): string[] => l.map((x) => Buffer.from(x, 'base64').toString('latin1'));

describe("Python's poplib", () => {
  test('user/pass: STAT, LIST and every RETR match the store', async () => {
    const before = await pop3Sessions(mt);
    const out = await poplib<{ stat: [number, number]; list: string[]; msgs: string[][] }>(`
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
p.user('py@example.test'); p.pass_('pw')
stat = p.stat(); lst = p.list()[1]
msgs = [b64(p.retr(i + 1)[1]) for i in range(stat[0])]
p.quit()
print(json.dumps({'stat': stat, 'list': [x.decode() for x in lst], 'msgs': msgs}))`);
    const mine = await mailFor(mt, 'py@example.test');
    assert.deepEqual(out.stat, [mine.length, mine.reduce((n, m) => n + m.size, 0)]);
    assert.deepEqual(out.list, mine.map((m, i) => `${i + 1} ${m.size}`));
    for (const [i, m] of mine.entries()) assert.deepEqual(decoded(out.msgs[i]), linesOf(await raw(mt, m.id)), `message ${i + 1}`);
    // RETR is reading: the API shows the messages read (TOP, below, is not).
    await waitFor(async () => (await mailFor(mt, 'py@example.test')).every((m) => m.read), 5000, 'messages marked read');
    const [s] = await newSessions(mt, before);
    assert.deepEqual(verbs(s!.events.items), ['- +OK', 'USER +OK', 'PASS +OK', 'STAT +OK', 'LIST +OK', 'RETR +OK', 'RETR +OK', 'RETR +OK', 'QUIT +OK']);
    const pass = exchanges(s!.events.items).find((e) => e.command?.verb === 'PASS')!;
    assert.match(pass.command!.line, /^PASS •+$/);
    const auth = s!.events.items.find((e) => e.kind === 'auth');
    assert.ok(auth && auth.kind === 'auth' && auth.user === 'py@example.test' && auth.ok === true && auth.mechanism === 'USER');
  });

  test('apop: the digest is checked against configured credentials', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: 'py@example.test', password: 'apop-secret' }] } });
    try {
      const before = await pop3Sessions(mt);
      const out = await poplib<Record<string, string | string[]>>(`
res = {}
for pw in ['apop-secret', 'wrong']:
    p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
    try:
        res[pw] = p.apop('py@example.test', pw).decode(); res['retr'] = b64(p.retr(1)[1]); p.quit()
    except poplib.error_proto as e:
        res[pw] = e.args[0].decode(); p.close()
print(json.dumps(res))`);
      assert.match(out['apop-secret'] as string, /^\+OK py@example.test's maildrop has 3 messages/);
      assert.match(out.wrong as string, /^-ERR \[AUTH\] /);
      assert.deepEqual(decoded(out.retr as string[]), linesOf(await raw(mt, (await mailFor(mt, 'py@example.test'))[0]!.id)));
      const [ok, bad] = await newSessions(mt, before, 2);
      assert.deepEqual(verbs(ok!.events.items), ['- +OK', 'APOP +OK', 'RETR +OK', 'QUIT +OK']);
      assert.deepEqual(verbs(bad!.events.items), ['- +OK', 'APOP -ERR']);
      const apop = exchanges(ok!.events.items).find((e) => e.command?.verb === 'APOP')!;
      assert.match(apop.command!.line, /^APOP py@example\.test •+$/, 'the digest is masked');
      const auths = [ok, bad].map((d) => d!.events.items.find((e) => e.kind === 'auth'));
      assert.deepEqual(auths.map((a) => a && a.kind === 'auth' && [a.mechanism, a.user, a.ok]), [['APOP', 'py@example.test', true], ['APOP', 'py@example.test', false]]);
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { credentials: [] } });
    }
  });

  test('stls, then uidl and top inside TLS', async () => {
    const before = await pop3Sessions(mt);
    const out = await poplib<{ stls: boolean; stls2: boolean; uidl: string[]; top: string[] }>(`
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
caps = p.capa(); p.stls(); caps2 = p.capa()
p.user('py@example.test'); p.pass_('pw')
uidl = [x.decode() for x in p.uidl()[1]]; top = b64(p.top(2, 0)[1])
p.quit()
print(json.dumps({'stls': 'STLS' in caps, 'stls2': 'STLS' in caps2, 'uidl': uidl, 'top': top}))`);
    const mine = await mailFor(mt, 'py@example.test');
    assert.deepEqual([out.stls, out.stls2], [true, false]);
    assert.deepEqual(out.uidl, mine.map((m, i) => `${i + 1} ${m.id}`));
    const second = await raw(mt, mine[1]!.id);
    const header = second.subarray(0, second.indexOf('\r\n\r\n') + 2);
    assert.deepEqual(decoded(out.top), [...linesOf(header), '']);
    const [s] = await newSessions(mt, before);
    assert.equal(s!.session.tls, true);
    // poplib's stls() asks for CAPA once more before it sends STLS.
    assert.deepEqual(verbs(s!.events.items), ['- +OK', 'CAPA +OK', 'CAPA +OK', 'STLS +OK', 'CAPA +OK', 'USER +OK', 'PASS +OK', 'UIDL +OK', 'TOP +OK', 'QUIT +OK']);
  });

  test('odd messages: no final CRLF, and a bare-LF lone dot that must not end RETR early', async () => {
    const noCrlf = await sendBdat(mt, 'odd@example.test', Buffer.from('Subject: odd\r\n\r\nno final line break'));
    const smuggle = await sendBdat(mt, 'odd@example.test', Buffer.from('Subject: lf\r\n\r\na\n.\nMAIL FROM:<evil@x>\r\nend\r\n'));
    const before = await pop3Sessions(mt);
    const out = await poplib<string[][]>(`
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
p.user('odd@example.test'); p.pass_('pw')
r = [b64(p.retr(i)[1]) for i in (1, 2)]; p.quit()
print(json.dumps(r))`);
    assert.deepEqual(decoded(out[0]), ['Subject: odd', '', 'no final line break']);
    assert.deepEqual(decoded(out[1]), ['Subject: lf', '', 'a', '.', 'MAIL FROM:<evil@x>', 'end']);
    // On the wire: CRLF added before the terminator, and the dot after the bare LF doubled.
    const [s] = await newSessions(mt, before);
    const retrs = exchanges(s!.events.items).filter((e) => e.command?.verb === 'RETR');
    assert.equal((await payloadOf(mt, s!.session.id, retrs[0]!)).toString(), 'Subject: odd\r\n\r\nno final line break\r\n.\r\n');
    assert.equal((await payloadOf(mt, s!.session.id, retrs[1]!)).toString(), 'Subject: lf\r\n\r\na\n..\nMAIL FROM:<evil@x>\r\nend\r\n.\r\n');
    assert.equal(retrs[0]!.replies[0]!.lines[0]!.text, `${noCrlf.size} octets`);
    assert.equal(retrs[1]!.replies[0]!.lines[0]!.text, `${smuggle.size} octets`);
  });

  test('dele + quit deletes through the store, live; a dropped connection deletes nothing', async () => {
    const victims = [await sendRaw(mt, 'del@example.test', corpus('01-plain-ascii.eml')), await sendRaw(mt, 'del@example.test', corpus('20-leading-dots.eml'))];
    const ws = new WebSocket(`${mt.baseUrl.replace('http', 'ws')}/api/events`);
    const events: ApiEventEnvelope[] = [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString()) as ApiEventEnvelope));
    await new Promise((r) => ws.once('open', r));
    try {
      // Marked, then the connection drops without QUIT: RFC 1939 §6, no UPDATE state.
      await poplib(`
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
p.user('del@example.test'); p.pass_('pw'); p.dele(1); p.dele(2); p.close()
print('{}')`);
      for (const v of victims) assert.equal((await mt.getRaw(`/api/messages/${v.id}`)).status, 200);
      const before = await pop3Sessions(mt);
      const out = await poplib<string[]>(`
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
p.user('del@example.test'); p.pass_('pw'); d = p.dele(1).decode(); q = p.quit().decode()
print(json.dumps([d, q]))`);
      assert.deepEqual(out, ['+OK message 1 deleted', '+OK mailtap POP3 server signing off (1 message deleted)']);
      assert.equal((await mt.getRaw(`/api/messages/${victims[0]!.id}`)).status, 404);
      assert.equal((await mt.getRaw(`/api/messages/${victims[1]!.id}`)).status, 200);
      assert.deepEqual((await mailFor(mt, 'del@example.test')).map((m) => m.id), [victims[1]!.id]);
      const live = await waitFor(() => events.find((e) => e.event === 'messages.deleted'), 5000, 'messages.deleted');
      assert.deepEqual((live.data as { ids: string[] }).ids, [victims[0]!.id]);
      const [s] = await newSessions(mt, before);
      assert.deepEqual(verbs(s!.events.items).slice(-2), ['DELE +OK', 'QUIT +OK']);
    } finally {
      ws.close();
    }
  });
});
