// Settings live in lowdb (settings.json in the data directory): small, structured, edited by
// the UI and the API. Large or fast-growing data (messages, sessions) is kept elsewhere.
import { JSONFilePreset } from 'lowdb/node';
import type { Low } from 'lowdb';
import { join } from 'node:path';
import type { DeepPartial } from '../../../shared/api.js';
import type { Settings } from '../../../shared/types.js';
import { badRequest } from '../errors.js';
import { validateProxyList } from '../proxy/config.js';

export const defaultSettings = (): Settings => ({
  smtp: {
    maxMessageSize: 50 * 1024 * 1024,
    maxRecipients: 1000,
    maxLineLength: 4096,
    idleTimeoutMs: 5 * 60_000,
    credentials: [],
    hostname: 'mailtap.local',
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

/** Every rule a setting must keep; a violation is a 400 with the reason. */
export function validateSettings(s: Settings): void {
  const int = (v: unknown, name: string, min: number, max: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw badRequest(`${name} must be an integer from ${min} to ${max}`);
  };
  int(s.smtp.maxMessageSize, 'smtp.maxMessageSize', 1024, 2 ** 40);
  int(s.smtp.maxRecipients, 'smtp.maxRecipients', 100, 1_000_000); // RFC 5321 §4.5.3.1.8: at least 100
  int(s.smtp.maxLineLength, 'smtp.maxLineLength', 512, 1_048_576); // RFC 5321 §4.5.3.1.4: at least 512
  int(s.smtp.idleTimeoutMs, 'smtp.idleTimeoutMs', 1000, 86_400_000);
  if (!Array.isArray(s.smtp.credentials) || s.smtp.credentials.some((c) => typeof c?.user !== 'string' || !c.user || typeof c.password !== 'string'))
    throw badRequest('smtp.credentials must be a list of {user, password} with a non-empty user');
  if (typeof s.smtp.hostname !== 'string' || !/^[A-Za-z0-9.-]{1,253}$/.test(s.smtp.hostname)) throw badRequest('smtp.hostname must be a host name');
  int(s.retention.maxMessages, 'retention.maxMessages', 0, 10_000_000);
  int(s.retention.maxAgeHours, 'retention.maxAgeHours', 0, 24 * 365 * 10);
  int(s.retention.maxSessions, 'retention.maxSessions', 0, 10_000_000);
  if (!['system', 'light', 'dark'].includes(s.ui.theme)) throw badRequest('ui.theme must be system, light or dark');
  if (typeof s.ui.notifications !== 'boolean') throw badRequest('ui.notifications must be true or false');
  validateProxyList(s.proxies);
  if (typeof s.tls.keyLogFile !== 'string') throw badRequest('tls.keyLogFile must be a file path, or empty for off');
  if (typeof s.tls.upstreamCaFile !== 'string') throw badRequest('tls.upstreamCaFile must be a file path, or empty for none');
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
