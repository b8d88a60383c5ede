// Replay in a real browser: a session captured from swaks (STARTTLS, AUTH PLAIN) is replayed
// against the sink from "Replay against…": every exchange matches and the diff says so. With the
// sink's credentials changed, the same replay fails at AUTH, and the diff marks the 535. The
// session's server side is then served to swaks and stopped.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExchangeEvent, Page as ApiPage, SessionSummary } from '../../shared/types.js';
import type { SessionDetail } from '../../shared/api.js';
import { screenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';
import { openRoute, startE2E, type E2E } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A long SMTP session: EHLO, `n` NOOPs one after another, a pause of `pauseMs`, QUIT. */
async function longSession(port: number, n: number, pauseMs: number): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setEncoding('latin1');
  let text = '';
  let wake: (() => void) | null = null;
  socket.on('data', (d: string) => {
    text += d;
    wake?.();
  });
  // Each reply is awaited on the data event, not polled, so the recording has no gaps but one.
  const reply = async (code: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const end = text.indexOf('\r\n');
      const line = end >= 0 ? text.slice(0, end) : null;
      if (line !== null) {
        text = text.slice(end + 2);
        if (line.startsWith(`${code} `)) return;
        if (line.startsWith(`${code}-`)) continue;
        throw new Error(`expected ${code}, got ${line}`);
      }
      if (Date.now() > deadline) throw new Error(`no ${code} reply`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
    }
  };
  await reply('220');
  socket.write('EHLO long.example\r\n');
  await reply('250');
  for (let i = 0; i < n; i++) {
    socket.write('NOOP\r\n');
    await reply('250');
  }
  await sleep(pauseMs);
  socket.write('QUIT\r\n');
  await reply('221');
  socket.end();
}

