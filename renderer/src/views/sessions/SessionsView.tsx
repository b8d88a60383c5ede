// Sessions: the live, filterable list on the left, the selected session's timeline on the right.
import { useCallback, useRef, useState } from 'react';
import type { Protocol } from '../../../../shared/types';
import { useApi } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SessionsIcon, TrashIcon } from '../../components/Icons';
import { Placeholder } from '../../components/Placeholder';
import { SearchBox } from '../../components/SearchBox';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import { useListCursor } from '../../components/use-list-cursor';
import { plural } from '../../lib/format';
import { navigate } from '../../state/route';
import { useSessions } from '../../state/use-sessions';
import { ImportSessionButton } from './ImportSessionButton';
import { SessionDetailView } from './SessionDetailView';
import { SESSION_ROW_HEIGHT, SessionRow } from './SessionRow';

const PROTOCOLS: Array<Protocol | ''> = ['', 'smtp', 'pop3', 'imap'];

export function SessionsView({ id, tab }: { id: string | null; tab: string | null }) {
  const api = useApi();
  const [protocol, setProtocol] = useState<Protocol | ''>('');
  const [q, setQ] = useState('');
  const list = useSessions(protocol, q);
  const [actionError, setActionError] = useState<unknown>(null);
  const ref = useRef<VirtualListHandle>(null);
  const open = useCallback((sid: string) => navigate('sessions', sid, tab), [tab]);
  const { loadMore } = list;
  const onRange = useCallback((_s: number, end: number) => end >= list.items.length - 20 && loadMore(), [list.items.length, loadMore]);
  const onKeyDown = useListCursor(list.items, id, open, ref);

  const clearAll = () =>
    api.call('sessions.clear', {}).then(() => {
      list.reload();
      navigate('sessions');
    }, setActionError);

  return (
    <div className="split">
      <section className="list-pane" aria-label="Session list">
        <div className="toolbar">
          <SearchBox value={q} onChange={setQ} placeholder="Search client, user, id" />
          <ImportSessionButton onImported={list.reload} onError={setActionError} />
          <ConfirmButton onConfirm={clearAll} confirmLabel="Clear all?" label="Clear all sessions" className="small" testId="clear-sessions">
            <TrashIcon size={14} />
          </ConfirmButton>
        </div>
        <div className="filterbar" role="group" aria-label="Protocol">
          {PROTOCOLS.map((p) => (
            <button key={p || 'all'} type="button" className={`pill${protocol === p ? ' on' : ''}`} onClick={() => setProtocol(p)} data-testid={`filter-${p || 'all'}`}>
              {p ? p.toUpperCase() : 'All'}
            </button>
          ))}
          <span className="tabs-spacer" />
          <span className="muted small">{plural(list.total, 'session')}</span>
        </div>
        <ErrorBanner error={list.error ?? actionError} onRetry={list.reload} compact />
        {list.items.length === 0 && !list.loading && !list.error ? (
          <div className="list-empty muted">
            <SessionsIcon size={22} />
            <p>{q || protocol ? 'No session matches the filter.' : 'No sessions yet. Every SMTP connection to mailtap appears here, live, with its full dialogue.'}</p>
          </div>
        ) : null}
        <VirtualList
          listRef={ref}
          count={list.items.length}
          rowHeight={SESSION_ROW_HEIGHT}
          label="Sessions"
          testId="session-list"
          onRangeChange={onRange}
          onKeyDown={onKeyDown}
          renderRow={(i, top) => {
            const s = list.items[i]!;
            return <SessionRow key={s.id} s={s} top={top} selected={s.id === id} onOpen={open} />;
          }}
        />
      </section>
      <section className="detail-pane" aria-label="Session">
        {id ? <SessionDetailView key={id} id={id} tab={tab} /> : <Placeholder icon={<SessionsIcon size={26} />} title="Select a session to see its timeline and its wire log." />}
      </section>
    </div>
  );
}
