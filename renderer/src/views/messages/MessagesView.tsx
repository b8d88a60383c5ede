// Messages: the live list on the left, the selected message on the right.
import { useCallback, useState } from 'react';
import { useApi } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { MailIcon, TrashIcon } from '../../components/Icons';
import { Placeholder } from '../../components/Placeholder';
import { SearchBox } from '../../components/SearchBox';
import { navigate } from '../../state/route';
import { useMessages } from '../../state/use-messages';
import { plural } from '../../lib/format';
import { MessageDetailView } from './MessageDetailView';
import { MessageList } from './MessageList';
import { MessagesEmpty } from './MessagesEmpty';

export function MessagesView({ id, tab }: { id: string | null; tab: string | null }) {
  const api = useApi();
  const [q, setQ] = useState('');
  const list = useMessages(q);
  const [actionError, setActionError] = useState<unknown>(null);
  const open = useCallback((mid: string) => navigate('messages', mid, tab), [tab]);

  const clearAll = () => {
    setActionError(null);
    api.call('messages.clear', {}).then(() => {
      list.reload();
      navigate('messages');
    }, setActionError);
  };

  const empty = !list.loading && !list.error && list.total === 0 && list.items.length === 0 && !q;
  if (empty && !id) {
    return (
      <div className="page-scroll">
        <MessagesEmpty />
      </div>
    );
  }

  const unread = list.items.reduce((n, m) => n + (m.read ? 0 : 1), 0);
  return (
    <div className="split">
      <section className="list-pane" aria-label="Message list">
        <div className="toolbar">
          <SearchBox value={q} onChange={setQ} placeholder="Search from, to, subject, body" />
          <ConfirmButton onConfirm={clearAll} confirmLabel="Delete all?" label="Delete all messages" className="small" testId="delete-all">
            <TrashIcon size={14} />
          </ConfirmButton>
        </div>
        <div className="list-meta muted" data-testid="message-count">
          {plural(list.total, 'message')}
          {unread ? ` · ${unread} unread` : ''}
          {q ? ` matching “${q}”` : ''}
        </div>
        <ErrorBanner error={list.error ?? actionError} onRetry={list.reload} compact />
        {list.items.length === 0 && !list.loading && q ? <div className="list-empty muted">No message matches “{q}”.</div> : null}
        <MessageList items={list.items} selectedId={id} onOpen={open} onNeedMore={list.loadMore} />
      </section>
      <section className="detail-pane" aria-label="Message">
        {id ? (
          <MessageDetailView key={id} id={id} tab={tab} onDeleted={() => navigate('messages')} />
        ) : (
          <Placeholder icon={<MailIcon size={26} />} title="Select a message to read it, with its MIME tree and raw source." />
        )}
      </section>
    </div>
  );
}
