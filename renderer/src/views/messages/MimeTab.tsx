// The MIME tab: the tree on top, the selected part's preview below.
import { useState } from 'react';
import type { MimeNode } from '../../../../shared/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { MimeTree } from '../../components/MimeTree';
import { findMime } from '../../lib/mime';
import { MimePartPreview } from './MimePartPreview';

export function MimeTab({ messageId, mime, error, onRetry }: { messageId: string; mime: MimeNode | null; error: unknown; onRetry: () => void }) {
  const [selected, setSelected] = useState<string | null>(null);
  if (error) return <ErrorBanner error={error} onRetry={onRetry} />;
  if (!mime) return <div className="placeholder muted">Loading the MIME structure…</div>;
  const node = selected !== null ? findMime(mime, selected) : null;
  return (
    <div className="tab-scroll mime-tab">
      <MimeTree root={mime} selected={selected} onSelect={setSelected} />
      {node ? <MimePartPreview key={node.path} messageId={messageId} node={node} /> : <p className="muted hint">Select a part to see its headers, preview it or download it decoded.</p>}
    </div>
  );
}
