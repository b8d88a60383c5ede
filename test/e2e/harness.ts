// One e2e fixture: a real mailtap (ephemeral ports, temp data dir, the built UI) and a real
// chromium page on it. Everything it starts, close() stops.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { RENDERER_DIST, ensureRendererBuilt, launchBrowser, type Browser } from '../helpers/browser.js';
import { startTestMailtap, type TestMailtap } from '../helpers/mailtap.js';

export interface E2E {
  mt: TestMailtap;
  browser: Browser;
  page: Page;
  /** The UI's URL (ends with "/"). */
  url: string;
  /** Uncaught errors in the page: a test ends by asserting there were none. */
  pageErrors(): string[];
  close(): Promise<void>;
}

export interface E2EOptions {
  colorScheme?: 'light' | 'dark';
  /** Reuse a data directory (it is then not removed). */
  dataDir?: string;
  width?: number;
  height?: number;
  /** Require this API token (`mailtap serve --token`). */
  token?: string;
}

export async function startE2E(o: E2EOptions = {}): Promise<E2E> {
  await ensureRendererBuilt();
  const mt = await startTestMailtap({ staticDir: RENDERER_DIST, ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.token ? { token: o.token } : {}) });
  let browser: Browser;
  try {
    browser = await launchBrowser(o);
  } catch (e) {
    await mt.close();
    throw e;
  }
  return {
    mt,
    browser,
    page: browser.page,
    url: mt.app.info.http.url,
    pageErrors: () => browser.errors.filter((e) => e.startsWith('pageerror')),
    async close() {
      await browser.close();
      await mt.close();
    },
  };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Opens a hash route in the already loaded app (no reload), or loads the app there. */
export async function openRoute(e: E2E, hash: string): Promise<void> {
  if (e.page.url().startsWith(e.url)) await e.page.evaluate((h) => (window.location.hash = h), hash);
  else await e.page.goto(e.url + hash);
}
