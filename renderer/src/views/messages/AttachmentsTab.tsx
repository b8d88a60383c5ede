// Attachments with their decoded downloads (messages.part).
import { useState } from 'react';
import type { AttachmentInfo } from '../../../../shared/types';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { DownloadIcon, PaperclipIcon } from '../../components/Icons';
import { saveBytes } from '../../lib/bytes';
import { formatBytes } from '../../lib/format';

export function AttachmentsTab({ messageId, attachments }: { messageId: string; attachments: AttachmentInfo[] }) {
  const api = useApi();
  const [error, setError] = useState<unknown>(null);
  if (attachments.length === 0) return <div className="placeholder muted">This message has no attachments.</div>;
  const download = (a: AttachmentInfo) => {
    setError(null);
    api.call('messages.part', { id: messageId, path: a.path }).then((p) => saveBytes(p.data, a.contentType, a.filename || p.filename), setError);
  };
  return (
    <div className="tab-scroll">
      <ErrorBanner error={error} compact />
      <ul className="attachments" data-testid="attachments">
        {attachments.map((a) => (
          <li key={a.path} className="attachment">
            <PaperclipIcon size={16} />
            <div className="att-meta">
              <div className="strong">{a.filename || '(unnamed)'}</div>
              <div className="muted mono small">
                {a.contentType} · {formatBytes(a.size)} · section {a.path}
                {a.inline ? ' · inline' : ''}
                {a.contentId ? ` · cid:${a.contentId.replace(/^<|>$/g, '')}` : ''}
              </div>
            </div>
            <button type="button" className="btn small" data-testid="attachment-download" data-filename={a.filename} onClick={() => download(a)}>
              <DownloadIcon size={14} /> Download
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
