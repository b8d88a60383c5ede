// fetchmail against the POP3 sink: over STLS with the sink's certificate verified, and over
// implicit TLS (POP3S); with --keep and UIDL bookkeeping that must survive a restart of mailtap,
// and without it, so that what fetchmail deletes is gone from the store. What the MDA received
// is compared with the raw bytes the API returns.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dotTerminated } from '../../main/core/protocols/pop3/reply.js';
import { startTestMailtap, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';
import { corpus, exchanges, mailFor, newSessions, payloadOf, pop3Sessions, raw, sendRaw, verbs } from '../helpers/pop3-integration.js';

const tmp = mkdtempSync(join(tmpdir(), 'mailtap-fetchmail-'));
const dataDir = join(tmp, 'data');
let mt: TestMailtap;
const start = async (): Promise<TestMailtap> => startTestMailtap({ dataDir, pop3sPort: 0 });

before(async () => {
  mt = await start();
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Poll {
  name: string;
  port: number;
  user: string;
  /** 'ssl' is implicit TLS; otherwise fetchmail upgrades with STLS, which CAPA offers. */
  ssl: boolean;
  keep: boolean;
}

/**
 * Run fetchmail once, non-interactively and safe as root or not: its own rc, id and pid files,
 * no syslog, no daemon, delivery to a file through an MDA. The local CA (ca-cert.pem)
 * is the trust anchor, so TLS is verified rather than skipped.
 */
async function fetchmail(p: Poll): Promise<{ code: number | null; out: string; mbox: string }> {
  const dir = join(tmp, p.name);
  const mbox = join(dir, 'mbox');
  const rc = join(dir, 'fetchmailrc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    rc,
    [
      `poll 127.0.0.1 service ${p.port} protocol pop3 uidl`,
      `  user "${p.user}" password "any" is "${userInfo().username}" here`,
      `  ${p.keep ? 'keep' : 'nokeep'} no rewrite no stripcr`,
      `  ${p.ssl ? 'ssl ' : ''}sslcertck sslcertfile "${join(dataDir, 'tls', 'ca-cert.pem')}" sslcommonname "localhost"`,
      `  mda "cat >> ${mbox}"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const r = await run('fetchmail', ['-f', rc, '-i', join(dir, 'fetchids'), '--pidfile', join(dir, 'pid'), '--nosyslog', '--nodetach', '-v'], {
    env: { HOME: dir, FETCHMAILHOME: dir },
    timeoutMs: 60_000,
  });
  const out = r.stdout + r.stderr;
  assert.match(out, /normal termination/, out);
  return { code: r.code, out, mbox: existsSync(mbox) ? readFileSync(mbox, 'latin1') : '' };
}

/** Split the MDA's file into messages: fetchmail puts its own Received header on each. */
function deliveries(mbox: string): string[] {
  const header = /Received: from 127\.0\.0\.1 \[127\.0\.0\.1\]\r\n(?:\t[^\r\n]*\r\n)*/g;
  const starts = [...mbox.matchAll(header)];
  return starts.map((m, i) => mbox.slice(m.index! + m[0].length, starts[i + 1]?.index ?? mbox.length));
}

describe('fetchmail', () => {
  test('STLS with the certificate verified, --keep and UIDL: byte-exact, and nothing fetched twice after a restart', async () => {
    const user = 'fm@example.test';
    const sent = [];
    for (const f of ['20-leading-dots.eml', '05-attachment-rfc2231.eml', '08-nested-mixed-alt-related.eml']) sent.push(await sendRaw(mt, user, corpus(f)));
    const before = await pop3Sessions(mt);
    const first = await fetchmail({ name: 'keep', port: mt.pop3Port, user, ssl: false, keep: true });
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /upgrade to TLS succeeded/);
    const got = deliveries(first.mbox);
    assert.equal(got.length, 3, first.out);
    for (const [i, m] of sent.entries()) assert.equal(got[i], (await raw(mt, m.id)).toString('latin1'), `message ${i + 1}`);
    assert.equal((await mailFor(mt, user)).length, 3, '--keep leaves the mail in the store');

    const [s] = await newSessions(mt, before);
    assert.equal(s!.session.tls, true);
    const v = verbs(s!.events.items);
    assert.deepEqual(v.slice(0, 4), ['- +OK', 'CAPA +OK', 'STLS +OK', 'CAPA +OK']);
    assert.ok(v.includes('UIDL +OK') && v.at(-1) === 'QUIT +OK', v.join(', '));
    // fetchmail reads with "TOP n 99999999" under --keep, so the message is not marked seen.
    const tops = exchanges(s!.events.items).filter((e) => e.command?.verb === 'TOP');
    assert.equal(tops.length, 3);
    for (const [i, e] of tops.entries()) assert.ok((await payloadOf(mt, s!.session.id, e)).equals(dotTerminated(await raw(mt, sent[i]!.id))));

    // The UIDs are the store's ids, so they survive a restart: fetchmail's id file still matches.
    await mt.close();
    mt = await start();
    const again = await fetchmail({ name: 'keep', port: mt.pop3Port, user, ssl: false, keep: true });
    assert.equal(again.code, 1, `fetchmail finds no new mail\n${again.out}`);
    assert.match(again.out, /3 messages \(3 seen\)/);
    assert.equal(deliveries(again.mbox).length, 3, 'nothing was delivered twice');
  });

  test('POP3S (implicit TLS) without --keep: each message fetched, then deleted through the store', async () => {
    const user = 'fm-del@example.test';
    const sent = [await sendRaw(mt, user, corpus('01-plain-ascii.eml')), await sendRaw(mt, user, corpus('11-empty-body.eml'))];
    const bytes = await Promise.all(sent.map((m) => raw(mt, m.id)));
    const pop3s = mt.app.info.listeners.find((l) => l.name === 'pop3s')!;
    assert.equal(pop3s.tls, 'implicit');
    const before = await pop3Sessions(mt);
    const r = await fetchmail({ name: 'nokeep', port: pop3s.port, user, ssl: true, keep: false });
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(deliveries(r.mbox), bytes.map((b) => b.toString('latin1')));
    assert.deepEqual(await mailFor(mt, user), [], 'fetchmail deleted them, and the store agrees');
    for (const m of sent) assert.equal((await mt.getRaw(`/api/messages/${m.id}`)).status, 404);

    const [s] = await newSessions(mt, before);
    assert.equal(s!.session.tls, true);
    const v = verbs(s!.events.items);
    assert.equal(v.filter((x) => x === 'DELE +OK').length, 2, v.join(', '));
    const quit = exchanges(s!.events.items).at(-1)!;
    assert.equal(quit.command?.verb, 'QUIT');
    assert.match(quit.replies[0]!.lines[0]!.text, /\(2 messages deleted\)$/);
  });
});
