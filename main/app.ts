// Starts mailtap in-process: the service, the sink listeners and the HTTP API/UI. The CLI,
// the Electron shell and the tests all start it through here.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { SecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { DeepPartial, MailtapApi } from '../shared/api.js';
import type { ProxyListenerConfig, ServerInfo, Settings } from '../shared/types.js';
import { MailtapService } from './core/service.js';
import { startSmtpSink, type RunningListener } from './core/sink/smtp-sink.js';
import { startPop3Sink } from './core/sink/pop3-sink.js';
import { messageFacts, startImapSink } from './core/sink/imap-sink.js';
import { startHttp } from './server/http-server.js';
import { claimDataDir, removeServerMarker, writeServerMarker } from './core/server-marker.js';

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
  /** IMAP sink port (RFC 3501); default 1143. */
  imapPort?: number;
  /** Port for IMAP with implicit TLS (RFC 8314); off unless given. */
  imapsPort?: number;
  /** IMAP connections silent this long get "* BYE"; default 30 minutes (RFC 3501 §5.4). */
  imapIdleTimeoutMs?: number;
  httpPort?: number;
  token?: string;
  /** The built UI; defaults to dist/renderer beside this package. */
  staticDir?: string | null;
  settings?: DeepPartial<Settings>;
  /** Proxy listeners for this run only (--proxy), beside the saved ones. */
  proxies?: ProxyListenerConfig[];
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
  // One writer per data directory: refuse to start over another server or an import.
  await claimDataDir(o.dataDir, '');
  const service = new MailtapService({ dataDir: o.dataDir, ...(o.settings ? { settings: o.settings } : {}) });
  await service.open();

  // STARTTLS and implicit TLS on the sinks present a leaf for localhost from the local CA, so a
  // client that trusts the CA once trusts the sink and the proxy alike.
  const secureContext = (): SecureContext => service.ca.sinkContext();

  const listeners: RunningListener[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(listeners.map((l) => l.close()));
    await service.close();
    // IMAP facts go to imap-cache.jsonl in quarter-second batches: let the last one land, so
    // nothing is written into the data directory once close() has returned.
    await messageFacts(service.messages).settled();
    await removeServerMarker(o.dataDir);
  };
  try {
    listeners.push(await startSmtpSink(service, { name: 'smtp', host, port: o.smtpPort ?? 1025, tls: 'none', secureContext }));
    if (o.smtpsPort !== undefined) listeners.push(await startSmtpSink(service, { name: 'smtps', host, port: o.smtpsPort, tls: 'implicit', secureContext }));
    listeners.push(await startPop3Sink(service, { name: 'pop3', host, port: o.pop3Port ?? 1110, tls: 'none', secureContext }));
    if (o.pop3sPort !== undefined) listeners.push(await startPop3Sink(service, { name: 'pop3s', host, port: o.pop3sPort, tls: 'implicit', secureContext }));
    const imapIdle = o.imapIdleTimeoutMs !== undefined ? { idleTimeoutMs: o.imapIdleTimeoutMs } : {};
    listeners.push(await startImapSink(service, { name: 'imap', host, port: o.imapPort ?? 1143, tls: 'none', secureContext, ...imapIdle }));
    if (o.imapsPort !== undefined) listeners.push(await startImapSink(service, { name: 'imaps', host, port: o.imapsPort, tls: 'implicit', secureContext, ...imapIdle }));
    service.listeners = listeners.map((l) => l.info);
    await service.proxies.open(o.proxies ?? []);
    const http = await startHttp({
      api: service,
      host,
      port: o.httpPort ?? 8025,
      ...(o.token ? { token: o.token } : {}),
      staticDir: o.staticDir === undefined ? defaultStaticDir() : o.staticDir,
    });
    service.http = { url: http.url, tokenRequired: !!o.token };
    // So that `mailtap import` on this data directory goes through the API (server-marker.ts).
    await writeServerMarker(o.dataDir, http.url);
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
