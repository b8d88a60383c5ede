// Marker rows: connect, TLS, auth, warnings and errors, message captured, close.
import type { TimelineEvent } from '../../../../shared/types';
import { AlertIcon, LinkIcon, LockIcon, MailIcon } from '../../components/Icons';
import { formatBytes, formatEndpoint } from '../../lib/format';
import { routeHref } from '../../state/route';
import { AuthText } from './AuthSecretReveal';
import { TlsDetail } from './TlsDetail';

type Marker = Exclude<TimelineEvent, { kind: 'exchange' }>;

function Leg({ leg, show }: { leg: 'client' | 'upstream' | undefined; show: boolean }) {
  return show && leg ? <span className={`leg leg-${leg}`}>{leg === 'client' ? 'C' : 'U'}</span> : null;
}

export function MarkerSummary({ e, showLeg, sessionId }: { e: Marker; showLeg: boolean; sessionId: string }) {
  const leg = 'leg' in e ? e.leg : e.kind === 'tls' ? e.info.leg : undefined;
  return (
    <>
      <span className="t-dir">
        <Leg leg={leg} show={showLeg} />
        <MarkerIcon e={e} />
      </span>
      <span className="t-marker">
        <MarkerText e={e} sessionId={sessionId} />
      </span>
    </>
  );
}

function MarkerIcon({ e }: { e: Marker }) {
  switch (e.kind) {
    case 'tls':
    case 'auth':
      return <LockIcon size={12} />;
    case 'warning':
    case 'error':
      return <AlertIcon size={12} />;
    case 'message':
      return <MailIcon size={12} />;
    case 'connect':
      return <span className="m-glyph">●</span>;
    case 'close':
      return <span className="m-glyph">■</span>;
  }
}

function MarkerText({ e, sessionId }: { e: Marker; sessionId: string }) {
  switch (e.kind) {
    case 'connect':
      return (
        <span>
          <b>connect</b> <span className="mono">{formatEndpoint(e.client)}</span> → <span className="mono">{formatEndpoint(e.server)}</span>
        </span>
      );
    case 'tls':
      return (
        <span>
          <b>TLS</b> {e.info.version ?? '?'} <span className="mono muted">{e.info.cipher ?? ''}</span>
          {e.info.sni ? <span className="muted"> · SNI {e.info.sni}</span> : null}
          {e.info.verified === false ? <span className="st-err"> · not verified</span> : null}
        </span>
      );
    case 'auth':
      return <AuthText e={e} sessionId={sessionId} />;
    case 'warning':
    case 'error':
      return (
        <span className={e.kind === 'warning' ? 'st-warn' : 'st-err'} title={e.text}>
          <b>{e.kind}</b> <span className="mono">{e.code}</span> {e.text}
        </span>
      );
    case 'message':
      return (
        <span>
          <b>message captured</b> · {formatBytes(e.size)} ·{' '}
          <a href={routeHref('messages', e.messageId)} onClick={(ev) => ev.stopPropagation()} data-testid="captured-message-link">
            <LinkIcon size={11} /> open message
          </a>
        </span>
      );
    case 'close':
      return (
        <span>
          <b>close</b> <span className="muted">by {e.by}</span>
          {e.reason ? <span className="muted"> · {e.reason}</span> : null}
        </span>
      );
  }
}

export function MarkerDetail({ e }: { e: Marker }) {
  if (e.kind === 'tls') return <TlsDetail i={e.info} />;
  if (e.kind === 'warning' || e.kind === 'error') {
    return (
      <div className="d-wrap">
        <span className="d-key">{e.code}</span> {e.text}
        {e.leg ? <span className="muted"> (leg {e.leg})</span> : null}
      </div>
    );
  }
  if (e.kind === 'close') {
    return (
      <div className="d-wrap">
        closed by {e.by}: {e.reason}
      </div>
    );
  }
  return null;
}
