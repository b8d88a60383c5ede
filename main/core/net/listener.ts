import { createServer, type Server, type Socket } from 'node:net';
import { endGently } from './close-gently.js';

export interface Listening {
  server: Server;
  address: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** The proxy passes a half-close on to the other leg instead of ending at once. */
  allowHalfOpen?: boolean;
  /**
   * What a connection over the cap is told before it is closed (busy.ts), where the protocol
   * speaks first in plaintext; without it, such a connection is closed at once.
   */
  busy?: () => Uint8Array;
}

/**
 * Listen on host:port (0 = ephemeral) with a connection cap, read at each accept when it is a
 * function (a setting that can change while the listener runs); resolves once bound.
 */
export function listen(host: string, port: number, maxConnections: number | (() => number), onSocket: (s: Socket) => void, opts: ListenOptions = {}): Promise<Listening> {
  const sockets = new Set<Socket>();
  const cap = typeof maxConnections === 'function' ? maxConnections : () => maxConnections;
  const server = createServer({ allowHalfOpen: opts.allowHalfOpen ?? false }, (s) => {
    if (sockets.size >= cap()) return refuse(s, opts.busy);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      const a = server.address();
      if (!a || typeof a === 'string') return reject(new Error('no address'));
      resolve({
        server,
        address: a.address,
        port: a.port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

/** A connection over the cap: told so, if the protocol allows, and closed. */
function refuse(s: Socket, busy: (() => Uint8Array) | undefined): void {
  s.on('error', () => undefined);
  if (!busy) return void s.destroy();
  endGently(s, busy());
}
