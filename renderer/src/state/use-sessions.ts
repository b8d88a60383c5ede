// The live session list for a protocol filter and a search query.
import { useCallback, useMemo } from 'react';
import type { ApiEventEnvelope } from '../../../shared/api';
import type { SessionSummary } from '../../../shared/types';
import { useApi } from '../api';
import { formatEndpoint } from '../lib/format';
import { useLiveList, type LiveList, type LiveListChanges } from './live-list';

function sessionChanges(batch: readonly ApiEventEnvelope[]): LiveListChanges<SessionSummary> {
  const ch: LiveListChanges<SessionSummary> = { added: [], updated: [], removed: [] };
  for (const e of batch) {
    if (e.event === 'session.started') ch.added.push(e.data as SessionSummary);
    else if (e.event === 'session.updated' || e.event === 'session.closed') ch.updated.push(e.data as SessionSummary);
    else if (e.event === 'sessions.deleted') ch.removed.push(...(e.data as { ids: string[] }).ids);
  }
  return ch;
}

export function sessionMatches(s: SessionSummary, protocol: string, q: string): boolean {
  if (protocol && s.protocol !== protocol) return false;
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [s.id, s.user ?? '', formatEndpoint(s.client), formatEndpoint(s.server), s.upstream ? formatEndpoint(s.upstream) : '', s.role]
    .join(' ')
    .toLowerCase()
    .includes(needle);
}

export function useSessions(protocol: string, q: string): LiveList<SessionSummary> {
  const api = useApi();
  const fetchPage = useCallback(
    (offset: number, limit: number) => api.call('sessions.list', { offset, limit, q: q || undefined, protocol: protocol || undefined }),
    [api, protocol, q],
  );
  const accepts = useMemo(() => (s: SessionSummary) => sessionMatches(s, protocol, q), [protocol, q]);
  return useLiveList({ fetchPage, key: `p=${protocol}&q=${q}`, changes: sessionChanges, accepts });
}
