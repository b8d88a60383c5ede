// The socket adapter: the one place where a codec's commands become socket I/O. It feeds the
// codec's events from the socket, writes what the codec sends, upgrades to TLS when told, hands
// deliveries to the store, and records every byte both ways through the session recorder.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Envelope, Leg, Micros } from '../../../shared/types.js';
import type { SessionRecorder } from '../capture/recorder.js';
import type { Codec, CodecCommand, CodecEvent, DeliveryMeta } from '../protocols/types.js';
import { tlsInfoOf } from './tls-info.js';
import { nowMicros } from '../clock.js';
import { handleChunk } from './forward-first.js';
import { READ_HIGH_WATER, ReadGate, whenDrained } from './read-gate.js';
import { endGently } from './close-gently.js';

export interface DeliveryResult {
  ok: boolean;
  messageId?: string;
  /** Size of the stored message, for the timeline's "message captured" event. */
  size?: number;
  error?: string;
}

export interface ServeOptions {
  socket: Socket;
  codec: Codec;
  recorder: SessionRecorder;
  /** For STARTTLS and implicit TLS, in the server role. */
  secureContext?: () => SecureContext;
  /** The socket is to be wrapped in TLS before the codec starts (SMTPS, POP3S, IMAPS). */
  implicitTls?: boolean;
  idleTimeoutMs: number;
  deliver?: (envelope: Envelope, chunks: Uint8Array[], size: number, meta: DeliveryMeta) => Promise<DeliveryResult>;
  /** Serves the codec's `request` commands (see protocols/types.ts). */
  request?: (request: unknown) => Promise<unknown>;
  /**
   * Lets the host push events to the codec unasked (`notify`, e.g. new mail for an IMAP client
   * in IDLE). Called once the connection is served, with a function that feeds one event to
   * the codec and runs what it answers; the returned function is called when it closes.
   */
  subscribe?: (feed: (event: CodecEvent) => void) => () => void;
}

