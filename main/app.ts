// Starts mailtap in-process: the service, the sink listeners and the HTTP API/UI. The CLI,
// the Electron shell and the tests all start it through here.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { DeepPartial, MailtapApi } from '../shared/api.js';
import type { ServerInfo, Settings } from '../shared/types.js';
import { MailtapService } from './core/service.js';
import { startSmtpSink, type RunningListener } from './core/sink/smtp-sink.js';
import { startPop3Sink } from './core/sink/pop3-sink.js';
import { loadOrCreateSinkCertificate } from './core/tls/self-signed.js';
import { startHttp } from './server/http-server.js';

export interface StartOptions {
  dataDir: string;
  host?: string;
  smtpPort?: number;
  /** Port for SMTP with implicit TLS (RFC 8314); off unless given. */
  smtpsPort?: number;
  /** POP3 sink port (RFC 1939); default 1110. */
  pop3Port?: number;
  /** Port for POP3 with implicit TLS (RFC 8314); off unless given. */
  pop3sPort?: number;
  httpPort?: number;
  token?: string;
  /** The built UI; defaults to dist/renderer beside this package. */
  staticDir?: string | null;
  settings?: DeepPartial<Settings>;
}

export interface RunningMailtap {
  info: ServerInfo;
  api: MailtapApi;
  service: MailtapService;
  close(): Promise<void>;
}

const isLoopback = (h: string): boolean => /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(h);

export function defaultStaticDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  // From main/ (tsx) or dist/main/ (built): find dist/renderer/index.html.
  for (const up of ['..', '../..']) {
    const dir = resolve(here, up, 'dist', 'renderer');
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

export async function startMailtap(o: StartOptions): Promise<RunningMailtap> {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopback(host) && !o.token) throw new Error(`binding ${host} exposes caught mail to the network: give --token to require one`);
  await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
  const service = new MailtapService({ dataDir: o.dataDir, ...(o.settings ? { settings: o.settings } : {}) });
  await service.open();

  let ctx: SecureContext | null = null;
  const kc = await loadOrCreateSinkCertificate(o.dataDir);
  const secureContext = (): SecureContext => (ctx ??= createSecureContext({ key: kc.key, cert: kc.cert }));

  const listeners: RunningListener[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(listeners.map((l) => l.close()));
    await service.close();
  };
  try {
    listeners.push(await startSmtpSink(service, { name: 'smtp', host, port: o.smtpPort ?? 1025, tls: 'none', secureContext }));
    if (o.smtpsPort !== undefined) listeners.push(await startSmtpSink(service, { name: 'smtps', host, port: o.smtpsPort, tls: 'implicit', secureContext }));
    listeners.push(await startPop3Sink(service, { name: 'pop3', host, port: o.pop3Port ?? 1110, tls: 'none', secureContext }));
    if (o.pop3sPort !== undefined) listeners.push(await startPop3Sink(service, { name: 'pop3s', host, port: o.pop3sPort, tls: 'implicit', secureContext }));
    service.listeners = listeners.map((l) => l.info);
    const http = await startHttp({
      api: service,
      host,
      port: o.httpPort ?? 8025,
      ...(o.token ? { token: o.token } : {}),
      staticDir: o.staticDir === undefined ? defaultStaticDir() : o.staticDir,
    });
    service.http = { url: http.url, tokenRequired: !!o.token };
    return {
      info: service.info(),
      api: service,
      service,
      close: async () => {
        await http.close();
        await closeAll();
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
