// The selected message: header and tabs (HTML, text, headers, MIME, raw, attachments).
import { useState } from 'react';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Tabs, type TabSpec } from '../../components/Tabs';
import { navigate } from '../../state/route';
import { useMessage } from '../../state/use-message';
import { AttachmentsTab } from './AttachmentsTab';
import { HeadersTab } from './HeadersTab';
import { HtmlPreview } from './HtmlPreview';
import { MessageHeader } from './MessageHeader';
import { MimeTab } from './MimeTab';
import { RawTab } from './RawTab';

export function MessageDetailView({ id, tab, onDeleted }: { id: string; tab: string | null; onDeleted: () => void }) {
  const { detail, mime, error, mimeError, deleted, reload } = useMessage(id);
  const [actionError, setActionError] = useState<unknown>(null);

  if (deleted) return <div className="placeholder muted">This message was deleted.</div>;
  if (error) return <ErrorBanner error={error} onRetry={reload} />;
  if (!detail) return <div className="placeholder muted">Loading…</div>;

  const tabs: TabSpec[] = [
    { id: 'html', label: 'HTML', disabled: !detail.html },
    { id: 'text', label: 'Text', disabled: detail.text === null },
    { id: 'headers', label: 'Headers' },
    { id: 'mime', label: 'MIME' },
    { id: 'raw', label: 'Raw' },
    { id: 'attachments', label: `Attachments${detail.attachments.length ? ` (${detail.attachments.length})` : ''}` },
  ];
  const fallback = detail.html ? 'html' : detail.text !== null ? 'text' : 'headers';
  const valid = tabs.find((t) => t.id === tab && !t.disabled);
  const active = valid ? valid.id : fallback;

  return (
    <div className="msg-detail" data-testid="message-detail">
      <MessageHeader m={detail} onDeleted={onDeleted} onError={setActionError} />
      <ErrorBanner error={actionError} compact />
      <Tabs tabs={tabs} active={active} onSelect={(t) => navigate('messages', id, t)} />
      <div className="tab-body">
        {active === 'html' && detail.html ? <HtmlPreview messageId={id} html={detail.html} mime={mime} mimeFailed={!!mimeError} /> : null}
        {active === 'text' ? (
          <div className="tab-scroll">
            <pre className="text-body" data-testid="text-body">
              {detail.text}
            </pre>
          </div>
        ) : null}
        {active === 'headers' ? <HeadersTab m={detail} /> : null}
        {active === 'mime' ? <MimeTab messageId={id} mime={mime} error={mimeError} onRetry={reload} /> : null}
        {active === 'raw' ? <RawTab messageId={id} /> : null}
        {active === 'attachments' ? <AttachmentsTab messageId={id} attachments={detail.attachments} /> : null}
      </div>
    </div>
  );
}
