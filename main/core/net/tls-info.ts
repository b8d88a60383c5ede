import type { TLSSocket } from 'node:tls';
import type { Leg, TlsInfo } from '../../../shared/types.js';

/** What a finished handshake tells: version, cipher, SNI, ALPN and the certificate subject. */
export function tlsInfoOf(s: TLSSocket, leg: Leg, role: 'server' | 'client'): TlsInfo {
  const cert = role === 'server' ? s.getCertificate() : s.getPeerCertificate();
  const subject = cert && 'subject' in cert && cert.subject ? ((cert.subject as { CN?: string | string[] }).CN ?? null) : null;
  const sni = role === 'server' ? ((s as TLSSocket & { servername?: string | false }).servername || null) : null;
  const info: TlsInfo = {
    leg,
    version: s.getProtocol() ?? null,
    cipher: s.getCipher()?.standardName ?? s.getCipher()?.name ?? null,
    sni,
    alpn: typeof s.alpnProtocol === 'string' ? s.alpnProtocol : null,
    certificateSubject: Array.isArray(subject) ? (subject[0] ?? null) : subject,
  };
  if (role === 'client') {
    info.verified = s.authorized;
    info.verifyError = s.authorizationError ? String(s.authorizationError) : null;
  }
  return info;
}
