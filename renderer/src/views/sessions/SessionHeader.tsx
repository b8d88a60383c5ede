// The summary card above a session's timeline.
import type { ReactNode } from 'react';
import type { SessionSummary } from '../../../../shared/types';
import { ProtocolBadge, RoleBadge } from '../../components/Badges';
import { LockIcon } from '../../components/Icons';
import { formatBytes, formatDateTime, formatDuration, formatEndpoint, microsToDate } from '../../lib/format';
import { routeHref } from '../../state/route';

export function SessionHeader({ s, actions }: { s: SessionSummary; actions?: ReactNode }) {
  const duration = (s.endedAt ?? Date.now() * 1000) - s.startedAt;
  return (
    <header className="session-header" data-testid="session-header">
      <div className="sh-title">
        <ProtocolBadge protocol={s.protocol} />
        <RoleBadge role={s.role} />
        <span className="mono strong">{formatEndpoint(s.client)}</span>
        <span className="muted">→</span>
        <span className="mono">{formatEndpoint(s.server)}</span>
        {s.upstream ? (
          <>
            <span className="muted">→ upstream</span>
            <span className="mono">{formatEndpoint(s.upstream)}</span>
          </>
        ) : null}
        {s.tls ? (
          <span className="chip st-ok">
            <LockIcon size={11} /> TLS
          </span>
        ) : (
          <span className="chip">plain</span>
        )}
        {s.endedAt === null ? <span className="live-pill">live</span> : null}
        {s.replayOf ? (
          <span className="chip replay-of" data-testid="replay-of">
            replay of{' '}
            <a href={routeHref('sessions', s.replayOf)} className="mono">
              {s.replayOf.slice(0, 12)}
            </a>
          </span>
        ) : null}
        {actions}
      </div>
      <div className="sh-stats">
        <span>
          <span className="muted">started</span> {formatDateTime(microsToDate(s.startedAt))}
        </span>
        <span>
          <span className="muted">duration</span> {formatDuration(duration)}
        </span>
        <span>
          <span className="muted">user</span> {s.user ?? '–'}
        </span>
        <span>
          <span className="muted">exchanges</span> {s.exchanges.toLocaleString('en')}
        </span>
        {s.maxLatencyUs ? (
          <span title="The slowest exchange: command to final reply">
            <span className="muted">slowest</span> {formatDuration(s.maxLatencyUs)}
          </span>
        ) : null}
        <span>
          <span className="muted">in/out</span> {formatBytes(s.bytesIn)} / {formatBytes(s.bytesOut)}
        </span>
        {s.warnings ? <span className="st-warn">{s.warnings} warnings</span> : null}
        {s.errors ? <span className="st-err">{s.errors} errors</span> : null}
        {s.messageIds.length ? (
          <span>
            <span className="muted">messages</span>{' '}
            {s.messageIds.slice(0, 5).map((m, i) => (
              <a key={m} href={routeHref('messages', m)} className="mono">
                {i ? ', ' : ''}
                {m}
              </a>
            ))}
            {s.messageIds.length > 5 ? ` +${s.messageIds.length - 5}` : ''}
          </span>
        ) : null}
        <span>
          <span className="muted">id</span> <span className="mono" data-testid="session-id">{s.id}</span>
        </span>
      </div>
    </header>
  );
}
