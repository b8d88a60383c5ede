// The proxy listeners: the configured list (saved in settings, plus any given on the command
// line for this run only), and the running ones. Listeners start and stop without a restart;
// every change is announced with the live event `listeners.changed`.
import type { ListenerInfo, ProxyListenerConfig, ProxyListenerState } from '../../../shared/types.js';
import { badRequest, notFound } from '../errors.js';
import type { MailtapService } from '../service.js';
import { normalizeProxyConfig, validateProxyConfig } from './config.js';
import { startProxyListener, type RunningProxy } from './listener.js';

interface Entry {
  config: ProxyListenerConfig;
  /** Kept in settings; false for a --proxy listener, which lasts this run only. */
  saved: boolean;
  running: RunningProxy | null;
  error: string | null;
}

/** The fields an update may change (not the name, which is the listener's key). */
const EDITABLE = new Set<string>(['protocol', 'listenHost', 'listenPort', 'clientTls', 'upstreamHost', 'upstreamPort', 'upstreamTls', 'verifyUpstream', 'servername', 'enabled', 'maxConnections'] satisfies (keyof ProxyListenerConfig)[]);

function withDefaults(saved: ProxyListenerConfig): ProxyListenerConfig {
  try {
    return normalizeProxyConfig(saved);
  } catch {
    return saved; // settings were checked when saved; starting it will say what is wrong
  }
}

export class ProxyManager {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly service: MailtapService) {}

  /** Load the saved listeners and this run's own, then start the enabled ones. */
  async open(runOnly: ProxyListenerConfig[] = []): Promise<void> {
    // Saved before a field existed, a listener gets its default (maxConnections).
    for (const saved of this.service.settings.get().proxies) this.entries.set(saved.name, { config: withDefaults(saved), saved: true, running: null, error: null });
    for (const config of runOnly) this.entries.set(config.name, { config, saved: false, running: null, error: null });
    for (const e of this.entries.values()) if (e.config.enabled) await this.run(e);
    this.changed();
  }

  list(): ProxyListenerState[] {
    return [...this.entries.values()].map((e) => this.state(e));
  }

  /** The running ones, for server.info. */
  infos(): ListenerInfo[] {
    return [...this.entries.values()]
      .filter((e) => e.running)
      .map((e) => ({ name: e.config.name, protocol: e.config.protocol, role: 'proxy', address: e.running!.address, port: e.running!.port, tls: e.config.clientTls }));
  }

  async create(p: Partial<ProxyListenerConfig>): Promise<ProxyListenerState> {
    if (p.name && this.entries.has(p.name)) throw badRequest(`a listener named ${p.name} exists`);
    const config = normalizeProxyConfig(p, [...this.entries.keys()]);
    const e: Entry = { config, saved: true, running: null, error: null };
    this.entries.set(config.name, e);
    await this.persist();
    if (config.enabled) await this.run(e);
    this.changed();
    return this.state(e);
  }

  async update(name: string, patch: Partial<ProxyListenerConfig>): Promise<ProxyListenerState> {
    const e = this.get(name);
    const next = { ...e.config } as Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) if (EDITABLE.has(k) && v !== undefined) next[k] = v;
    const config = normalizeProxyConfig(next as Partial<ProxyListenerConfig>);
    validateProxyConfig(config);
    const wasRunning = !!e.running;
    await this.halt(e);
    e.config = config;
    await this.persist();
    if (wasRunning || (patch.enabled === true && config.enabled)) await this.run(e);
    this.changed();
    return this.state(e);
  }

  async remove(name: string): Promise<boolean> {
    const e = this.entries.get(name);
    if (!e) return false;
    await this.halt(e);
    this.entries.delete(name);
    await this.persist();
    this.changed();
    return true;
  }

  async start(name: string): Promise<ProxyListenerState> {
    const e = this.get(name);
    e.config = { ...e.config, enabled: true };
    await this.persist();
    if (!e.running) await this.run(e);
    this.changed();
    return this.state(e);
  }

  async stop(name: string): Promise<ProxyListenerState> {
    const e = this.get(name);
    e.config = { ...e.config, enabled: false };
    await this.persist();
    await this.halt(e);
    this.changed();
    return this.state(e);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => this.halt(e)));
  }

  private get(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw notFound(`listener ${name}`);
    return e;
  }

  /** Start one; a failure (port taken, say) is kept in its state rather than thrown. */
  private async run(e: Entry): Promise<void> {
    try {
      e.running = await startProxyListener(this.service, e.config);
      e.error = null;
    } catch (err) {
      e.running = null;
      e.error = (err as Error).message;
    }
  }

  private async halt(e: Entry): Promise<void> {
    const r = e.running;
    e.running = null;
    if (r) await r.close();
  }

  /** Tell the GUI (live event `listeners.changed`): a start that failed is a change too. */
  private changed(): void {
    this.service.emit('listeners.changed', { listeners: this.list() });
  }

  private async persist(): Promise<void> {
    const saved = [...this.entries.values()].filter((e) => e.saved).map((e) => e.config);
    await this.service.settings.update({ proxies: saved });
  }

  private state(e: Entry): ProxyListenerState {
    return { ...e.config, running: !!e.running, boundPort: e.running?.port ?? null, error: e.error };
  }
}
