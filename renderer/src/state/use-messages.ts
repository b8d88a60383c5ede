// The live message list for a search query.
import { useCallback, useMemo } from 'react';
import type { ApiEventEnvelope } from '../../../shared/api';
import type { MessageSummary } from '../../../shared/types';
import { useApi } from '../api';
import { useLiveList, type LiveList, type LiveListChanges } from './live-list';

function messageChanges(batch: readonly ApiEventEnvelope[]): LiveListChanges<MessageSummary> {
  const ch: LiveListChanges<MessageSummary> = { added: [], updated: [], removed: [] };
  for (const e of batch) {
    if (e.event === 'message.received') ch.added.push(e.data as MessageSummary);
    else if (e.event === 'message.updated') ch.updated.push(e.data as MessageSummary);
    else if (e.event === 'messages.deleted') ch.removed.push(...(e.data as { ids: string[] }).ids);
  }
  return ch;
}

/** A client-side approximation of the server's free-text match, for live arrivals. */
export function messageMatches(m: MessageSummary, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  const hay = [m.subject, m.from?.address, m.from?.name, ...m.to.map((a) => `${a.name} ${a.address}`), m.snippet, m.envelope.mailFrom, ...m.envelope.rcptTo]
    .join(' ')
    .toLowerCase();
  return hay.includes(needle);
}

export function useMessages(q: string): LiveList<MessageSummary> {
  const api = useApi();
  const fetchPage = useCallback((offset: number, limit: number) => api.call('messages.list', { offset, limit, q: q || undefined }), [api, q]);
  const accepts = useMemo(() => (m: MessageSummary) => messageMatches(m, q), [q]);
  return useLiveList({ fetchPage, key: `q=${q}`, changes: messageChanges, accepts });
}
