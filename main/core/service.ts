// The service: the one implementation of the API contract (shared/api.ts). The HTTP server and
// the Electron IPC bridge are transports over it. It owns the stores, the settings and the live
// event stream, and gives the sink and proxy what they need to record sessions and keep mail.
import type { Socket } from 'node:net';
import type { ApiEventEnvelope, ApiEventName, ApiEvents, ApiMethod, ApiParams, ApiResult, DeepPartial, MailtapApi } from '../../shared/api.js';
import type { ListenerInfo, MessageSummary, Protocol, ServerInfo, SessionRole, Settings } from '../../shared/types.js';
import { SessionRecorder } from './capture/recorder.js';
import { nowMicros } from './clock.js';
import { ApiError } from './errors.js';
import { EventCoalescer } from './event-coalescer.js';
import { handlers } from './api-handlers.js';
import { newSessionSummary } from './store/session-summary.js';
import { MessageStore, type NewMessage } from './store/message-store.js';
import { SessionStore } from './store/session-store.js';
import { ReplayResultStore } from './store/replay-results.js';
import { SettingsStore } from './store/settings-store.js';
import { ParsedCache } from './mime-cache.js';
import { Diagnostics } from './diagnostics.js';
import { LocalCa } from './tls/ca.js';
import { ProxyManager } from './proxy/manager.js';
import { replayServersFor } from './replay/service-replay.js';

export const VERSION = '0.1.0';

export interface ServiceOptions {
  dataDir: string;
  settings?: DeepPartial<Settings>;
}

export class MailtapService implements MailtapApi {
  readonly messages: MessageStore;
  readonly sessions: SessionStore;
  /** The diffs of client replays, by the session each run recorded. */
  readonly replayResults: ReplayResultStore;
  readonly settings: SettingsStore;
  readonly parsed: ParsedCache;
  /** The local CA (design.md, "TLS"); opened by open(). */
  ca!: LocalCa;
  /** The proxy listeners (design.md, "The proxy"). */
  readonly proxies = new ProxyManager(this);
  /** Server replays (design.md, "Replay"). */
  readonly replays = replayServersFor(this);
  listeners: ListenerInfo[] = [];
  http: ServerInfo['http'] = { url: '', tokenRequired: false };
  readonly diagnostics = new Diagnostics();
  private readonly events = new EventCoalescer();
  private retentionTimer: NodeJS.Timeout | null = null;
  private pruning = false;

  constructor(readonly opts: ServiceOptions) {
    this.messages = new MessageStore(opts.dataDir);
    this.sessions = new SessionStore(opts.dataDir);
    this.replayResults = new ReplayResultStore(opts.dataDir);
    this.settings = new SettingsStore(opts.dataDir);
    this.parsed = new ParsedCache(this.messages);
    this.messages.onChange = (c) => {
      if (c.type === 'added') this.emit('message.received', c.item);
      else if (c.type === 'updated') this.emit('message.updated', c.item);
      else this.emit('messages.deleted', { ids: c.ids });
    };
    this.sessions.onChange = (c) => {
      if (c.type === 'added') this.emit('session.started', c.item);
      else if (c.type === 'updated') this.emit(c.item.endedAt !== null ? 'session.closed' : 'session.updated', c.item);
      else {
        this.emit('sessions.deleted', { ids: c.ids });
        void this.replayResults.remove(c.ids).catch(() => undefined);
      }
    };
  }

  async open(): Promise<{ recovered: number; dropped: number }> {
    await this.settings.open(this.opts.settings);
    this.ca = await LocalCa.open(this.opts.dataDir);
    const r = await this.messages.open();
    await this.sessions.open();
    await this.replayResults.open((id) => this.sessions.get(id) !== undefined);
    await this.prune();
    this.retentionTimer = setInterval(() => void this.prune(), 60_000);
    this.retentionTimer.unref();
    return r;
  }

  async close(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.proxies.closeAll();
    await this.replays.closeAll();
    this.diagnostics.stop();
    this.events.flushNow();
    await this.sessions.close();
    await this.messages.close();
  }

  // ------------------------------------------------------------ the contract

  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const h = handlers[method];
    if (!h) throw new ApiError(404, 'unknown_method', `unknown method ${String(method)}`);
    return (await h(this, (params ?? {}) as never)) as ApiResult<M>;
  }

  subscribe(listener: (e: ApiEventEnvelope) => void): () => void {
    return this.events.subscribe(listener);
  }

  emit<E extends ApiEventName>(event: E, data: ApiEvents[E]): void {
    this.events.push(event, data);
  }

  info(): ServerInfo {
    return { version: VERSION, dataDir: this.opts.dataDir, listeners: [...this.listeners, ...this.proxies.infos()], http: this.http };
  }

  // ------------------------------------------------------------ for the sink and the proxy

  newSession(protocol: Protocol, role: SessionRole, socket: Socket, server: { address: string; port: number }): SessionRecorder {
    const summary = newSessionSummary(protocol, role, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }, { address: server.address, port: server.port });
    const rec = new SessionRecorder(summary, this.sessions, {
      timeline: (sessionId, events) => this.emit('timeline.appended', { sessionId, events }),
    });
    rec.record([{ kind: 'connect', t: summary.startedAt, leg: 'client', client: summary.client, server: summary.server }]);
    return rec;
  }

  /** Keep a message durably, and link it to the session that carried it. */
  async storeMessage(m: NewMessage, recorder?: SessionRecorder): Promise<MessageSummary> {
    const summary = await this.messages.add(m);
    recorder?.record([{ kind: 'message', t: nowMicros(), messageId: summary.id, size: summary.size }]);
    this.schedulePrune();
    return summary;
  }

  // ------------------------------------------------------------ retention

  private pruneSoon: NodeJS.Timeout | null = null;

  private schedulePrune(): void {
    const r = this.settings.get().retention;
    if (this.pruneSoon || (r.maxMessages === 0 || this.messages.count <= r.maxMessages)) {
      if (this.pruneSoon || r.maxSessions === 0 || this.sessions.count <= r.maxSessions) return;
    }
    this.pruneSoon = setTimeout(() => {
      this.pruneSoon = null;
      void this.prune();
    }, 1000);
    this.pruneSoon.unref();
  }

  /** Delete the oldest messages and sessions beyond the retention settings. */
  async prune(): Promise<void> {
    if (this.pruning) return;
    this.pruning = true;
    try {
      const r = this.settings.get().retention;
      const ids = this.messages.overRetention(r.maxMessages, r.maxAgeHours);
      if (ids.length) await this.messages.delete(ids);
      const sids = this.sessions.overRetention(r.maxSessions);
      if (sids.length) await this.sessions.delete(sids);
    } finally {
      this.pruning = false;
    }
  }
}
