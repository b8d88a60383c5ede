// Running server replays: each listens on a port and serves a captured session's server side
// to every client that connects, through the one socket adapter (net/connection.ts), so each
// connection is recorded as a replay session linked to its source.
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ReplayServerState, SessionSummary, TimelineEvent, TlsMode } from '../../../shared/types.js';
import type { SessionRecorder } from '../capture/recorder.js';
import { serveConnection } from '../net/connection.js';
import { listen, type Listening } from '../net/listener.js';
import { newId } from '../store/ids.js';
import { newSessionSummary } from '../store/session-summary.js';
import { ServerReplayCodec } from './server-codec.js';
import { buildServerScript, type ServerScript } from './server-script.js';
import type { SessionSource } from './source.js';

export interface ReplayServerEnv {
  record(summary: SessionSummary, onTimeline: (events: TimelineEvent[]) => void): SessionRecorder;
  /** The certificate presented for STARTTLS and implicit TLS: a leaf of the local CA. */
  secureContext(): SecureContext;
}

export interface ServeReplayOptions {
  host?: string;
  port?: number;
  /** auto: as recorded (implicit TLS if the recording was). */
  tls?: TlsMode | 'auto';
  idleTimeoutMs?: number;
}

interface Running {
  state: ReplayServerState;
  listening: Listening;
  live: Set<Promise<void>>;
}

const MAX_CONNECTIONS = 100;

export class ReplayServers {
  private readonly running = new Map<string, Running>();

  constructor(private readonly env: ReplayServerEnv) {}

  async start(src: SessionSource, o: ServeReplayOptions = {}): Promise<ReplayServerState> {
    const script = buildServerScript(src.summary.protocol, src.wire);
    if (script.turns.length === 0 || !src.wire.length) throw new Error(`session ${src.summary.id} has no wire log to replay`);
    const implicit = o.tls === 'implicit' || ((o.tls ?? 'auto') === 'auto' && script.implicit);
    const id = newId();
    const live = new Set<Promise<void>>();
    const state: ReplayServerState = { id, sessionId: src.summary.id, protocol: src.summary.protocol, address: '', port: 0, tls: implicit ? 'implicit' : script.turns.some((t) => t.tlsAfter) ? 'starttls' : 'none', connections: 0, mismatches: 0 };
    let listening: Listening;
    const onSocket = (socket: Socket): void => {
      state.connections++;
      const p = this.serveOne(socket, src, script, state, listening, implicit, o.idleTimeoutMs ?? 300_000);
      live.add(p);
      void p.finally(() => live.delete(p));
    };
    listening = await listen(o.host ?? '127.0.0.1', o.port ?? 0, MAX_CONNECTIONS, onSocket);
    state.address = listening.address;
    state.port = listening.port;
    this.running.set(id, { state, listening, live });
    return { ...state };
  }

  private serveOne(socket: Socket, src: SessionSource, script: ServerScript, state: ReplayServerState, l: Listening, implicit: boolean, idleTimeoutMs: number): Promise<void> {
    const client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const summary = newSessionSummary(src.summary.protocol, 'replay', client, { address: l.address, port: l.port }, src.summary.id);
    const recorder = this.env.record(summary, () => undefined);
    recorder.record([{ kind: 'connect', t: summary.startedAt, leg: 'client', client: summary.client, server: summary.server }]);
    const codec = new ServerReplayCodec(script, {
      mismatch: (expected, got) => {
        state.mismatches++;
        recorder.notice('warning', 'replay-mismatch', `${got.text} does not match the recording (${expected ? `expected ${expected}` : 'the dialogue has ended'}); answered with an error`, 'client');
      },
    });
    return serveConnection({ socket, codec, recorder, secureContext: () => this.env.secureContext(), implicitTls: implicit, idleTimeoutMs });
  }

  list(): ReplayServerState[] {
    return [...this.running.values()].map((r) => ({ ...r.state }));
  }

  get(id: string): ReplayServerState | undefined {
    const r = this.running.get(id);
    return r ? { ...r.state } : undefined;
  }

  /** Stop listening and close its connections; their sessions end as recorded. */
  async stop(id: string): Promise<boolean> {
    const r = this.running.get(id);
    if (!r) return false;
    this.running.delete(id);
    await r.listening.close();
    await Promise.allSettled([...r.live]);
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }
}
