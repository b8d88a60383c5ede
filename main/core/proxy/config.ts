// Proxy listener settings: the checks every listener must pass, the defaults, and the --proxy
// form of the command line:
//
//   PROTOCOL://LISTEN_HOST:LISTEN_PORT=UPSTREAM_HOST:UPSTREAM_PORT[?OPTIONS]
//   smtp://127.0.0.1:2587=smtp.example.com:587?tls=starttls&upstream-tls=implicit&verify=false
//
// Options: tls (client side: none|starttls|implicit), upstream-tls, verify (true|false),
// sni (server name sent upstream), name, max-connections (1 to 100000, default 4096).
import type { ProxyListenerConfig, Protocol, TlsMode } from '../../../shared/types.js';
import { PROXY_CONNECTIONS } from '../../../shared/settings-rules.js';
import { badRequest } from '../errors.js';

const PROTOCOLS: Protocol[] = ['smtp', 'pop3', 'imap'];
const MODES: TlsMode[] = ['none', 'starttls', 'implicit'];
/** Ports of implicit TLS (RFC 8314 §3.3: submissions 465, pop3s 995, imaps 993). */
const IMPLICIT_PORTS = new Set([465, 993, 995]);

const HOST_RE = /^(?:[A-Za-z0-9_.-]{1,253}|[0-9A-Fa-f:.]+)$/;

/** Concurrent sessions per proxy listener unless set; each takes two descriptors (client and upstream). */
export const DEFAULT_PROXY_CONNECTIONS = PROXY_CONNECTIONS.default;

export function validateProxyConfig(c: ProxyListenerConfig, where = 'proxy'): void {
  const fail = (m: string): never => {
    throw badRequest(`${where}: ${m}`);
  };
  if (typeof c !== 'object' || c === null) fail('must be an object');
  if (typeof c.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(c.name)) fail('name must be 1-64 letters, digits, "_", "." or "-"');
  if (!PROTOCOLS.includes(c.protocol)) fail('protocol must be smtp, pop3 or imap');
  if (typeof c.listenHost !== 'string' || !HOST_RE.test(c.listenHost)) fail('listenHost must be an address');
  if (typeof c.upstreamHost !== 'string' || !HOST_RE.test(c.upstreamHost)) fail('upstreamHost must be a host name or address');
  const port = (v: unknown, name: string, min: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 65535) fail(`${name} must be a port number from ${min} to 65535`);
  };
  port(c.listenPort, 'listenPort', 0);
  port(c.upstreamPort, 'upstreamPort', 1);
  if (!MODES.includes(c.clientTls)) fail('clientTls must be none, starttls or implicit');
  if (!MODES.includes(c.upstreamTls)) fail('upstreamTls must be none, starttls or implicit');
  if (typeof c.verifyUpstream !== 'boolean') fail('verifyUpstream must be true or false');
  if (c.servername !== null && (typeof c.servername !== 'string' || !/^[A-Za-z0-9_.-]{1,253}$/.test(c.servername))) fail('servername must be a host name or null');
  if (typeof c.enabled !== 'boolean') fail('enabled must be true or false');
  const max = c.maxConnections;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < PROXY_CONNECTIONS.min || max > PROXY_CONNECTIONS.max)) fail(`maxConnections must be a whole number from ${PROXY_CONNECTIONS.min} to ${PROXY_CONNECTIONS.max}`);
}

export function validateProxyList(list: unknown): void {
  if (!Array.isArray(list)) throw badRequest('proxies must be a list');
  const names = new Set<string>();
  list.forEach((c: ProxyListenerConfig, i) => {
    validateProxyConfig(c, `proxies[${i}]`);
    if (names.has(c.name)) throw badRequest(`proxies[${i}]: the name ${c.name} is taken`);
    names.add(c.name);
  });
}