/** Serve one client connection until it closes. Never throws: failures are recorded. */
export function serveConnection(o: ServeOptions): Promise<void> {
  const leg: Leg = 'client';
  const { codec, recorder } = o;
  let sock: Socket = o.socket;
  let tls = false;
  let closing = false;
  let closedBy: 'client' | 'server' | 'timeout' | 'error' = 'client';
  let closeReason: string | undefined;

  return new Promise<void>((resolve) => {
    /** Write bytes the codec sends; returns when they went, or null if the socket is done. */
    const write = (bytes: Uint8Array): Micros | null => {
      if (closing || sock.destroyed) return null;
      const t = nowMicros();
      sock.write(bytes);
      return t;
    };

    /** Carry out the codec's commands, from `from` on. */
    const run = (cmds: CodecCommand[], from = 0): void => {
      for (let i = from; i < cmds.length; i++) {
        const c = cmds[i]!;
        switch (c.type) {
          case 'send': {
            const t = write(c.bytes);
            if (t !== null) recorder.wire(leg, 's2c', tls, c.bytes, t);
            break;
          }
          case 'close':
            if (!closing) {
              closing = true;
              if (closedBy === 'client') closedBy = 'server';
              endGently(sock);
            }
            break;
          case 'start-tls':
            upgrade(false);
            break;
          case 'deliver':
            deliver(c);
            break;
          case 'record':
            recorder.record([c.event]);
            break;
          case 'request':
            ask(c.id, c.request);
            break;
          case 'open-upstream':
            break; // a sink has no upstream
        }
      }
    };

    /** A codec bug must not take the process down: record it and hang up. */
    const crashed = (err: unknown): void => {
      closedBy = 'error';
      closeReason = (err as Error).message;
      recorder.notice('error', 'codec-error', `internal error: ${(err as Error).message}`, leg);
      sock.destroy();
    };

    const handle = (e: CodecEvent): void => {
      try {
        run(codec.handle(e));
      } catch (err) {
        crashed(err);
      }
      gate?.heldBack(codec.heldBytes?.('client') ?? 0);
    };

    const deliver = (c: Extract<CodecCommand, { type: 'deliver' }>): void => {
      const p: Promise<DeliveryResult> = o.deliver ? o.deliver(c.envelope, c.chunks, c.size, c.meta) : Promise.resolve({ ok: false, error: 'no store' });
      p.catch((err: Error) => ({ ok: false, error: err.message }) as DeliveryResult).then((r) => {
        handle({ type: 'delivered', id: c.id, ok: r.ok, ...(r.messageId ? { messageId: r.messageId } : {}), ...(r.error ? { error: r.error } : {}) });
        // After the reply went out, so the timeline reads DATA → 250 → message captured.
        if (r.ok && r.messageId) recorder.record([{ kind: 'message', t: nowMicros(), messageId: r.messageId, size: r.size ?? c.size }]);
      });
    };

    const ask = (id: number, request: unknown): void => {
      const go = (): void => {
        const p = o.request ? o.request(request) : Promise.reject(new Error('no request handler'));
        p.then(
          (value) => handle({ type: 'response', id, ok: true, value }),
          (err: Error) => handle({ type: 'response', id, ok: false, error: err.message }),
        );
      };
      // A command that streams its answer asks for it batch by batch (IMAP's FETCH 1:* BODY[]):
      // the next batch is not read from the store while the client has not taken the last
      // (read-gate.ts), so a slow client cannot make us queue a whole mailbox.
      if (!sock.destroyed && sock.writableLength > READ_HIGH_WATER) whenDrained(sock, go);
      else go();
    };

    // Answer first, record after (forward-first.ts): the replies to a chunk are written before
    // the chunk and the replies are recorded (and dissected), so recording adds nothing to the
    // client's round trip.
    const onData = (bytes: Buffer): void => {
      const t = nowMicros();
      handleChunk({
        answer: () => codec.handle({ type: 'data', side: 'client', bytes }),
        write: (c) => write(c.bytes),
        recordChunk: () => void recorder.wire(leg, 'c2s', tls, bytes, t),
        recordSent: (c, at) => void recorder.wire(leg, 's2c', tls, c.bytes, at),
        run,
        crashed,
      });
      // A client that sends without reading our replies is not read either (read-gate.ts), nor
      // one whose input waits, past the mark, for a message to be stored or a request answered.
      gate?.handled(bytes.length, [sock]);
      gate?.heldBack(codec.heldBytes?.('client') ?? 0);
    };

    let gate: ReadGate | null = null;
    const attach = (s: Socket): void => {
      gate?.dispose();
      gate = new ReadGate(s);
      s.on('data', onData);
      s.setTimeout(o.idleTimeoutMs, () => {
        closedBy = 'timeout';
        handle({ type: 'timeout', side: 'client' });
        if (!closing) s.destroy();
      });
    };

    const upgrade = (implicit: boolean): void => {
      if (!o.secureContext) {
        handle({ type: 'tls-failed', side: 'client', error: 'no TLS certificate configured' });
        return;
      }
      const raw = sock;
      raw.removeListener('data', onData);
      raw.setTimeout(0);
      const secure = new TLSSocket(raw, { isServer: true, secureContext: o.secureContext() });
      // The session keeps its own key material, for the SSLKEYLOGFILE export.
      secure.on('keylog', (line: Buffer) => recorder.keyLog(leg, line));
      sock = secure;
      secure.once('secure', () => {
        tls = true;
        const info = tlsInfoOf(secure, 'client', 'server');
        recorder.tls(info);
        attach(secure);
        if (implicit) run(codec.start());
        else handle({ type: 'tls-ready', side: 'client', info });
      });
      secure.on('error', (err) => {
        if (!tls) {
          closedBy = 'error';
          closeReason = `TLS handshake failed: ${err.message}`;
          recorder.notice('error', 'tls-handshake', closeReason, leg);
          handle({ type: 'tls-failed', side: 'client', error: err.message });
        }
        secure.destroy();
      });
      secure.on('close', finish);
    };

    let unsubscribe: (() => void) | null = null;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      unsubscribe?.();
      gate?.dispose();
      try {
        codec.handle({ type: 'closed', side: 'client' });
      } catch {
        /* closing anyway */
      }
      void recorder.end(leg, closedBy, closeReason).then(resolve, resolve);
    };

    o.socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') {
        closedBy = 'error';
        closeReason = err.message;
      } else closeReason = err.code;
    });
    o.socket.on('close', finish);
    o.socket.on('end', () => {
      // The client half-closed: answer what is pending, then close our side too.
      if (!closing) {
        closing = true;
        sock.end();
      }
    });
    o.socket.setNoDelay(true);
    if (o.subscribe) unsubscribe = o.subscribe((e) => {
      if (!finished) handle(e);
    });

    if (o.implicitTls) upgrade(true);
    else {
      attach(o.socket);
      run(codec.start());
    }
  });
}
