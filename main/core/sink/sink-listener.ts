// What the SMTP, POP3 and IMAP sinks share: a loopback listener whose every connection gets a
// recorded session and is served through the socket adapter with the sink's TLS mode. Each sink
// supplies only its codec and the hooks that connect it to the store.
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ListenerInfo, Protocol } from '../../../shared/types.js';
import type { SessionRecorder } from '../capture/recorder.js';
import { listen, type Listening } from '../net/listener.js';
import { serveConnection, type ServeOptions } from '../net/connection.js';
import type { MailtapService } from '../service.js';
import { busyGreeting } from '../protocols/busy.js';

export interface SinkOptions {
  name: string;
  host: string;
  port: number;
  tls: 'none' | 'implicit';
  secureContext: () => SecureContext;
}

export interface RunningListener {
  info: ListenerInfo;
  close(): Promise<void>;
}

/** A sink's part of a connection: its codec, idle timeout and store hooks. */
export type SinkConnection = Omit<ServeOptions, 'socket' | 'recorder' | 'secureContext' | 'implicitTls'>;

export async function startSinkListener(
  service: MailtapService,
  protocol: Protocol,
  o: SinkOptions,
  connection: (socket: Socket, recorder: SessionRecorder, implicitTls: boolean) => SinkConnection,
): Promise<RunningListener> {
  const implicitTls = o.tls === 'implicit';
  let l: Listening;
  const onSocket = (socket: Socket): void => {
    const recorder = service.newSession(protocol, 'sink', socket, l);
    void serveConnection({ socket, recorder, secureContext: o.secureContext, implicitTls, ...connection(socket, recorder, implicitTls) });
  };
  // Over the cap, a plaintext listener says so in its protocol (an implicit-TLS one cannot
  // without a handshake, and closes).
  const busy = implicitTls ? undefined : () => busyGreeting(protocol, service.settings.get().smtp.hostname);
  // The cap is a setting (smtp.maxConnections), read at each accept: a change applies at once.
  l = await listen(o.host, o.port, () => service.settings.get().smtp.maxConnections, onSocket, { busy });
  return {
    info: { name: o.name, protocol, role: 'sink', address: l.address, port: l.port, tls: implicitTls ? 'implicit' : 'starttls' },
    close: () => l.close(),
  };
}
