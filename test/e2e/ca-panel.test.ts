// The local CA panel in a real browser: the fingerprint as ca.info gives it, downloads that are
// byte-identical to ca.export, install steps per OS, and regeneration behind a confirmation.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { CaInfo } from '../../shared/types.js';
import { screenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/mailtap.js';
import { startE2E, type E2E } from './harness.js';

describe('the local CA panel', () => {
  let e: E2E;
  let ca: CaInfo;

  before(async () => {
    e = await startE2E();
    ca = await e.mt.get<CaInfo>('/api/ca');
  });
  after(async () => {
    await e?.close();
  });

  test('shows the SHA-256 fingerprint in two rows of 16 bytes, the subject and the validity', async () => {
    await e.page.goto(e.url + '#/proxy/ca');
    const fp = e.page.getByTestId('ca-fingerprint');
    await fp.waitFor();
    const rows = (await fp.innerText()).split('\n').map((l) => l.trim()).filter(Boolean);
    assert.equal(rows.length, 2);
    for (const r of rows) assert.match(r, /^([0-9A-F]{2}:){15}[0-9A-F]{2}$/);
    assert.equal(rows.join(':'), ca.fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase().match(/../g)!.join(':'));
    assert.equal(await e.page.getByTestId('ca-subject').innerText(), ca.subject);
    assert.match(await e.page.getByTestId('ca-panel').innerText(), new RegExp(String(new Date(ca.notAfter).getFullYear())));
  });

  test('the PEM and DER downloads are the bytes ca.export gives', async () => {
    for (const format of ['pem', 'der'] as const) {
      const [download] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId(`ca-download-${format}`).click()]);
      const got = await readFile((await download.path())!);
      const want = (await e.mt.getRaw(`/api/ca/export?format=${format}`)).body;
      assert.ok(got.equals(want), `${format} identical to ca.export`);
      assert.equal(download.suggestedFilename(), format === 'pem' ? 'mailtap-ca.pem' : 'mailtap-ca.cer');
    }
    const [p12] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('ca-download-p12').click()]);
    assert.ok((await readFile((await p12.path())!)).length > 500, 'a PKCS#12 bundle');
  });

  test('install steps for each OS', async () => {
    const steps = e.page.getByTestId('ca-steps');
    await e.page.getByTestId('ca-os-linux').click();
    const linux = await steps.innerText();
    assert.match(linux, /update-ca-certificates/);
    assert.match(linux, /trust anchor/);
    assert.match(linux, /certutil -d sql:/);
    await screenshot(e.page, 'ca-panel');
    await e.page.getByTestId('ca-os-macos').click();
    assert.match(await steps.innerText(), /security add-trusted-cert -d -r trustRoot -k \/Library\/Keychains\/System\.keychain/);
    assert.match(await steps.innerText(), /Keychain Access/);
    await e.page.getByTestId('ca-os-windows').click();
    assert.match(await steps.innerText(), /certutil -addstore -f Root mailtap-ca\.cer/);
  });

  test('regenerating asks first, then shows the new fingerprint', async () => {
    const button = e.page.getByTestId('ca-regenerate');
    await button.click();
    assert.match(await button.innerText(), /Regenerate\?/);
    assert.equal((await e.mt.get<CaInfo>('/api/ca')).fingerprint, ca.fingerprint, 'the first click only asks');
    await button.click();
    const fresh = await waitFor(async () => {
      const now = await e.mt.get<CaInfo>('/api/ca');
      return now.fingerprint !== ca.fingerprint ? now : null;
    }, 15_000, 'a new CA');
    const shown = fresh.fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase().slice(0, 8);
    await waitFor(async () => (await e.page.getByTestId('ca-fingerprint').innerText()).replace(/[^0-9A-F]/g, '').startsWith(shown), 5000, 'the new fingerprint shown');
    // The dark theme, for the screenshot of the same panel.
    await e.page.getByTestId('theme-toggle').click();
    await screenshot(e.page, 'ca-panel-dark');
    assert.deepEqual(e.pageErrors(), []);
  });
});
