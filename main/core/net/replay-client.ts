// The socket adapter of a client replay: mailtap as the client of a target server. It connects
// (with TLS at once for implicit TLS, RFC 8314), upgrades when told (STARTTLS), writes what the
// replay engine sends, hands it what the target answers, and records every byte both ways, as
// connection.ts does for the sink, so the replay run is a captured session like any other.
import { connect, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Endpoint, TlsInfo } from '../../../shared/types.js';
import type { SessionRecorder } from '../capture/recorder.js';
import { upstreamTls } from './relay-tls.js';
import { CLOSE_GRACE_MS, endGently } from './close-gently.js';

export interface ClientLinkOptions {
  host: string;
  port: number;
  implicitTls: boolean;
  /** Verify the target's certificate (system CAs plus extraCa). */
  verify: boolean;
  servername: string | null;
  extraCa: string[];
  connectTimeoutMs: number;
}

export interface ClientLinkHandlers {
  data(bytes: Buffer): void;
  tlsReady(): void;
  tlsFailed(error: string): void;
  closed(): void;
}

const isIp = (h: string): boolean => /^[\d.]+$/.test(h) || h.includes(':');

export class ClientLink {
  private h: ClientLinkHandlers | null = null;
  private rec: SessionRecorder | null = null;
  private closedOnce = false;

  private constructor(
    private sock: Socket,
    private tls: boolean,
    private readonly o: ClientLinkOptions,
    private tlsInfo: TlsInfo | null,
  ) {}

  /** Connect, and for implicit TLS shake hands; rejects with a readable reason. */
  static async open(o: ClientLinkOptions): Promise<ClientLink> {
    const raw = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: o.host, port: o.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connecting to ${o.host}:${o.port} timed out after ${o.connectTimeoutMs} ms`));
      }, o.connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.on('error', () => undefined); // reported by 'close' once attached
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${o.host}:${o.port}: ${e.message}`));
      });
    });
    raw.setNoDelay(true);
    if (!o.implicitTls) return new ClientLink(raw, false, o, null);
    const { socket, info } = await ClientLink.handshake(raw, o).catch((e: Error) => {
      raw.destroy();
      throw e;
    });
    return new ClientLink(socket, true, o, info);
  }

  private static async handshake(raw: Socket, o: ClientLinkOptions): Promise<{ socket: TLSSocket; info: TlsInfo }> {
    const servername = o.servername ?? (isIp(o.host) ? null : o.host);
    const r = await upstreamTls(raw, { servername, verify: o.verify, extraCa: o.extraCa, keyLog: null });
    // In a replay session mailtap is the client on the session's own (client) leg.
    return { socket: r.socket, info: { ...r.info, leg: 'client' } };
  }

  get local(): Endpoint {
    return { address: this.sock.localAddress ?? '', port: this.sock.localPort ?? 0 };
  }

  get remote(): Endpoint {
    return { address: this.sock.remoteAddress ?? this.o.host, port: this.sock.remotePort ?? this.o.port };
  }

  /** Start recording and delivering events. */
  attach(recorder: SessionRecorder, h: ClientLinkHandlers): void {
    this.rec = recorder;
    this.h = h;
    if (this.tlsInfo) recorder.tls(this.tlsInfo);
    this.listen(this.sock);
  }

  private readonly onData = (b: Buffer): void => {
    this.rec?.wire('client', 's2c', this.tls, b);
    this.h?.data(b);
  };

  private readonly onClose = (): void => {
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.h?.closed();
  };

  private listen(s: Socket): void {
    s.on('data', this.onData);
    s.on('close', this.onClose);
    s.on('end', () => s.end());
    s.on('error', () => undefined); // 'close' follows
  }

  send(bytes: Buffer): void {
    if (this.sock.destroyed || this.closedOnce) return;
    this.rec?.wire('client', 'c2s', this.tls, bytes);
    this.sock.write(bytes);
  }

  /** STARTTLS: wrap the socket in client-side TLS; handlers hear tlsReady or tlsFailed. */
  startTls(): void {
    const raw = this.sock;
    raw.removeListener('data', this.onData);
    raw.removeListener('close', this.onClose);
    ClientLink.handshake(raw, this.o).then(
      ({ socket, info }) => {
        this.sock = socket;
        this.tls = true;
        this.rec?.tls(info);
        this.listen(socket);
        this.h?.tlsReady();
      },
      (e: Error) => {
        raw.on('close', this.onClose);
        this.h?.tlsFailed(e.message);
        raw.destroy();
      },
    );
  }

  /** Close our side; a target that never closes its own is cut off after graceMs. */
  end(graceMs = CLOSE_GRACE_MS): void {
    if (this.sock.destroyed) return;
    endGently(this.sock, undefined, graceMs);
  }

  destroy(): void {
    this.sock.destroy();
  }
}
