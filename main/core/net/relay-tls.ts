// TLS for the proxy's two legs: the client leg presents a leaf from the local CA (per SNI, or
// for the upstream host when the client sends none); the upstream leg verifies the server's
// chain and records it, so a user can see why an app fails TLS against a real server.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, TLSSocket, type DetailedPeerCertificate, type SecureContext } from 'node:tls';
import type { CertificateInfo, Leg, TlsInfo } from '../../../shared/types.js';
import { tlsInfoOf } from './tls-info.js';

const keyLogs = new Map<string, WriteStream>();

/** Append TLS key material in the SSLKEYLOGFILE format (NSS key log) that Wireshark reads. */
export function keyLogger(path: string): ((line: Buffer) => void) | null {
  if (!path) return null;
  let w = keyLogs.get(path);
  if (!w) {
    w = createWriteStream(path, { flags: 'a', mode: 0o600 });
    w.on('error', () => keyLogs.delete(path));
    keyLogs.set(path, w);
  }
  const stream = w;
  return (line) => void stream.write(line);
}

/** The chain as presented, leaf first (node links each certificate to its issuer). */
export function chainOf(s: TLSSocket): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  const name = (o: Record<string, string | string[]> | undefined): string =>
    Object.entries(o ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ');
  let c: DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256) && out.length < 10) {
    seen.add(c.fingerprint256);
    out.push({
      subject: name(c.subject as unknown as Record<string, string>),
      issuer: name(c.issuer as unknown as Record<string, string>),
      notBefore: new Date(c.valid_from).toISOString(),
      notAfter: new Date(c.valid_to).toISOString(),
      fingerprint: c.fingerprint256,
      subjectAltName: c.subjectaltname ?? null,
    });
    c = c.issuerCertificate;
  }
  return out;
}

export interface UpstreamTlsOptions {
  servername: string | null;
  verify: boolean;
  /** Extra trust anchors (PEM) beside the system's. */
  extraCa: string[];
  keyLog: ((line: Buffer) => void) | null;
}

/**
 * Wrap a connected socket in client-side TLS. Resolves with the socket and its recorded info,
 * or rejects with the reason when the handshake or (with verify on) the verification fails.
 */
export function upstreamTls(raw: Socket, o: UpstreamTlsOptions): Promise<{ socket: TLSSocket; info: TlsInfo }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket: raw,
      ...(o.servername ? { servername: o.servername } : {}),
      // Checked below instead, so a failed chain can still be recorded.
      rejectUnauthorized: false,
      ...(o.extraCa.length ? { ca: [...rootCertificates, ...o.extraCa] } : {}),
    });
    if (o.keyLog) s.on('keylog', o.keyLog);
    const onError = (e: Error): void => reject(Object.assign(new Error(`TLS handshake with the upstream failed: ${e.message}`), { info: null }));
    s.once('error', onError);
    s.once('secureConnect', () => {
      s.off('error', onError);
      const info: TlsInfo = { ...tlsInfoOf(s, 'upstream', 'client'), sni: o.servername, chain: chainOf(s) };
      if (o.verify && !s.authorized) {
        const err = Object.assign(new Error(`upstream certificate verification failed: ${String(s.authorizationError)}`), { info });
        s.destroy();
        reject(err);
      } else resolve({ socket: s, info });
    });
  });
}

/** Wrap the client's socket in server-side TLS with a leaf from the CA (SNI, else `fallback`). */
export function clientTls(raw: Socket, fallback: SecureContext, leafFor: (name: string) => Promise<SecureContext>, keyLog: ((line: Buffer) => void) | null): TLSSocket {
  const s = new TLSSocket(raw, {
    isServer: true,
    secureContext: fallback,
    SNICallback: (name, cb) => void leafFor(name).then((ctx) => cb(null, ctx), (e: Error) => cb(e)),
  });
  if (keyLog) s.on('keylog', keyLog);
  return s;
}

export const legOf = (side: 'client' | 'server'): Leg => (side === 'client' ? 'client' : 'upstream');
