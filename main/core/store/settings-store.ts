// Settings live in lowdb (settings.json in the data directory): small, structured, edited by
// the UI and the API. Large or fast-growing data (messages, sessions) is kept elsewhere.
import { JSONFilePreset } from 'lowdb/node';
import type { Low } from 'lowdb';
import { join } from 'node:path';
import type { DeepPartial } from '../../../shared/api.js';
import type { Settings } from '../../../shared/types.js';
import { badRequest } from '../errors.js';
import { validateProxyList } from '../proxy/config.js';
import { settingsErrors } from '../../../shared/settings-rules.js';

export const defaultSettings = (): Settings => ({
  smtp: {
    maxMessageSize: 50 * 1024 * 1024,
    maxRecipients: 1000,
    maxLineLength: 4096,
    idleTimeoutMs: 5 * 60_000,
    credentials: [],
    hostname: 'mailtap.local',
    maxConnections: 1000,
  },
  retention: { maxMessages: 10_000, maxAgeHours: 0, maxSessions: 20_000 },
  ui: { theme: 'system', notifications: true },
  proxies: [],
  tls: { keyLogFile: '', upstreamCaFile: '' },
});

interface Doc {
  settings: Settings;
}

function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (Array.isArray(base) || typeof base !== 'object' || base === null) return patch as T;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (!(k in out)) continue; // unknown keys are ignored, not stored
    out[k] = merge(out[k], v);
  }
  return out as T;
}

/** The shared rules (shared/settings-rules.ts), then the proxy list's; a violation is a 400 naming the setting. */
export function validateSettings(s: Settings): void {
  const broken = Object.entries(settingsErrors(s));
  if (broken.length) throw badRequest(broken.map(([path, why]) => `${path}: ${why}`).join(' '));
  validateProxyList(s.proxies);
}

export class SettingsStore {
  private db!: Low<Doc>;

  constructor(private readonly dataDir: string) {}

  async open(overrides: DeepPartial<Settings> = {}): Promise<void> {
    this.db = await JSONFilePreset<Doc>(join(this.dataDir, 'settings.json'), { settings: defaultSettings() });
    // Settings saved by an older version gain the new keys' defaults.
    this.db.data.settings = merge(defaultSettings(), this.db.data.settings);
    this.overrides = overrides;
  }

  /** Command-line options win over stored settings for this run, without being saved. */
  private overrides: DeepPartial<Settings> = {};

  get(): Settings {
    return merge(this.db.data.settings, this.overrides);
  }

  async update(patch: DeepPartial<Settings>): Promise<Settings> {
    const next = merge(this.db.data.settings, patch);
    validateSettings(next);
    this.db.data.settings = next;
    await this.db.write();
    return this.get();
  }
}
