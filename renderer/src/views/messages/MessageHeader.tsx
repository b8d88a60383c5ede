// The top of a message: subject, addresses, date, size, warnings, link to its session, actions.
import type { MessageDetail } from '../../../../shared/types';
import { useApi } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { AlertIcon, LinkIcon, LockIcon, TrashIcon } from '../../components/Icons';
import { formatAddress, formatBytes, formatDateTime } from '../../lib/format';
import { routeHref } from '../../state/route';

export function MessageHeader({ m, onDeleted, onError }: { m: MessageDetail; onDeleted: () => void; onError: (e: unknown) => void }) {
  const api = useApi();
  const del = () => api.call('messages.delete', { id: m.id }).then(onDeleted, onError);
  return (
    <header className="msg-header">
      <div className="msg-title-row">
        <h2 className="msg-subject" data-testid="message-subject">
          {m.subject || '(no subject)'}
        </h2>
        <ConfirmButton onConfirm={del} confirmLabel="Delete?" className="small" testId="delete-message">
          <TrashIcon size={14} /> Delete
        </ConfirmButton>
      </div>
      <dl className="msg-addrs">
        <dt>From</dt>
        <dd>{formatAddress(m.from) || <span className="muted">(none) · envelope &lt;{m.envelope.mailFrom}&gt;</span>}</dd>
        <dt>To</dt>
        <dd>{m.to.length ? m.to.map(formatAddress).join(', ') : <span className="muted">(none) · envelope {m.envelope.rcptTo.join(', ')}</span>}</dd>
        {m.cc.length ? (
          <>
            <dt>Cc</dt>
            <dd>{m.cc.map(formatAddress).join(', ')}</dd>
          </>
        ) : null}
        <dt>Date</dt>
        <dd>
          {m.date ? formatDateTime(new Date(m.date)) : <span className="muted">no Date header</span>}
          <span className="muted"> · received {formatDateTime(new Date(m.receivedAt))} · {formatBytes(m.size)}</span>
          {m.envelope.tls ? (
            <span className="muted" title="Received over TLS">
              {' '}
              · <LockIcon size={12} /> TLS
            </span>
          ) : null}
          {m.sessionId ? (
            <>
              {' · '}
              <a href={routeHref('sessions', m.sessionId)} data-testid="message-session-link">
                <LinkIcon size={12} /> SMTP session
              </a>
            </>
          ) : null}
        </dd>
      </dl>
      {m.warnings.length ? (
        <ul className="warnings">
          {m.warnings.map((w, i) => (
            <li key={i}>
              <AlertIcon size={13} /> {w}
            </li>
          ))}
        </ul>
      ) : null}
    </header>
  );
}
