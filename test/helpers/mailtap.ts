// Starts a real mailtap in-process on ephemeral loopback ports with a fresh data directory,
// and gives tests a small HTTP client for its API.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailtap, type RunningMailtap, type StartOptions } from '../../main/app.js';

export interface TestMailtap {
  app: RunningMailtap;
  dataDir: string;
  smtpPort: number;
  pop3Port: number;
  imapPort: number;
  baseUrl: string;
  get<T = unknown>(path: string): Promise<T>;
  getRaw(path: string): Promise<{ status: number; headers: Headers; body: Buffer }>;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function startTestMailtap(o: Partial<StartOptions> = {}): Promise<TestMailtap> {
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'mailtap-test-')));
  const app = await startMailtap({ dataDir, host: '127.0.0.1', smtpPort: 0, pop3Port: 0, imapPort: 0, httpPort: 0, staticDir: null, ...o });
  const smtp = app.info.listeners.find((l) => l.name === 'smtp')!;
  const pop3 = app.info.listeners.find((l) => l.name === 'pop3')!;
  const imap = app.info.listeners.find((l) => l.name === 'imap')!;
  const baseUrl = app.info.http.url.replace(/\/(\?.*)?$/, '');
  const headers: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};
  const t: TestMailtap = {
    app,
    dataDir,
    smtpPort: smtp.port,
    pop3Port: pop3.port,
    imapPort: imap.port,
    baseUrl,
    async get<T>(path: string): Promise<T> {
      const r = await fetchStaleSafe(baseUrl + path, { headers });
      if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
    async getRaw(path: string) {
      const r = await fetchStaleSafe(baseUrl + path, { headers });
      return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
    },
    async request(method: string, path: string, body?: unknown) {
      const r = await fetchStaleSafe(baseUrl + path, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : null };
    },
    async close() {
      await app.close();
      if (!o.dataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    },
  };
  return t;
}

/**
 * fetch, sent again once when a kept-alive connection turned out to be closed by the server
 * just as it was reused (undici's idle timer is coarse, so on a loaded machine it can reuse a
 * socket the server's keepAliveTimeout has just ended). The request never reached the handler.
 */
async function fetchStaleSafe(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const code = ((e as Error & { cause?: { code?: string } }).cause ?? {}).code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE' && code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, init);
  }
}

/** Wait until `check` returns a truthy value; bounded in time. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