describe('replay from the GUI', () => {
  let e: E2E;
  let sourceId = '';
  let recorded = 0;
  const dialog = () => e.page.getByTestId('replay-dialog');

  before(async () => {
    e = await startE2E();
    const body = 'Subject: replay me\r\n\r\nA body to replay.\r\n';
    const swaks = await run('swaks', ['--server', '127.0.0.1', '--port', String(e.mt.smtpPort), '--from', 'a@example.test', '--to', 'bob@example.test', '--tls', '--auth', 'PLAIN', '--auth-user', 'bob', '--auth-password', 'pw', '--data', body], { timeoutMs: 30_000 });
    assert.equal(swaks.code, 0, swaks.stdout + swaks.stderr);
    const s = await waitFor(async () => (await e.mt.get<ApiPage<SessionSummary>>('/api/sessions?protocol=smtp&role=sink')).items.find((x) => x.endedAt !== null), 8000, 'the swaks session');
    sourceId = s.id;
    const d = await e.mt.get<SessionDetail>(`/api/sessions/${sourceId}?limit=1000`);
    recorded = d.events.items.filter((x): x is ExchangeEvent => x.kind === 'exchange').length;
  });
  after(async () => {
    await e?.close();
  });

  test('the dialog is prefilled with the sink’s own listener and checks regular expressions', async () => {
    await openRoute(e, `#/sessions/${sourceId}`);
    await e.page.getByTestId('replay-open').click();
    await dialog().waitFor();
    assert.equal(await e.page.getByTestId('rp-target').inputValue(), `127.0.0.1:${e.mt.smtpPort}`);
    await e.page.getByTestId('rp-substitute').check();
    assert.equal(await e.page.getByTestId('rp-password').getAttribute('type'), 'password', 'the password is masked');
    await e.page.getByTestId('rp-substitute').uncheck();
    await e.page.getByTestId('rp-add-pattern').click();
    await e.page.getByTestId('rp-pattern').fill('id=([0-9');
    await e.page.getByTestId('rp-pattern-error').waitFor();
    assert.match(await e.page.getByTestId('rp-pattern-error').innerText(), /Unterminated|missing|unterminated/i);
    await screenshot(e.page, 'replay-dialog');
    await e.page.getByTestId('rp-run').click();
    assert.equal(await dialog().count(), 1, 'an invalid pattern keeps the dialog open');
    await e.page.getByTestId('rp-pattern').fill('id=[0-9a-f]+');
    assert.equal(await e.page.getByTestId('rp-pattern-error').count(), 0);
  });

  test('a replay against the sink matches every exchange, and the diff shows it', async () => {
    await e.page.getByTestId('rp-run').click();
    await e.page.getByTestId('replay-diff').waitFor({ timeout: 30_000 });
    assert.equal(await dialog().count(), 0, 'the dialog closes on a result');
    assert.equal(await e.page.getByTestId('replay-verdict').innerText(), 'Pass');
    assert.match(await e.page.getByTestId('replay-count-match').innerText(), new RegExp(`^${recorded} match`));
    const rows = e.page.getByTestId('diff-row');
    assert.equal(await rows.count(), recorded, 'one row per exchange, all shown when nothing failed');
    assert.equal(await e.page.locator('[data-testid="diff-row"]:not([data-status="match"])').count(), 0);
    assert.match(await rows.filter({ hasText: 'AUTH PLAIN' }).getByTestId('diff-actual').innerText(), /235/);

    const replayId = new URL(e.page.url()).hash.split('/')[2]!;
    const replay = await e.mt.get<SessionDetail>(`/api/sessions/${replayId}`);
    assert.equal(replay.session.role, 'replay');
    assert.equal(replay.session.replayOf, sourceId);
    assert.equal(await e.page.locator('[data-testid="replay-of"] a').getAttribute('href'), `#/sessions/${sourceId}`);
    assert.equal(await e.page.getByTestId('replay-source-link').getAttribute('href'), `#/sessions/${sourceId}`);
    await rows.filter({ hasText: 'EHLO' }).first().click();
    await e.page.getByTestId('diff-detail').waitFor();
    await screenshot(e.page, 'replay-diff-match');

    // After a reload the diff comes from the server, which kept it (replay.result).
    await e.page.reload();
    await e.page.getByTestId('replay-verdict').waitFor();
    assert.equal(await e.page.getByTestId('replay-verdict').innerText(), 'Pass');
    assert.equal(await e.page.getByTestId('diff-row').count(), recorded);
    // A run whose diff was not kept: the tab offers to run the source again.
    rmSync(join(e.mt.dataDir, 'replays', `${replayId}.json`));
    await e.page.reload();
    await e.page.getByTestId('diff-unavailable').waitFor();
    await e.page.getByTestId('diff-unavailable').getByRole('button').click();
    await e.page.getByTestId('replay-verdict').waitFor({ timeout: 30_000 });
    assert.equal(await e.page.getByTestId('replay-verdict').innerText(), 'Pass');
    assert.notEqual(new URL(e.page.url()).hash.split('/')[2], replayId, 'the new run is a new session');
    assert.deepEqual(e.pageErrors(), []);
  });

  test('with other credentials on the sink, AUTH fails and the mismatch is marked', async () => {
    const r = await e.mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: 'bob', password: 'not-pw' }] }, ui: { theme: 'dark' } });
    assert.equal(r.status, 200);
    await openRoute(e, `#/sessions/${sourceId}`);
    await e.page.getByTestId('replay-open').click();
    await dialog().waitFor();
    await e.page.getByTestId('rp-run').click();
    await e.page.getByTestId('replay-diff').waitFor({ timeout: 30_000 });
    assert.equal(await e.page.getByTestId('replay-verdict').innerText(), 'Fail');
    const auth = e.page.locator('[data-testid="diff-row"][data-status="mismatch"]').filter({ hasText: 'AUTH PLAIN' });
    await auth.waitFor();
    assert.match(await auth.getByTestId('diff-expected').innerText(), /235/);
    assert.match(await auth.getByTestId('diff-actual').innerText(), /535/);
    assert.ok(await auth.locator('[data-testid="diff-actual"] mark.dm-add').count(), 'the differing characters are marked');
    assert.equal(await e.page.locator('[data-testid="diff-row"][data-status="match"]').count(), 0, 'only mismatches are listed by default');
    await auth.click();
    await auth.getByTestId('diff-detail').waitFor();
    assert.match(await auth.getByTestId('diff-detail').innerText(), /535/);
    await screenshot(e.page, 'replay-diff-mismatch');
    await e.page.getByTestId('diff-show-all').click();
    assert.ok((await e.page.locator('[data-testid="diff-row"][data-status="match"]').count()) > 0);
    await e.mt.request('PATCH', '/api/settings', { smtp: { credentials: [] }, ui: { theme: 'light' } });
  });

  test('a replay of 1,500 exchanges shows its progress, and its diff stays virtualised', async () => {
    const n = 1500;
    await longSession(e.mt.smtpPort, n, 2000);
    const long = await waitFor(async () => (await e.mt.get<ApiPage<SessionSummary>>('/api/sessions?protocol=smtp&role=sink')).items.find((x) => x.endedAt !== null && x.exchanges > n), 10_000, 'the long session');
    await openRoute(e, `#/sessions/${long.id}`);
    await e.page.getByTestId('replay-open').click();
    await dialog().waitFor();
    await e.page.getByTestId('rp-pace-original').click();
    // Progress is brief: record every text the progress line shows while the run lasts.
    await e.page.evaluate(() => {
      const seen: string[] = ((window as unknown as { seenProgress: string[] }).seenProgress = []);
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid="replay-progress"]');
        if (p) seen.push(p.textContent ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await e.page.getByTestId('rp-run').click();
    await e.page.getByTestId('replay-diff').waitFor({ timeout: 60_000 });
    const seen = await e.page.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress);
    assert.ok(seen.some((t) => new RegExp(`[\\d,]+ / ${(n + 3).toLocaleString('en')} · \\d+%`).test(t)), `progress shown: ${seen.slice(-3).join(' | ')}`);
    assert.equal(await e.page.getByTestId('replay-verdict').innerText(), 'Pass');
    assert.match(await e.page.getByTestId('diff-show-all').innerText(), new RegExp(`All ${(n + 3).toLocaleString('en')}`));
    assert.ok((await e.page.getByTestId('diff-row').count()) < 100, 'only the visible rows are in the page');
    await e.page.getByTestId('diff-row').first().click();
    await e.page.keyboard.press('End');
    await e.page.locator('[data-testid="diff-row"]').filter({ hasText: 'QUIT' }).waitFor();
  });

  test('the server side is served to swaks, counted, and stopped', async () => {
    await openRoute(e, `#/sessions/${sourceId}`);
    await e.page.getByTestId('serve-replay').click();
    await e.page.getByTestId('serve-start').click();
    const line = e.page.getByTestId('replay-server');
    await line.waitFor();
    const port = Number(await line.getAttribute('data-port'));
    assert.ok(port > 0);
    assert.match(await e.page.getByTestId('replay-server-address').innerText(), new RegExp(`127\\.0\\.0\\.1:${port}`));
    const swaks = await run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--from', 'a@example.test', '--to', 'bob@example.test', '--tls', '--auth', 'PLAIN', '--auth-user', 'bob', '--auth-password', 'pw', '--data', 'Subject: replay me\r\n\r\nA body to replay.\r\n'], { timeoutMs: 30_000 });
    assert.equal(swaks.code, 0, swaks.stdout + swaks.stderr);
    await waitFor(async () => /^1 connection/.test(await e.page.getByTestId('replay-server-connections').innerText()), 8000, 'the connection count');
    await e.page.getByTestId('replay-server-stop').click();
    await line.waitFor({ state: 'detached' });
    assert.deepEqual(await e.mt.get('/api/replay/servers'), []);
    assert.deepEqual(e.pageErrors(), []);
  });
});
