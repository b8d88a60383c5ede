// The HTML tab: a sandboxed iframe (no scripts, opaque origin) fed by srcdoc, remote content
// blocked by CSP until the user allows it, cid: images resolved from the message's parts.
import { useEffect, useMemo, useState } from 'react';
import type { MimeNode } from '../../../../shared/types';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ShieldIcon } from '../../components/Icons';
import { dataUrl } from '../../lib/bytes';
import { buildSrcdoc, cidRefs, countRemoteRefs, rewriteCids } from '../../lib/html-preview';
import { contentIdMap } from '../../lib/mime';

export function HtmlPreview({ messageId, html, mime, mimeFailed }: { messageId: string; html: string; mime: MimeNode | null; mimeFailed: boolean }) {
  const api = useApi();
  const [allowRemote, setAllowRemote] = useState(false);
  const [cidUrls, setCidUrls] = useState<Map<string, string>>(new Map());
  const [cidError, setCidError] = useState<unknown>(null);
  // Until cid: images are resolved the frame waits, so it never asks for a cid: URL.
  const [cidReady, setCidReady] = useState(false);
  const remote = useMemo(() => countRemoteRefs(html), [html]);

  useEffect(() => {
    const refs = cidRefs(html);
    // With cid: references, wait for the MIME tree that resolves them (unless it failed).
    if (refs.length > 0 && !mime && !mimeFailed) return setCidReady(false);
    const byCid = contentIdMap(mime);
    const wanted = refs.filter((c) => byCid.has(c));
    if (wanted.length === 0) return setCidReady(true);
    let live = true;
    setCidReady(false);
    Promise.all(
      wanted.map(async (cid) => {
        const part = await api.call('messages.part', { id: messageId, path: byCid.get(cid)! });
        return [cid, dataUrl(part.data, part.contentType.split(';')[0]!.trim())] as const;
      }),
    ).then(
      (pairs) => live && (setCidUrls(new Map(pairs)), setCidReady(true)),
      (e: unknown) => live && (setCidError(e), setCidReady(true)),
    );
    return () => {
      live = false;
    };
  }, [api, messageId, html, mime, mimeFailed]);

  const srcdoc = useMemo(() => buildSrcdoc(rewriteCids(html, cidUrls), allowRemote), [html, cidUrls, allowRemote]);

  return (
    <div className="html-preview">
      {remote > 0 ? (
        <div className={`remote-banner${allowRemote ? ' allowed' : ''}`} data-testid="remote-banner">
          <ShieldIcon size={14} />
          <span>{allowRemote ? `Remote content loaded (${remote})` : `Remote content blocked (${remote})`}</span>
          <button type="button" className="btn small" data-testid="toggle-remote" onClick={() => setAllowRemote((a) => !a)}>
            {allowRemote ? 'Block remote content' : 'Load remote content'}
          </button>
        </div>
      ) : null}
      <ErrorBanner error={cidError} compact />
      {cidReady ? (
      <iframe
        className="html-frame"
        title="HTML preview"
        data-testid="html-frame"
        sandbox=""
        referrerPolicy="no-referrer"
        srcDoc={srcdoc}
      />
      ) : (
        <div className="placeholder muted">Resolving inline images…</div>
      )}
    </div>
  );
}
