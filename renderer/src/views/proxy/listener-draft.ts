// The add/edit form's model: a draft with ports as typed text, the same checks the API makes
// (main/core/proxy/config.ts) so most mistakes show before saving, and the API's own message
// placed at the field it names when it still refuses.
import { PROXY_CONNECTIONS } from '../../../../shared/settings-rules';
import type { Protocol, ProxyListenerConfig, ProxyListenerState, TlsMode } from '../../../../shared/types';

export interface ListenerDraft {
  name: string;
  protocol: Protocol;
  listenHost: string;
  listenPort: string;
  clientTls: TlsMode;
  upstreamHost: string;
  upstreamPort: string;
  upstreamTls: TlsMode;
  verifyUpstream: boolean;
  servername: string;
  enabled: boolean;
  maxConnections: string;
}

export type DraftField = keyof ListenerDraft;
export type DraftErrors = Partial<Record<DraftField, string>>;

const DEFAULT_CONNECTIONS = PROXY_CONNECTIONS.default;

/** Usual upstream ports: submission with STARTTLS, and implicit TLS (RFC 8314 §3.3). */
export const USUAL_PORTS: Record<Protocol, { starttls: number; implicit: number }> = {
  smtp: { starttls: 587, implicit: 465 },
  pop3: { starttls: 110, implicit: 995 },
  imap: { starttls: 143, implicit: 993 },
};

export function emptyDraft(): ListenerDraft {
  return { name: '', protocol: 'smtp', listenHost: '127.0.0.1', listenPort: '2525', clientTls: 'none', upstreamHost: '', upstreamPort: '587', upstreamTls: 'starttls', verifyUpstream: true, servername: '', enabled: true, maxConnections: String(DEFAULT_CONNECTIONS) };
}

export function draftOf(l: ProxyListenerState): ListenerDraft {
  return {
    name: l.name,
    protocol: l.protocol,
    listenHost: l.listenHost,
    listenPort: String(l.listenPort),
    clientTls: l.clientTls,
    upstreamHost: l.upstreamHost,
    upstreamPort: String(l.upstreamPort),
    upstreamTls: l.upstreamTls,
    verifyUpstream: l.verifyUpstream,
    servername: l.servername ?? '',
    enabled: l.enabled,
    maxConnections: String(l.maxConnections ?? DEFAULT_CONNECTIONS),
  };
}

export function configOf(d: ListenerDraft): Partial<ProxyListenerConfig> {
  return {
    name: d.name.trim(),
    protocol: d.protocol,
    listenHost: d.listenHost.trim(),
    listenPort: Number(d.listenPort),
    clientTls: d.clientTls,
    upstreamHost: d.upstreamHost.trim(),
    upstreamPort: Number(d.upstreamPort),
    upstreamTls: d.upstreamTls,
    verifyUpstream: d.verifyUpstream,
    servername: d.servername.trim() || null,
    enabled: d.enabled,
    maxConnections: Number(d.maxConnections),
  };
}

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST_RE = /^(?:[A-Za-z0-9_.-]{1,253}|[0-9A-Fa-f:.]+)$/;

function port(text: string, min: number, what: string): string | undefined {
  if (text.trim() === '') return `The ${what} port is required.`;
  const n = Number(text);
  if (!Number.isInteger(n)) return 'A port is a whole number.';
  if (n < min || n > 65535) return `A port is from ${min} to 65535${min === 0 ? ' (0 picks a free one)' : ''}.`;
  return undefined;
}

function host(text: string, what: string): string | undefined {
  const h = text.trim();
  if (!h) return `The ${what} is required.`;
  if (!HOST_RE.test(h)) return `“${h}” is not a host name or an IP address.`;
  return undefined;
}

export function validateDraft(d: ListenerDraft): DraftErrors {
  const e: DraftErrors = {};
  const name = d.name.trim();
  if (!name) e.name = 'A name is required.';
  else if (!NAME_RE.test(name)) e.name = 'Use up to 64 letters, digits, “_”, “.” or “-”.';
  const lh = host(d.listenHost, 'listen address');
  if (lh) e.listenHost = lh;
  const lp = port(d.listenPort, 0, 'listen');
  if (lp) e.listenPort = lp;
  const uh = host(d.upstreamHost, 'upstream host');
  if (uh) e.upstreamHost = uh;
  const up = port(d.upstreamPort, 1, 'upstream');
  if (up) e.upstreamPort = up;
  if (d.servername.trim() && !/^[A-Za-z0-9_.-]{1,253}$/.test(d.servername.trim())) e.servername = 'A server name is a DNS name, without spaces.';
  const max = Number(d.maxConnections);
  if (d.maxConnections.trim() === '' || !Number.isInteger(max) || max < PROXY_CONNECTIONS.min || max > PROXY_CONNECTIONS.max) e.maxConnections = `A whole number from ${PROXY_CONNECTIONS.min} to ${PROXY_CONNECTIONS.max.toLocaleString('en')}.`;
  return e;
}

const API_FIELDS: Array<[RegExp, DraftField]> = [
  [/\bservername\b/, 'servername'],
  [/\bmaxConnections\b/, 'maxConnections'],
  [/\blistenHost\b/, 'listenHost'],
  [/\blistenPort\b/, 'listenPort'],
  [/\bupstreamHost\b/, 'upstreamHost'],
  [/\bupstreamPort\b/, 'upstreamPort'],
  [/\bclientTls\b/, 'clientTls'],
  [/\bupstreamTls\b/, 'upstreamTls'],
  [/\bname\b|\bnamed\b/, 'name'],
];

/** The field an API validation message is about, if it names one ("a listener named x exists"). */
export function fieldOfApiMessage(message: string): DraftField | null {
  for (const [re, field] of API_FIELDS) if (re.test(message)) return field;
  return null;
}
