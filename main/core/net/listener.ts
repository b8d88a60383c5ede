import { createServer, type Server, type Socket } from 'node:net';

export interface Listening {
  server: Server;
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Listen on host:port (0 = ephemeral) with a connection cap; resolves once bound. */
export function listen(host: string, port: number, maxConnections: number, onSocket: (s: Socket) => void, opts: { allowHalfOpen?: boolean } = {}): Promise<Listening> {
  const sockets = new Set<Socket>();
  // allowHalfOpen: the proxy passes a half-close on to the other leg instead of ending at once.
  const server = createServer({ allowHalfOpen: opts.allowHalfOpen ?? false }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  server.maxConnections = maxConnections;
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
