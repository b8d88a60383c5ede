// The POP3 sink: a listener whose connections run the POP3 server codec through the socket
// adapter, and the host side of the codec's requests, which reads and deletes through the
// message store so that the API and the GUI see every change live.
import type { MaildropEntry, Pop3Request } from '../protocols/pop3/maildrop.js';
import { Pop3Server } from '../protocols/pop3/server.js';
import type { MessageStore } from '../store/message-store.js';
import type { MailtapService } from '../service.js';
import { type RunningListener, type SinkOptions, startSinkListener } from './sink-listener.js';

const PAGE = 500;

/**
 * The maildrop of a user, oldest first. A user name that is an email address sees only the
 * messages whose envelope recipients include it (case-insensitive), which gives per-recipient
 * mailboxes for free; any other name sees everything. Read in one synchronous pass, so the
 * snapshot is consistent.
 */
export function maildropFor(store: MessageStore, user: string): MaildropEntry[] {
  const address = user.includes('@') ? user.trim().toLowerCase() : null;
  const out: MaildropEntry[] = [];
  for (let offset = 0, total = 1; offset < total; offset += PAGE) {
    const page = store.list({ offset, limit: PAGE });
    total = page.total;
    for (const m of page.items) {
      // POP3 has one mailbox: the INBOX. Mail moved to Trash or Archive over IMAP is not in it.
      if ((m.folder ?? 'INBOX') !== 'INBOX') continue;
      if (address && !m.envelope.rcptTo.some((r) => r.toLowerCase() === address)) continue;
      out.push({ id: m.id, size: m.size });
    }
    if (page.items.length === 0) break;
  }
  return out.reverse();
}

/** Serve one of the codec's requests (see protocols/pop3/maildrop.ts). */
export async function servePop3Request(service: MailtapService, request: unknown): Promise<unknown> {
  const r = request as Pop3Request;
  switch (r.op) {
    case 'maildrop':
      return maildropFor(service.messages, r.user);
    case 'read': {
      if (!service.messages.get(r.id)) throw new Error('no such message');
      const raw = await service.messages.raw(r.id);
      // RETR is the client reading the message; TOP only peeks (RFC 1939 §7). The mark goes to
      // the store alongside: the reply does not wait for it.
      if (r.seen) void service.messages.markRead(r.id, true).catch(() => undefined);
      return raw;
    }
    case 'delete': {
      const gone = await service.messages.delete(r.ids);
      service.parsed.forget(gone);
      return gone.length;
    }
    default:
      throw new Error('unknown request');
  }
}

export function startPop3Sink(service: MailtapService, o: SinkOptions): Promise<RunningListener> {
  return startSinkListener(service, 'pop3', o, (_socket, _recorder, implicitTls) => {
    // POP3 shares the sink's host name, credentials and idle timeout with SMTP.
    const settings = service.settings.get().smtp;
    return {
      codec: new Pop3Server({ hostname: settings.hostname, credentials: settings.credentials, tlsAvailable: true, implicitTls }),
      idleTimeoutMs: settings.idleTimeoutMs,
      request: (req) => servePop3Request(service, req),
    };
  });
}
