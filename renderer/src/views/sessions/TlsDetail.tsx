// An expanded TLS marker: the handshake (version, cipher, SNI, ALPN), the verification result,
// and for an upstream leg the chain the server presented, leaf first. One line per fact, so
// the row's height is known before it renders (timeline-model.ts counts the same lines).
import type { ReactNode } from 'react';
import type { CertificateInfo, TlsInfo } from '../../../../shared/types';
import { formatDateTime } from '../../lib/format';

function Line({ k, children, testId }: { k: string; children: ReactNode; testId?: string }) {
  return (
    <div className="d-line" data-testid={testId}>
      <span className="d-key">{k}</span> {children}
    </div>
  );
}

function Verified({ i }: { i: TlsInfo }) {
  if (i.verified === undefined) return <span className="muted">n/a: mailtap presented this certificate ({i.certificateSubject ?? 'no subject'})</span>;
  if (i.verified) return <span className="st-ok">✓ verified against the trusted CAs</span>;
  return <span className="st-err">✕ not verified{i.verifyError ? `: ${i.verifyError}` : ''}</span>;
}

const validity = (c: CertificateInfo) => {
  const after = new Date(c.notAfter);
  const expired = after.getTime() < Date.now();
  return (
    <>
      {formatDateTime(new Date(c.notBefore))} <span className="muted">→</span> {formatDateTime(after)}
      {expired ? <span className="st-err"> expired</span> : null}
    </>
  );
};

/** Lines a certificate takes: its subject, issuer, validity, fingerprint, and SANs if any. */
export const certificateLines = (c: CertificateInfo): number => (c.subjectAltName ? 5 : 4);
export const TLS_FIXED_LINES = 6;
export const tlsDetailLines = (i: TlsInfo): number => TLS_FIXED_LINES + (i.chain?.length ? 1 + i.chain.reduce((n, c) => n + certificateLines(c), 0) : 0);

export function TlsDetail({ i }: { i: TlsInfo }) {
  const chain = i.chain ?? [];
  return (
    <div data-testid="tls-detail">
      <Line k="leg">{i.leg === 'client' ? 'client ↔ mailtap' : 'mailtap ↔ upstream server'}</Line>
      <Line k="version">{i.version ?? '–'}</Line>
      <Line k="cipher">{i.cipher ?? '–'}</Line>
      <Line k="SNI">{i.sni ?? <span className="muted">none sent</span>}</Line>
      <Line k="ALPN">{i.alpn ?? <span className="muted">none</span>}</Line>
      <Line k="verification" testId="tls-verified">
        <Verified i={i} />
      </Line>
      {chain.length ? (
        <>
          <Line k="chain">
            {chain.length} certificate{chain.length === 1 ? '' : 's'} presented, leaf first
          </Line>
          {chain.map((c, n) => (
            <div key={`${n}:${c.fingerprint}`} className="cert" data-testid="tls-cert">
              <div className="d-line">
                <span className="d-key cert-index">#{n} {n === 0 ? 'leaf' : n === chain.length - 1 ? 'top' : 'CA'}</span> <b>{c.subject}</b>
              </div>
              <Line k="  issuer">{c.issuer}</Line>
              <Line k="  valid">{validity(c)}</Line>
              <Line k="  SHA-256">
                <span className="fp">{c.fingerprint}</span>
              </Line>
              {c.subjectAltName ? <Line k="  names">{c.subjectAltName}</Line> : null}
            </div>
          ))}
        </>
      ) : null}
    </div>
  );
}
