// The raw source as received (messages.raw), in monospace.
import { useEffect, useState } from 'react';
import type { BinaryResult } from '../../../../shared/api';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { DownloadIcon } from '../../components/Icons';
import { decodeText, saveBytes } from '../../lib/bytes';
import { formatBytes } from '../../lib/format';

const MAX_SHOWN = 2 * 1024 * 1024;

export function RawTab({ messageId }: { messageId: string }) {
  const api = useApi();
  const [raw, setRaw] = useState<BinaryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    api.call('messages.raw', { id: messageId }).then(
      (r) => live && setRaw(r),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, messageId, nonce]);

  if (error) return <ErrorBanner error={error} onRetry={() => setNonce((n) => n + 1)} />;
  if (!raw) return <div className="placeholder muted">Loading the raw source…</div>;
  const text = decodeText(raw.data.subarray(0, MAX_SHOWN), 'utf-8');
  return (
    <div className="raw-tab">
      <div className="subbar">
        <span className="muted">{formatBytes(raw.data.length)}</span>
        <div className="tabs-spacer" />
        <button type="button" className="btn small" onClick={() => saveBytes(raw.data, 'message/rfc822', raw.filename || `${messageId}.eml`)}>
          <DownloadIcon size={14} /> Download .eml
        </button>
      </div>
      <pre className="mono raw-source" data-testid="raw-source">
        {text}
        {raw.data.length > MAX_SHOWN ? `\n… ${formatBytes(raw.data.length - MAX_SHOWN)} more: download the .eml to see all.` : ''}
      </pre>
    </div>
  );
}
