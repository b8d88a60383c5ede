// The rules every setting must keep, in one place for both ends of the API: the server refuses
// a settings update that breaks one (400, naming the field), and the settings form shows each
// broken rule next to its field before it lets the user save. Two copies of these rules had
// drifted apart (the form took a host name the server refused, and refused recipient limits
// the server took), so there is now one. The proxy list has its own rules, checked by the
// server (main/core/proxy/config.ts) and by the proxy form.
import type { Settings } from './types.js';

/** Broken rules keyed by the setting's path ("smtp.maxLineLength"), each with a sentence for the user. */
export type SettingsErrors = Record<string, string>;

/** The bounds of each numeric setting. */
export const SETTING_BOUNDS = {
  // RFC 1870 SIZE: real messages must fit; 2 GiB is about what one Buffer can hold.
  'smtp.maxMessageSize': [1024, 2 ** 31],
  // RFC 5321 §4.5.3.1.8 asks a server to take 100 recipients; a lower limit is allowed so that
  // an app's handling of 452 can be tested.
  'smtp.maxRecipients': [1, 1_000_000],
  'smtp.maxLineLength': [512, 1_048_576], // RFC 5321 §4.5.3.1.4: at least 512
  'smtp.idleTimeoutMs': [1000, 86_400_000],
  'smtp.maxConnections': [1, 100_000],
  'retention.maxMessages': [0, 10_000_000],
  'retention.maxAgeHours': [0, 24 * 365 * 10],
  'retention.maxSessions': [0, 10_000_000],
} as const satisfies Record<string, readonly [number, number]>;

type Bounded = keyof typeof SETTING_BOUNDS;

/** A proxy listener's maxConnections: its bounds, and what a listener holds unless told (1,000 held sessions must fit). */
export const PROXY_CONNECTIONS = { min: 1, max: 100_000, default: 4096 } as const;

/** What to say when a value is under the minimum, where the reason is worth giving. */
const UNDER: Partial<Record<Bounded, string>> = {
  'smtp.maxMessageSize': 'At least 1 KB: RFC 1870 SIZE must allow real messages.',
  'smtp.maxLineLength': 'At least 512 octets (RFC 5321 §4.5.3.1.4).',
  'smtp.idleTimeoutMs': 'At least 1 second.',
};

const HOST_NAME = /^[A-Za-z0-9.-]{1,253}$/;

function valueAt(s: Settings, path: Bounded): unknown {
  const [group, key] = path.split('.') as [keyof Settings, string];
  return (s[group] as unknown as Record<string, unknown> | undefined)?.[key];
}

/** Every rule `s` breaks; empty when it may be saved. */
export function settingsErrors(s: Settings): SettingsErrors {
  const e: SettingsErrors = {};
  for (const [path, [min, max]] of Object.entries(SETTING_BOUNDS) as [Bounded, readonly [number, number]][]) {
    const v = valueAt(s, path);
    if (typeof v !== 'number' || !Number.isInteger(v)) e[path] = 'Enter a whole number.';
    else if (v < min) e[path] = UNDER[path] ?? `At least ${min.toLocaleString('en')}.`;
    else if (v > max) e[path] = `At most ${max.toLocaleString('en')}.`;
  }
  const host = s.smtp?.hostname;
  if (typeof host !== 'string' || !host.trim()) e['smtp.hostname'] = 'The name the server gives in its greeting; it cannot be empty.';
  else if (!HOST_NAME.test(host)) e['smtp.hostname'] = 'A host name: letters, digits, dots and hyphens, no spaces.';
  const creds = s.smtp?.credentials;
  if (!Array.isArray(creds)) e['smtp.credentials'] = 'A list of user names and passwords.';
  else {
    const seen = new Set<string>();
    creds.forEach((c, i) => {
      const user: unknown = c?.user;
      if (typeof user !== 'string' || !user.trim()) e[`smtp.credentials.${i}`] = 'A user name is required.';
      else if (seen.has(user)) e[`smtp.credentials.${i}`] = `“${user}” is listed twice.`;
      else if (typeof c.password !== 'string' || !c.password) e[`smtp.credentials.${i}`] = 'A password is required.';
      if (typeof user === 'string') seen.add(user);
    });
  }
  if (!['system', 'light', 'dark'].includes(s.ui?.theme)) e['ui.theme'] = 'System, light or dark.';
  if (typeof s.ui?.notifications !== 'boolean') e['ui.notifications'] = 'On or off.';
  if (typeof s.tls?.keyLogFile !== 'string') e['tls.keyLogFile'] = 'A file path, or empty for off.';
  if (typeof s.tls?.upstreamCaFile !== 'string') e['tls.upstreamCaFile'] = 'A file path, or empty for none.';
  return e;
}
