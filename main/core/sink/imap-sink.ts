// The IMAP sink: a listener whose connections run the IMAP server codec through the socket
// adapter, with a mailbox session (main/core/mailbox/) serving each one's requests over the
// message store. Flag changes, moves and deletions go through the store, so the API and the
// GUI see them live; new mail reaches clients in IDLE through the adapter's `subscribe`.
import { dirname, join } from 'node:path';
import { MailboxSession } from '../mailbox/session.js';
import { MessageFacts } from '../mailbox/message-facts.js';
import { ImapServer } from '../protocols/imap/server.js';
import type { CodecEvent } from '../protocols/types.js';
import type { MessageStore } from '../store/message-store.js';
import { type MailtapService, VERSION } from '../service.js';
import { type RunningListener, type SinkOptions, startSinkListener } from './sink-listener.js';

export interface ImapSinkOptions extends SinkOptions {
  /**
   * Close a connection silent for this long, with "* BYE". RFC 3501 §5.4 asks for at least 30
   * minutes, and IDLE clients re-issue IDLE every 29 (RFC 2177 §3).
   */
  idleTimeoutMs?: number;
}

export const IMAP_IDLE_TIMEOUT_MS = 30 * 60_000;

/**
 * One cache of IMAP facts per store, shared by every connection and both listeners, and kept in
 * imap-cache.jsonl beside the message index.
 */
const factsByStore = new WeakMap<MessageStore, MessageFacts>();

export function messageFacts(store: MessageStore): MessageFacts {
  let f = factsByStore.get(store);
  if (!f) factsByStore.set(store, (f = new MessageFacts(store, join(dirname(store.dir), 'imap-cache.jsonl'))));
  return f;
}

export function startImapSink(service: MailtapService, o: ImapSinkOptions): Promise<RunningListener> {
  const facts = messageFacts(service.messages);
  return startSinkListener(service, 'imap', o, (socket, recorder, implicitTls) => {
    // IMAP shares the sink's host name, credentials and size limit with SMTP.
    const settings = service.settings.get().smtp;
    let feed: ((e: CodecEvent) => void) | null = null;
    facts.clients++;
    socket.once('close', () => facts.clients--);
    const mailbox = new MailboxSession({
      store: service.messages,
      facts,
      keep: (m) => service.storeMessage({ ...m, sessionId: recorder.summary.id }, recorder),
      forget: (ids) => service.parsed.forget(ids),
      notify: (notification) => feed?.({ type: 'notify', notification }),
    });
    return {
      codec: new ImapServer({
        hostname: settings.hostname,
        version: VERSION,
        credentials: settings.credentials,
        maxLiteralSize: settings.maxMessageSize,
        tlsAvailable: true,
        implicitTls,
      }),
      idleTimeoutMs: o.idleTimeoutMs ?? IMAP_IDLE_TIMEOUT_MS,
      request: (r) => mailbox.serve(r),
      subscribe: (f) => {
        feed = f;
        return () => {
          feed = null;
          mailbox.close();
        };
      },
    };
  });
}
