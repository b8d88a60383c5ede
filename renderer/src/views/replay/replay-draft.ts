// The "Replay against…" form as plain data: its defaults (the sink's own listener for the
// session's protocol, or a proxy session's upstream), its checks, and the replay.run options.
import type { ReplayRules, ReplayRunOptions, ServerInfo, SessionSummary, TlsMode } from '../../../../shared/types';

export type RuleName = keyof Omit<ReplayRules, 'patterns'>;

export const RULES: Array<{ name: RuleName; label: string; hint: string }> = [
  { name: 'hostnames', label: 'Host names and IPs', hint: 'mailtap.local → <host>, 127.0.0.1 → <ip>' },
  { name: 'dates', label: 'Dates', hint: 'RFC 5322, IMAP and ISO dates → <date>' },
  { name: 'messageIds', label: 'Message ids', hint: '<…@…> → <msgid>, APOP timestamps too' },
  { name: 'queueIds', label: 'Queue ids', hint: '“queued as ABC123” → <id>' },
  { name: 'challenges', label: 'SASL challenges', hint: 'CRAM-MD5’s base64 <…> → <challenge>' },
];

export interface ReplayDraft {
  target: string;
  tls: TlsMode | 'auto';
  pace: 'fast' | 'original';
  verify: boolean;
  servername: string;
  substitute: boolean;
  user: string;
  password: string;
  rules: Record<RuleName, boolean>;
  patterns: string[];
  timeoutSec: string;
}

export interface DraftErrors {
  target?: string;
  timeoutSec?: string;
  /** By index into draft.patterns. */
  patterns: Record<number, string>;
}

const hostPort = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;
const loopbackOf = (address: string) => (address === '0.0.0.0' || address === '::' || !address ? '127.0.0.1' : address);

/** Where a replay goes by default: the listener that recorded a sink session, else the sink's own
 * plain/STARTTLS listener for the protocol; a proxy session's upstream. */
export function defaultTarget(s: SessionSummary, info: ServerInfo | null): string {
  if (s.role === 'proxy' && s.upstream) return hostPort(s.upstream.address, s.upstream.port);
  const sinks = (info?.listeners ?? []).filter((l) => l.protocol === s.protocol && l.role === 'sink');
  const same = sinks.find((l) => l.port === s.server.port);
  const l = same ?? sinks.find((x) => x.tls !== 'implicit') ?? sinks[0];
  if (l) return hostPort(loopbackOf(l.address), l.port);
  return hostPort(loopbackOf(s.server.address), s.server.port);
}

export function initialDraft(s: SessionSummary, info: ServerInfo | null, last?: ReplayRunOptions): ReplayDraft {
  const rules = Object.fromEntries(RULES.map((r) => [r.name, last?.rules?.[r.name] ?? true])) as Record<RuleName, boolean>;
  return {
    target: last?.target ?? defaultTarget(s, info),
    tls: last?.tls ?? 'auto',
    pace: last?.pace ?? 'fast',
    verify: last?.verify ?? false,
    servername: last?.servername ?? '',
    substitute: Boolean(last?.credentials),
    user: last?.credentials?.user ?? s.user ?? '',
    password: last?.credentials?.password ?? '',
    rules,
    patterns: [...(last?.rules?.patterns ?? [])],
    timeoutSec: last?.timeoutMs ? String(last.timeoutMs / 1000) : '15',
  };
}

const TARGET = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Why a pattern is not a JavaScript regular expression, or null; the server compiles it with "g". */
export function patternError(p: string): string | null {
  if (!p) return 'Empty: remove it or write a pattern.';
  try {
    new RegExp(p, 'g');
    return null;
  } catch (e) {
    // "Invalid regular expression: /(x/g: Unterminated group" → "Unterminated group".
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

export function validateDraft(d: ReplayDraft): DraftErrors {
  const errors: DraftErrors = { patterns: {} };
  const m = TARGET.exec(d.target.trim());
  if (!d.target.trim()) errors.target = 'A target host:port is required.';
  else if (!m) errors.target = 'Write it as host:port, or [v6]:port.';
  else if (Number(m[1]) < 1 || Number(m[1]) > 65535) errors.target = 'The port is from 1 to 65535.';
  const t = Number(d.timeoutSec);
  if (!d.timeoutSec.trim() || !Number.isFinite(t) || t <= 0 || t > 600) errors.timeoutSec = 'Seconds, from 0.1 to 600.';
  d.patterns.forEach((p, i) => {
    const e = patternError(p);
    if (e) errors.patterns[i] = e;
  });
  return errors;
}

export const hasErrors = (e: DraftErrors) => Boolean(e.target || e.timeoutSec || Object.keys(e.patterns).length);

export function optionsOf(sessionId: string, d: ReplayDraft): ReplayRunOptions {
  const credentials: ReplayRunOptions['credentials'] = {};
  if (d.user) credentials.user = d.user;
  if (d.password) credentials.password = d.password;
  return {
    sessionId,
    target: d.target.trim(),
    tls: d.tls,
    pace: d.pace,
    verify: d.verify,
    ...(d.servername.trim() ? { servername: d.servername.trim() } : {}),
    ...(d.substitute && (credentials.user || credentials.password) ? { credentials } : {}),
    rules: { ...d.rules, patterns: d.patterns },
    timeoutMs: Math.round(Number(d.timeoutSec) * 1000),
  };
}
