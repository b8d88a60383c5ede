// An expanded exchange's payload (a DATA or BDAT body, an IMAP literal, a POP3 multi-line
// body): its size and where it sits, the decoded message if the exchange produced one, and
// the bytes as they crossed the wire, as text or hex, in a fixed-height box that scrolls (so
// the row keeps the height the list computed). Large payloads show a preview until "Show all".
import { useMemo, useState } from 'react';
import type { ExchangeEvent } from '../../../../shared/types';
import { useApi } from '../../api';
import { DownloadIcon, LinkIcon } from '../../components/Icons';
import { saveBytes } from '../../lib/bytes';
import { formatBytes } from '../../lib/format';
import { hexRow } from '../../lib/wire-lines';
import { routeHref } from '../../state/route';
import { usePayload } from '../../state/use-payload';
import { DETAIL_LINE_HEIGHT, PAYLOAD_BOX_LINES } from './timeline-model';

/** Beyond this the page would struggle to lay out the text: offer the download instead. */
const SHOW_ALL_LIMIT = 4 * 1024 * 1024;
const KIND_LABEL = { data: 'DATA body', bdat: 'BDAT chunk', literal: 'literal', multiline: 'multi-line body' } as const;

function hexDump(bytes: Uint8Array, base: number): string {
  const rows: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) rows.push(hexRow(bytes.subarray(i, i + 16), base + i));
  return rows.join('\n');
}

export function PayloadDetail({ e, sessionId, messageId }: { e: ExchangeEvent; sessionId: string; messageId: string | undefined }) {
  const p = e.payload!;
  const api = useApi();
  const payload = usePayload(sessionId, e.seq, p.length);
  const [hex, setHex] = useState(false);
  const text = useMemo(() => {
    if (!payload.data) return '';
    return hex ? hexDump(payload.data, p.offset) : new TextDecoder('utf-8').decode(payload.data);
  }, [payload.data, hex, p.offset]);
  const shown = payload.data?.length ?? 0;
  const download = () => api.call('sessions.payload', { id: sessionId, seq: e.seq }).then((r) => saveBytes(r.data, r.contentType, r.filename), () => undefined);

  return (
    <div className="payload" data-testid="payload-detail" onClick={(ev) => ev.stopPropagation()} onDoubleClick={(ev) => ev.stopPropagation()}>
      <div className="d-line payload-head">
        <span className="d-key">payload</span>
        <span className="payload-desc" data-testid="payload-size" title={`${p.length.toLocaleString('en')} bytes, ${p.direction === 'c2s' ? 'client → server' : 'server → client'}, at byte ${p.offset.toLocaleString('en')} of that stream`}>
          {KIND_LABEL[p.kind]} · {formatBytes(p.length)}
        </span>
        {messageId ? (
          <a href={routeHref('messages', messageId)} className="payload-msg" data-testid="payload-message-link">
            <LinkIcon size={11} /> message
          </a>
        ) : null}
        <span className="tabs-spacer" />
        {payload.data && !payload.complete ? (
          <span className="payload-more" data-testid="payload-truncated">
            <span className="muted">
              {formatBytes(shown)} of {formatBytes(p.length)} shown
            </span>
            {p.length <= SHOW_ALL_LIMIT ? (
              <button type="button" className="btn tiny" disabled={payload.loading} onClick={payload.loadAll} data-testid="payload-show-all">
                {payload.loading ? 'Loading…' : 'Show all'}
              </button>
            ) : (
              <span className="muted"> · download it to see all</span>
            )}
          </span>
        ) : null}
        <span className="segmented tiny-seg" role="group" aria-label="Payload format">
          <button type="button" className={hex ? '' : 'on'} onClick={() => setHex(false)}>
            Text
          </button>
          <button type="button" className={hex ? 'on' : ''} onClick={() => setHex(true)} data-testid="payload-hex">
            Hex
          </button>
        </span>
        <button type="button" className="btn ghost tiny" onClick={() => void download()} title="Download the bytes as sent" data-testid="payload-download">
          <DownloadIcon size={12} />
        </button>
      </div>
      <pre className="payload-box" style={{ height: PAYLOAD_BOX_LINES * DETAIL_LINE_HEIGHT }} data-testid="payload-bytes" tabIndex={-1}>
        {payload.error ? <span className="st-err">Could not load the payload.</span> : payload.data === null ? <span className="muted">Loading…</span> : text}
      </pre>
    </div>
  );
}
