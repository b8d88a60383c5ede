// The SMTP sink: a listener whose connections run the SMTP server codec through the socket
// adapter. Every message is stored; nothing is ever relayed.
import type { MailtapService } from '../service.js';
import { SmtpServer } from '../protocols/smtp/server.js';
import { type RunningListener, type SinkOptions, startSinkListener } from './sink-listener.js';

export type { RunningListener, SinkOptions } from './sink-listener.js';

export function startSmtpSink(service: MailtapService, o: SinkOptions): Promise<RunningListener> {
  return startSinkListener(service, 'smtp', o, (_socket, recorder, implicitTls) => {
    const settings = service.settings.get().smtp;
    return {
      codec: new SmtpServer({
        hostname: settings.hostname,
        maxLineLength: settings.maxLineLength,
        maxMessageSize: settings.maxMessageSize,
        maxRecipients: settings.maxRecipients,
        credentials: settings.credentials,
        tlsAvailable: true,
        implicitTls,
      }),
      idleTimeoutMs: settings.idleTimeoutMs,
      deliver: async (envelope, chunks, _size, meta) => {
        const m = await service.storeMessage({ chunks, envelope, sessionId: recorder.summary.id, source: 'smtp', warnings: meta.warnings });
        return { ok: true, messageId: m.id, size: m.size };
      },
    };
  });
}
