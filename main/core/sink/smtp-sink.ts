// The SMTP sink: a listener whose connections run the SMTP server codec through the socket
// adapter. Every message is stored; nothing is ever relayed.
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ListenerInfo } from '../../../shared/types.js';
import { listen, type Listening } from '../net/listener.js';
import { serveConnection } from '../net/connection.js';
import { SmtpServer } from '../protocols/smtp/server.js';
import type { MailtapService } from '../service.js';

export interface SinkOptions {
  name: string;
  host: string;
  port: number;
  tls: 'none' | 'implicit';
  secureContext: () => SecureContext;
  maxConnections?: number;
}

export interface RunningListener {
  info: ListenerInfo;
  close(): Promise<void>;
}

export async function startSmtpSink(service: MailtapService, o: SinkOptions): Promise<RunningListener> {
  let l: Listening;
  const onSocket = (socket: Socket): void => {
    const settings = service.settings.get().smtp;
    const recorder = service.newSession('smtp', 'sink', socket, l);
    const codec = new SmtpServer({
      hostname: settings.hostname,
      maxLineLength: settings.maxLineLength,
      maxMessageSize: settings.maxMessageSize,
      maxRecipients: settings.maxRecipients,
      credentials: settings.credentials,
      tlsAvailable: true,
      implicitTls: o.tls === 'implicit',
    });
    void serveConnection({
      socket,
      codec,
      recorder,
      secureContext: o.secureContext,
      implicitTls: o.tls === 'implicit',
      idleTimeoutMs: settings.idleTimeoutMs,
      deliver: async (envelope, chunks, _size, meta) => {
        const m = await service.storeMessage({ chunks, envelope, sessionId: recorder.summary.id, source: 'smtp', warnings: meta.warnings });
        return { ok: true, messageId: m.id, size: m.size };
      },
    });
  };
  l = await listen(o.host, o.port, o.maxConnections ?? 1000, onSocket);
  return {
    info: { name: o.name, protocol: 'smtp', role: 'sink', address: l.address, port: l.port, tls: o.tls === 'implicit' ? 'implicit' : 'starttls' },
    close: () => l.close(),
  };
}
