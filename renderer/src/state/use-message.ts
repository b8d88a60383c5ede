// One message: its detail and MIME tree, kept fresh by live events, marked read when opened.
import { useCallback, useEffect, useState } from 'react';
import type { MessageDetail, MessageSummary, MimeNode } from '../../../shared/types';
import { useApi, useLiveEvents } from '../api';

export interface MessageState {
  detail: MessageDetail | null;
  mime: MimeNode | null;
  error: unknown;
  mimeError: unknown;
  deleted: boolean;
  reload(): void;
}

export function useMessage(id: string): MessageState {
  const api = useApi();
  const [detail, setDetail] = useState<MessageDetail | null>(null);
  const [mime, setMime] = useState<MimeNode | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [mimeError, setMimeError] = useState<unknown>(null);
  const [deleted, setDeleted] = useState(false);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.call('messages.get', { id }).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        if (!d.read) {
          api.call('messages.markRead', { id, read: true }).then(
            (s) => live && setDetail((cur) => (cur && cur.id === s.id ? { ...cur, read: s.read } : cur)),
            () => undefined, // marking read is best effort; the list still shows the dot
          );
        }
      },
      (e: unknown) => live && setError(e),
    );
    api.call('messages.mime', { id }).then(
      (m) => live && (setMime(m), setMimeError(null)),
      (e: unknown) => live && setMimeError(e),
    );
    return () => {
      live = false;
    };
  }, [api, id, nonce]);

  useLiveEvents((batch) => {
    for (const e of batch) {
      if (e.event === 'message.updated' && (e.data as MessageSummary).id === id) {
        const s = e.data as MessageSummary;
        setDetail((cur) => (cur ? { ...cur, ...s } : cur));
      } else if (e.event === 'messages.deleted' && (e.data as { ids: string[] }).ids.includes(id)) {
        setDeleted(true);
      }
    }
  });

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { detail, mime, error, mimeError, deleted, reload };
}
