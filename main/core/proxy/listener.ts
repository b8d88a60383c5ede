// Starts one proxy listener: a TCP listener whose connections are relayed to the upstream
// through the protocol's relay codec and the two-sided socket adapter (net/relay.ts).
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { ProxyListenerConfig } from '../../../shared/types.js';
import { listen, type Listening } from '../net/listener.js';
import { busyGreeting } from '../protocols/busy.js';
import { relayConnection } from '../net/relay.js';
import { keyLogger } from '../net/relay-tls.js';
import type { Codec } from '../protocols/types.js';
import { SmtpProxy } from '../protocols/smtp/proxy.js';
import { Pop3Proxy } from '../protocols/pop3/proxy.js';
import { ImapProxy } from '../protocols/imap/proxy.js';
import type { MailtapService } from '../service.js';
import { DEFAULT_PROXY_CONNECTIONS } from './config.js';

export interface RunningProxy {
  address: string;
  port: number;
  close(): Promise<void>;
}

const codecs: Record<ProxyListenerConfig['protocol'], (c: ProxyListenerConfig, hostname: string) => Codec> = {
  smtp: (c, hostname) => new SmtpProxy({ clientTls: c.clientTls, upstreamTls: c.upstreamTls, hostname }),
  pop3: (c) => new Pop3Proxy({ clientTls: c.clientTls, upstreamTls: c.upstreamTls }),
  imap: (c) => new ImapProxy({ clientTls: c.clientTls, upstreamTls: c.upstreamTls }),
};

/**
 * How long either leg may stay silent. SMTP uses its setting; a POP3 autologout timer is at
 * least 10 minutes (RFC 1939 §3), an IMAP one at least 30 (RFC 3501 §5.4, so IDLE lasts).
 */
function idleTimeoutMs(protocol: ProxyListenerConfig['protocol'], smtpSetting: number): number {
  if (protocol === 'pop3') return Math.max(smtpSetting, 10 * 60_000);
  if (protocol === 'imap') return Math.max(smtpSetting, 30 * 60_000);
  return smtpSetting;
}

/** Upstream connections that take longer than this fail with 421, -ERR or * BYE. */
export const CONNECT_TIMEOUT_MS = 10_000;

export async function startProxyListener(service: MailtapService, config: ProxyListenerConfig): Promise<RunningProxy> {
  const make = codecs[config.protocol];
  // The leaf for clients that send no SNI names the upstream (or the configured server name).
  const defaultName = config.servername ?? config.upstreamHost;
  const defaultContext = (await service.ca.leaf(defaultName)).context;
  let l: Listening;
  const onSocket = (client: Socket): void => {
    const settings = service.settings.get();
    const recorder = service.newSession(config.protocol, 'proxy', client, l);
    const extraCa = settings.tls.upstreamCaFile ? readFile(settings.tls.upstreamCaFile, 'utf8').then((t) => [t], () => []) : Promise.resolve([]);
    void extraCa.then((ca) =>
      relayConnection({
        client,
        codec: make(config, settings.smtp.hostname),
        recorder,
        clientTls: config.clientTls,
        defaultContext,
        leafFor: async (name) => (await service.ca.leaf(name)).context,
        upstream: {
          host: config.upstreamHost,
          port: config.upstreamPort,
          tls: config.upstreamTls,
          verify: config.verifyUpstream,
          // SNI carries host names only (RFC 6066 §3), never an IP literal.
          servername: config.servername ?? (/^[\d.]+$|:/.test(config.upstreamHost) ? null : config.upstreamHost),
          extraCa: ca,
        },
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        idleTimeoutMs: idleTimeoutMs(config.protocol, settings.smtp.idleTimeoutMs),
        keyLog: keyLogger(settings.tls.keyLogFile),
        deliver: async (envelope, chunks, _size, meta) => {
          const m = await service.storeMessage({ chunks, envelope, sessionId: recorder.summary.id, source: 'proxy', warnings: meta.warnings, owned: meta.owned === true }, recorder);
          return { ok: true, messageId: m.id, size: m.size };
        },
      }),
    );
  };
  const busy = config.clientTls === 'implicit' ? undefined : () => busyGreeting(config.protocol, service.settings.get().smtp.hostname);
  // Over the cap a client is told its protocol's "busy" (net/listener.ts); the upstream is not dialled.
  l = await listen(config.listenHost, config.listenPort, config.maxConnections ?? DEFAULT_PROXY_CONNECTIONS, onSocket, { allowHalfOpen: true, busy });
  return { address: l.address, port: l.port, close: () => l.close() };
}
