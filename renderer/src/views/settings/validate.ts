// Validation of the settings form. Messages are keyed by a field path ("smtp.maxLineLength").
import type { Settings } from '../../../../shared/types';

export type Errors = Record<string, string>;

function int(errors: Errors, key: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER, why?: string): void {
  if (!Number.isFinite(v) || !Number.isInteger(v)) errors[key] = 'Enter a whole number.';
  else if (v < min) errors[key] = why ?? `At least ${min.toLocaleString('en')}.`;
  else if (v > max) errors[key] = `At most ${max.toLocaleString('en')}.`;
}

export function validateSettings(s: Settings): Errors {
  const e: Errors = {};
  int(e, 'smtp.maxMessageSize', s.smtp.maxMessageSize, 1024, 2 ** 31, 'At least 1 KB: RFC 1870 SIZE must allow real messages.');
  int(e, 'smtp.maxRecipients', s.smtp.maxRecipients, 1, 100_000, 'At least 1 (RFC 5321 §4.5.3.1.8 requires accepting 100).');
  int(e, 'smtp.maxLineLength', s.smtp.maxLineLength, 512, 1_048_576, 'At least 512 octets (RFC 5321 §4.5.3.1.4).');
  int(e, 'smtp.idleTimeoutMs', s.smtp.idleTimeoutMs, 1000, 86_400_000, 'At least 1 second.');
  if (!s.smtp.hostname.trim()) e['smtp.hostname'] = 'The name the server gives in its greeting; it cannot be empty.';
  else if (/\s/.test(s.smtp.hostname)) e['smtp.hostname'] = 'A host name has no spaces.';
  int(e, 'retention.maxMessages', s.retention.maxMessages, 0);
  int(e, 'retention.maxAgeHours', s.retention.maxAgeHours, 0);
  int(e, 'retention.maxSessions', s.retention.maxSessions, 0);
  const seen = new Set<string>();
  s.smtp.credentials.forEach((c, i) => {
    if (!c.user.trim()) e[`smtp.credentials.${i}`] = 'A user name is required.';
    else if (seen.has(c.user)) e[`smtp.credentials.${i}`] = `“${c.user}” is listed twice.`;
    else if (!c.password) e[`smtp.credentials.${i}`] = 'A password is required.';
    seen.add(c.user);
  });
  return e;
}