/** Fill in what a caller may leave out, then check the whole. */
export function normalizeProxyConfig(p: Partial<ProxyListenerConfig>, taken: string[] = []): ProxyListenerConfig {
  const protocol = (p.protocol ?? 'smtp') as Protocol;
  const clientTls = p.clientTls ?? 'none';
  const upstreamPort = p.upstreamPort === undefined ? NaN : Number(p.upstreamPort);
  let name = p.name;
  if (!name) for (let i = 1; i <= taken.length + 1 && !name; i++) if (!taken.includes(`${protocol}-proxy-${i}`)) name = `${protocol}-proxy-${i}`;
  const c: ProxyListenerConfig = {
    name: name ?? `${protocol}-proxy`,
    protocol,
    listenHost: p.listenHost ?? '127.0.0.1',
    listenPort: p.listenPort === undefined ? 0 : Number(p.listenPort),
    clientTls,
    upstreamHost: p.upstreamHost ?? '',
    upstreamPort,
    // A well-known implicit-TLS port implies implicit TLS; otherwise the client side's mode.
    upstreamTls: p.upstreamTls ?? (IMPLICIT_PORTS.has(upstreamPort) ? 'implicit' : clientTls),
    verifyUpstream: p.verifyUpstream === undefined ? true : p.verifyUpstream === true || (p.verifyUpstream as unknown) === 'true',
    servername: p.servername ?? null,
    enabled: p.enabled === undefined ? true : p.enabled === true || (p.enabled as unknown) === 'true',
    maxConnections: p.maxConnections === undefined ? DEFAULT_PROXY_CONNECTIONS : Number(p.maxConnections),
  };
  validateProxyConfig(c);
  return c;
}

/** Parse the --proxy form (see the top of this file). */
export function parseProxySpec(spec: string, taken: string[] = []): ProxyListenerConfig {
  const m = /^(smtp|pop3|imap):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/=?]+):(\d+)=(\[[0-9A-Fa-f:.]+\]|[^:/=?]+):(\d+)\/?(?:\?(.*))?$/.exec(spec.trim());
  if (!m) throw new Error(`--proxy ${spec}: expected PROTOCOL://HOST:PORT=UPSTREAM:PORT[?tls=…&upstream-tls=…&verify=…&sni=…&name=…&max-connections=…]`);
  const unbracket = (h: string): string => h.replace(/^\[|\]$/g, '');
  const q = new URLSearchParams(m[6] ?? '');
  const known = new Set(['tls', 'upstream-tls', 'verify', 'sni', 'name', 'max-connections']);
  for (const k of q.keys()) if (!known.has(k)) throw new Error(`--proxy ${spec}: unknown option ${k}`);
  const mode = (v: string | null, what: string): TlsMode | undefined => {
    if (v === null) return undefined;
    if (!MODES.includes(v as TlsMode)) throw new Error(`--proxy ${spec}: ${what} must be none, starttls or implicit`);
    return v as TlsMode;
  };
  const verify = q.get('verify');
  if (verify !== null && verify !== 'true' && verify !== 'false') throw new Error(`--proxy ${spec}: verify must be true or false`);
  const p: Partial<ProxyListenerConfig> = {
    protocol: m[1] as Protocol,
    listenHost: unbracket(m[2]!),
    listenPort: Number(m[3]),
    upstreamHost: unbracket(m[4]!),
    upstreamPort: Number(m[5]),
  };
  const tls = mode(q.get('tls'), 'tls');
  if (tls) p.clientTls = tls;
  const up = mode(q.get('upstream-tls'), 'upstream-tls');
  if (up) p.upstreamTls = up;
  if (verify !== null) p.verifyUpstream = verify === 'true';
  if (q.get('sni')) p.servername = q.get('sni');
  if (q.get('name')) p.name = q.get('name')!;
  const max = q.get('max-connections');
  if (max !== null) {
    if (!/^\d{1,6}$/.test(max)) throw new Error(`--proxy ${spec}: max-connections must be a whole number`);
    p.maxConnections = Number(max);
  }
  try {
    return normalizeProxyConfig(p, taken);
  } catch (e) {
    throw new Error(`--proxy ${spec}: ${(e as Error).message}`);
  }
}
