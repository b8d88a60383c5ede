// One row of the message list: unread dot, from → to, time; subject, snippet, clip, size.
import type { MessageSummary } from '../../../../shared/types';
import { PaperclipIcon } from '../../components/Icons';
import { formatBytes, formatListTime, shortAddress } from '../../lib/format';

export const MESSAGE_ROW_HEIGHT = 54;

export function MessageRow({ m, selected, checked, top, onOpen }: { m: MessageSummary; selected: boolean; checked?: boolean; top: number; onOpen: (id: string, toggle?: boolean) => void }) {
  const to = m.to.length ? m.to.map(shortAddress).join(', ') : m.envelope.rcptTo.join(', ');
  const from = shortAddress(m.from) || m.envelope.mailFrom || '(no sender)';
  return (
    <div
      className={`mrow${selected ? ' selected' : ''}${checked ? ' checked' : ''}${m.read ? '' : ' unread'}`}
      style={{ transform: `translateY(${top}px)`, height: MESSAGE_ROW_HEIGHT }}
      role="listitem"
      aria-selected={selected}
      data-testid="message-row"
      data-id={m.id}
      data-checked={checked ? 'true' : undefined}
      onClick={(e) => onOpen(m.id, e.ctrlKey || e.metaKey)}
    >
      <div className="mrow-line">
        <span className="dot" title={m.read ? 'Read' : 'Unread'} aria-label={m.read ? undefined : 'unread'} />
        <span className="mrow-from" title={m.from?.address ?? m.envelope.mailFrom}>
          {from}
        </span>
        <span className="mrow-to muted" title={to}>
          → {to || '(no recipients)'}
        </span>
        <span className="mrow-time muted mono">{formatListTime(new Date(m.receivedAt))}</span>
      </div>
      <div className="mrow-line">
        <span className="mrow-subject">{m.subject || '(no subject)'}</span>
        <span className="mrow-snippet muted">{m.snippet}</span>
        {m.attachmentCount > 0 ? (
          <span className="mrow-clip muted" title={`${m.attachmentCount} attachment(s)`}>
            <PaperclipIcon size={13} />
            {m.attachmentCount > 1 ? m.attachmentCount : null}
          </span>
        ) : null}
        {m.warnings.length > 0 ? <span className="warn-chip" title={m.warnings.join('\n')}>{m.warnings.length}⚠</span> : null}
        <span className="mrow-size muted mono">{formatBytes(m.size)}</span>
      </div>
    </div>
  );
}
