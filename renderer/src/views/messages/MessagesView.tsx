// Messages: the live list on the left, the selected message on the right. The list takes
// .eml/mbox files dropped on it (or picked) and exports mbox; Ctrl/⌘-click selects several.
import { useCallback, useState } from 'react';
import { useApi } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FilePickButton } from '../../components/FilePickButton';
import { MailIcon, TrashIcon, UploadIcon } from '../../components/Icons';
import { Placeholder } from '../../components/Placeholder';
import { SearchBox } from '../../components/SearchBox';
import { navigate } from '../../state/route';
import { useMessageImport } from '../../state/use-message-import';
import { useMessages } from '../../state/use-messages';
import { plural } from '../../lib/format';
import { ImportDropZone } from './ImportDropZone';
import { ImportStatus } from './ImportStatus';
import { MessageDetailView } from './MessageDetailView';
import { MessageList } from './MessageList';
import { MessagesEmpty } from './MessagesEmpty';
import { MessagesExportMenu } from './MessagesExportMenu';

const IMPORT_ACCEPT = '.eml,.mbox,.mbx,message/rfc822,application/mbox';

export function MessagesView({ id, tab }: { id: string | null; tab: string | null }) {
  const api = useApi();
  const [q, setQ] = useState('');
  const list = useMessages(q);
  const importer = useMessageImport();
  const [actionError, setActionError] = useState<unknown>(null);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const open = useCallback(
    (mid: string, toggle?: boolean) => {
      if (!toggle) return navigate('messages', mid, tab);
      setChecked((prev) => {
        const next = new Set(prev);
        if (next.has(mid)) next.delete(mid);
        else next.add(mid);
        return next;
      });
    },
    [tab],
  );

  const clearAll = () => {
    setActionError(null);
    api.call('messages.clear', {}).then(() => {
      list.reload();
      setChecked(new Set());
      navigate('messages');
    }, setActionError);
  };
  const importFiles = (files: File[]) => void importer.importFiles(files);
  const pickButton = (
    <FilePickButton accept={IMPORT_ACCEPT} multiple onFiles={importFiles} className="ghost small" title="Import .eml or mbox files" testId="import-messages-input" disabled={importer.running}>
      <UploadIcon size={14} />
    </FilePickButton>
  );

  const empty = !list.loading && !list.error && list.total === 0 && list.items.length === 0 && !q;
  if (empty && !id) {
    return (
      <ImportDropZone onFiles={importFiles} className="page-scroll">
        <MessagesEmpty
          importer={
            <div className="empty-import">
              <span className="muted">Or import mail you already have: drop .eml or mbox files here, or</span>
              <FilePickButton accept={IMPORT_ACCEPT} multiple onFiles={importFiles} className="small" testId="import-messages-input">
                <UploadIcon size={14} /> Import files…
              </FilePickButton>
              <ImportStatus state={importer} onDismiss={importer.dismiss} />
            </div>
          }
        />
      </ImportDropZone>
    );
  }

  const unread = list.items.reduce((n, m) => n + (m.read ? 0 : 1), 0);
  const selected = checked.size ? [...checked] : id ? [id] : [];
  return (
    <div className="split">
      <ImportDropZone onFiles={importFiles} className="list-pane">
        <section className="list-pane-inner" aria-label="Message list">
          <div className="toolbar">
            <SearchBox value={q} onChange={setQ} placeholder="Search from, to, subject, body" />
            {pickButton}
            <MessagesExportMenu total={list.total} q={q} matching={list.total} selected={selected} onError={setActionError} />
            <ConfirmButton onConfirm={clearAll} confirmLabel="Delete all?" label="Delete all messages" className="small" testId="delete-all">
              <TrashIcon size={14} />
            </ConfirmButton>
          </div>
          <div className="list-meta muted" data-testid="message-count">
            {plural(list.total, 'message')}
            {unread ? ` · ${unread} unread` : ''}
            {q ? ` matching “${q}”` : ''}
            {checked.size ? (
              <span className="checked-meta">
                {' · '}
                {checked.size} selected{' '}
                <button type="button" className="link-btn" onClick={() => setChecked(new Set())}>
                  clear
                </button>
              </span>
            ) : null}
          </div>
          <ImportStatus state={importer} onDismiss={importer.dismiss} />
          <ErrorBanner error={list.error ?? actionError} onRetry={list.reload} compact />
          {list.items.length === 0 && !list.loading && q ? <div className="list-empty muted">No message matches “{q}”.</div> : null}
          <MessageList items={list.items} selectedId={id} checked={checked} onOpen={open} onNeedMore={list.loadMore} />
        </section>
      </ImportDropZone>
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
