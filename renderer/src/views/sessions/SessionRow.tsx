// One row of the session list: protocol, role, client, time, duration, TLS, user, counts.
import type { SessionSummary } from '../../../../shared/types';
import { ProtocolBadge, RoleBadge } from '../../components/Badges';
import { AlertIcon, LockIcon, MailIcon } from '../../components/Icons';
import { formatDuration, formatEndpoint, formatListTime, microsToDate } from '../../lib/format';

export const SESSION_ROW_HEIGHT = 50;

export function SessionRow({ s, selected, top, onOpen }: { s: SessionSummary; selected: boolean; top: number; onOpen: (id: string) => void }) {
  const live = s.endedAt === null;
  return (
    <div
      className={`srow${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: SESSION_ROW_HEIGHT }}
      role="listitem"
      aria-selected={selected}
      data-testid="session-row"
      data-id={s.id}
      onClick={() => onOpen(s.id)}
    >
      <div className="srow-line">
        <ProtocolBadge protocol={s.protocol} />
        <RoleBadge role={s.role} />
        <span className="srow-client mono">{formatEndpoint(s.client)}</span>
        {s.upstream ? <span className="muted mono small">→ {formatEndpoint(s.upstream)}</span> : null}
        <span className="tabs-spacer" />
        <span className="muted mono small">{formatListTime(microsToDate(s.startedAt))}</span>
      </div>
      <div className="srow-line small">
        {s.tls ? (
          <span className="st-ok" title="TLS">
            <LockIcon size={12} />
          </span>
        ) : null}
        {s.user ? <span className="srow-user">{s.user}</span> : null}
        <span className="muted">{s.exchanges.toLocaleString('en')} exch</span>
        {s.maxLatencyUs ? (
          <span className="muted" title="The slowest exchange: command to final reply" data-testid="session-max-latency">
            max {formatDuration(s.maxLatencyUs)}
          </span>
        ) : null}
        {s.messageIds.length ? (
          <span className="muted" title="Messages">
            <MailIcon size={12} /> {s.messageIds.length}
          </span>
        ) : null}
        {s.warnings ? (
          <span className="st-warn" title="Warnings">
            <AlertIcon size={12} /> {s.warnings}
          </span>
        ) : null}
        {s.errors ? (
          <span className="st-err" title="Errors">
            <AlertIcon size={12} /> {s.errors}
          </span>
        ) : null}
        <span className="tabs-spacer" />
        {live ? <span className="live-pill">live</span> : <span className="muted mono">{formatDuration(s.endedAt! - s.startedAt)}</span>}
      </div>
    </div>
  );
}
