// The two-sided socket adapter: the proxy's counterpart of connection.ts. It turns a relay
// codec's commands into I/O on two sockets, the client's and the upstream's, and records every
// byte of both legs through one session recorder (leg 'client' and leg 'upstream'), so the
// wire log is the ground truth of what each end sent and received.
import { connect, type Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { Envelope, Micros, TlsMode } from '../../../shared/types.js';
import type { SessionRecorder } from '../capture/recorder.js';
import { nowMicros } from '../clock.js';
import type { Codec, CodecCommand, CodecEvent, DeliveryMeta, Side } from '../protocols/types.js';
import type { DeliveryResult } from './connection.js';
import { clientTls, legOf, upstreamTls } from './relay-tls.js';
import { handleChunk, type SendCommand } from './forward-first.js';
import { tlsInfoOf } from './tls-info.js';
import { ReadGate } from './read-gate.js';
import { destroyAfterGrace, endGently } from './close-gently.js';

export interface RelayOptions {
  client: Socket;
  codec: Codec;
  recorder: SessionRecorder;
  clientTls: TlsMode;
  /** The leaf presented when the client sends no SNI (for the upstream host), and per SNI. */
  defaultContext: SecureContext;
  leafFor: (name: string) => Promise<SecureContext>;
  upstream: { host: string; port: number; tls: TlsMode; verify: boolean; servername: string | null; extraCa: string[] };
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  keyLog: ((line: Buffer) => void) | null;
  deliver: (envelope: Envelope, chunks: Uint8Array[], size: number, meta: DeliveryMeta) => Promise<DeliveryResult>;
}

type By = 'client' | 'server' | 'timeout' | 'error';

/** Relay one client connection until both legs are closed. Never throws: failures are recorded. */
export function relayConnection(o: RelayOptions): Promise<void> {
  const { codec, recorder } = o;
  const sock: Record<Side, Socket | null> = { client: o.client, server: null };
  const tls: Record<Side, boolean> = { client: false, server: false };
  const closed: Record<Side, boolean> = { client: false, server: false };
  const ended: Record<Side, boolean> = { client: false, server: false };
  const told: Record<Side, boolean> = { client: false, server: false };
  let by: By = 'client';
  let reason: string | undefined;

  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished || !closed.client || (sock.server && !closed.server)) return;
      finished = true;
      // A message still being stored is linked to the session before it is closed.
      void Promise.allSettled(deliveries).then(() => {
        if (sock.server) recorder.record([{ kind: 'close', t: nowMicros(), leg: 'upstream', by: closedByUpstream ?? by }]);
        return recorder.end('client', by, reason);
      }).then(resolve, resolve);
    };
    let closedByUpstream: By | undefined;
    const deliveries = new Set<Promise<unknown>>();

    /** Write bytes to one side; returns when they went, or null if that side is done. */
    const write = (c: SendCommand): Micros | null => {
      const s = sock[c.side];
      if (!s || s.destroyed || ended[c.side]) return null;
      const t = nowMicros();
      s.write(c.bytes);
      return t;
    };
    const recordSent = (c: SendCommand, t: Micros): void => void recorder.wire(legOf(c.side), c.side === 'client' ? 's2c' : 'c2s', tls[c.side], c.bytes, t);

    /** Carry out the codec's commands, from `from` on. */
    const run = (cmds: CodecCommand[], from = 0): void => {
      for (let i = from; i < cmds.length; i++) {
        const c = cmds[i]!;
        switch (c.type) {
          case 'send': {
            const t = write(c);
            if (t !== null) recordSent(c, t);
            break;
          }
          case 'close':
            shut(c.side);
            break;
          case 'start-tls':
            if (c.side === 'client') upgradeClient(false);
            else void upgradeUpstream(sock.server!, false);
            break;
          case 'open-upstream':
            openUpstream();
            break;
          case 'record':
            recorder.record([c.event]);
            break;
          case 'deliver': {
            const p = o.deliver(c.envelope, c.chunks, c.size, c.meta).then(
              (r) => handle({ type: 'delivered', id: c.id, ok: r.ok, ...(r.error ? { error: r.error } : {}) }),
              (e: Error) => recorder.notice('error', 'capture', `the message could not be stored: ${e.message}`),
            );
            deliveries.add(p);
            void p.finally(() => deliveries.delete(p));
            break;
          }
          case 'request':
            break;
        }
      }
    };

    const crashed = (err: unknown): void => {
      by = 'error';
      reason = (err as Error).message;
      recorder.notice('error', 'codec-error', `internal error: ${reason}`);
      sock.client?.destroy();
      sock.server?.destroy();
    };

    const handle = (e: CodecEvent): void => {
      try {
        run(codec.handle(e));
      } catch (err) {
        crashed(err);
      }
      checkHeld();
    };

    /** A side whose input the codec keeps waiting for the other is not read past the mark (read-gate.ts). */
    const checkHeld = (): void => {
      if (!codec.heldBytes) return;
      gates.client?.heldBack(codec.heldBytes('client'));
      gates.server?.heldBack(codec.heldBytes('server'));
    };

    /** Half-close: our write side ends; a peer that never closes its side is cut off later. */
    const shut = (side: Side): void => {
      const s = sock[side];
      if (!s || ended[side]) return;
      ended[side] = true;
      endGently(s);
    };

    const gates: Record<Side, ReadGate | null> = { client: null, server: null };
    const attach = (side: Side, s: Socket): void => {
      gates[side]?.dispose();
      const gate = (gates[side] = new ReadGate(s));
      // Forward first, record after (forward-first.ts): the bytes this chunk makes the codec
      // send go out before the chunk and they are recorded, with the times they came and went.
      s.on('data', (bytes: Buffer) => {
        const t = nowMicros();
        handleChunk({
          answer: () => codec.handle({ type: 'data', side, bytes }),
          write,
          recordChunk: () => void recorder.wire(legOf(side), side === 'client' ? 'c2s' : 's2c', tls[side], bytes, t),
          recordSent,
          run,
          crashed,
        });
        // Backpressure both ways (read-gate.ts): a side is not read while what it sent waits
        // for the other. Only for the other: holding a side back until its own socket drains
        // could deadlock with a peer that writes all it has before it reads.
        gate.handled(bytes.length, [side === 'client' ? sock.server : sock.client]);
        checkHeld();
      });
      s.setTimeout(o.idleTimeoutMs, () => {
        by = 'timeout';
        if (side === 'server') closedByUpstream = 'timeout';
        handle({ type: 'timeout', side });
        destroyAfterGrace(s);
      });
    };

    const watch = (side: Side, s: Socket): void => {
      const tell = (): void => {
        if (told[side]) return;
        told[side] = true;
        if (side === 'server') {
          closedByUpstream ??= 'server';
          if (!told.client && by === 'client') by = 'server';
        }
        handle({ type: 'closed', side });
      };
      s.on('end', tell);
      s.on('close', () => {
        tell();
        closed[side] = true;
        if (gates[side]?.socket === s) gates[side]!.dispose();
        if (side === 'client' && !ended.server) shut('server');
        finish();
      });
      s.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') recorder.notice('error', 'socket', err.message, legOf(side));
      });
    };

    /** Each leg's key material goes to the session (SSLKEYLOGFILE export) and to the global file if set. */
    const keyLogOf = (leg: 'client' | 'upstream') => (line: Buffer): void => {
      recorder.keyLog(leg, line);
      o.keyLog?.(line);
    };

    const upgradeClient = (implicit: boolean): void => {
      const raw = sock.client!;
      raw.removeAllListeners('data');
      raw.setTimeout(0);
      const secure = clientTls(raw, o.defaultContext, o.leafFor, keyLogOf('client'));
      sock.client = secure;
      watch('client', secure);
      secure.once('secure', () => {
        tls.client = true;
        const info = { ...tlsInfoOf(secure, 'client', 'server'), sni: (secure as TLSSocket & { servername?: string | false }).servername || null };
        recorder.tls(info);
        attach('client', secure);
        if (implicit) run(codec.start());
        else handle({ type: 'tls-ready', side: 'client', info });
      });
      secure.on('error', (err) => {
        if (!tls.client) {
          by = 'error';
          reason = `TLS handshake with the client failed: ${err.message}`;
          recorder.notice('error', 'tls-handshake', reason, 'client');
          handle({ type: 'tls-failed', side: 'client', error: err.message });
        }
        secure.destroy();
      });
    };

    const upgradeUpstream = async (raw: Socket, implicit: boolean): Promise<void> => {
      raw.removeAllListeners('data');
      raw.setTimeout(0);
      try {
        const { socket, info } = await upstreamTls(raw, { ...o.upstream, keyLog: keyLogOf('upstream') });
        sock.server = socket;
        tls.server = true;
        recorder.tls(info);
        attach('server', socket);
        watch('server', socket);
        handle(implicit ? { type: 'connected', side: 'server' } : { type: 'tls-ready', side: 'server', info });
      } catch (e) {
        const info = (e as Error & { info?: import('../../../shared/types.js').TlsInfo | null }).info;
        if (info) recorder.tls(info);
        upstreamFailed((e as Error).message, implicit);
      }
    };

    const upstreamFailed = (why: string, beforeConnected: boolean): void => {
      by = 'error';
      reason = why;
      closedByUpstream = 'error';
      recorder.notice('error', 'upstream', why, 'upstream');
      handle(beforeConnected ? { type: 'connect-failed', side: 'server', error: why } : { type: 'tls-failed', side: 'server', error: why });
      sock.server?.destroy();
    };

    const openUpstream = (): void => {
      const u = o.upstream;
      const raw = connect({ host: u.host, port: u.port, allowHalfOpen: true });
      sock.server = raw;
      raw.setNoDelay(true);
      const timer = setTimeout(() => raw.destroy(new Error(`no connection within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
      raw.once('error', (e) => {
        clearTimeout(timer);
        if (!raw.remoteAddress || !tls.server) upstreamFailed(`cannot reach ${u.host}:${u.port}: ${e.message}`, true);
      });
      raw.once('close', () => {
        closed.server = true;
        finish();
      });
      raw.once('connect', () => {
        clearTimeout(timer);
        raw.removeAllListeners('error');
        raw.removeAllListeners('close');
        raw.on('error', () => undefined); // reported through the TLS socket or watch() below
        recorder.summary.upstream = { address: raw.remoteAddress ?? u.host, port: raw.remotePort ?? u.port };
        recorder.record([{ kind: 'connect', t: nowMicros(), leg: 'upstream', client: { address: raw.localAddress ?? '', port: raw.localPort ?? 0 }, server: recorder.summary.upstream }]);
        if (u.tls === 'implicit') {
          raw.on('close', () => {
            closed.server = true;
            finish();
          });
          void upgradeUpstream(raw, true);
          return;
        }
        attach('server', raw);
        watch('server', raw);
        handle({ type: 'connected', side: 'server' });
      });
    };

    o.client.setNoDelay(true);
    watch('client', o.client);
    if (o.clientTls === 'implicit') upgradeClient(true);
    else {
      attach('client', o.client);
      run(codec.start());
    }
  });
}
