// The selected MIME part: its headers, an inline preview (text or image) and a download of the
// decoded body via messages.part.
import { useEffect, useState } from 'react';
import type { BinaryResult } from '../../../../shared/api';
import type { MimeNode } from '../../../../shared/types';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { DownloadIcon } from '../../components/Icons';
import { decodeText, saveBytes, toBlob } from '../../lib/bytes';
import { formatBytes } from '../../lib/format';
import { isPreviewableImage, isPreviewableText, partSection } from '../../lib/mime';

const MAX_TEXT_PREVIEW = 512 * 1024;

export function MimePartPreview({ messageId, node }: { messageId: string; node: MimeNode }) {
  const api = useApi();
  const section = partSection(node);
  const [part, setPart] = useState<BinaryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const wantsPreview = section !== null && (isPreviewableText(node) || isPreviewableImage(node));

  useEffect(() => {
    setPart(null);
    setError(null);
    if (!wantsPreview || section === null) return;
    let live = true;
    api.call('messages.part', { id: messageId, path: section }).then(
      (p) => live && setPart(p),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, messageId, section, wantsPreview]);

  useEffect(() => {
    if (!part || !isPreviewableImage(node)) return setImageUrl(null);
    const url = URL.createObjectURL(toBlob(part.data, node.contentType));
    setImageUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [part, node]);

  const download = () => {
    if (section === null) return;
    setError(null);
    api.call('messages.part', { id: messageId, path: section }).then((p) => saveBytes(p.data, p.contentType, node.filename || p.filename), setError);
  };

  return (
    <div className="part-preview" data-testid="part-preview">
      <div className="part-head">
        <span className="mono strong">{node.contentType}</span>
        <span className="muted">
          section {node.path || 'root'} · {formatBytes(node.size)} encoded · {node.lines} lines
        </span>
        <div className="tabs-spacer" />
        {section !== null ? (
          <button type="button" className="btn small" data-testid="part-download" onClick={download}>
            <DownloadIcon size={14} /> Download decoded
          </button>
        ) : null}
      </div>
      <table className="kv">
        <tbody>
          {node.headers.map((h, i) => (
            <tr key={i}>
              <th>{h.name}</th>
              <td className="mono">{h.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorBanner error={error} compact />
      {section === null ? <p className="muted">A multipart container: select one of its parts.</p> : null}
      {part && isPreviewableText(node) ? (
        <pre className="mono text-body" data-testid="part-text">
          {decodeText(part.data.subarray(0, MAX_TEXT_PREVIEW), node.charset)}
          {part.data.length > MAX_TEXT_PREVIEW ? `\n… ${formatBytes(part.data.length - MAX_TEXT_PREVIEW)} more; download to see all` : ''}
        </pre>
      ) : null}
      {imageUrl ? <img className="part-image" src={imageUrl} alt={node.filename ?? node.contentType} data-testid="part-image" /> : null}
      {section !== null && !wantsPreview ? <p className="muted">No inline preview for {node.contentType}; download the decoded part.</p> : null}
    </div>
  );
}
