// A session's wire log, fetched page by page in order as the user scrolls towards the end.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireChunk } from '../../../shared/types';
import { useApi, useLiveEvents } from '../api';

const WIRE_PAGE = 1000;

export interface WireState {
  chunks: WireChunk[];
  total: number;
  loading: boolean;
  error: unknown;
  loadMore(): void;
  reload(): void;
}

export function useWire(id: string): WireState {
  const api = useApi();
  const [chunks, setChunks] = useState<WireChunk[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);
  const busy = useRef(false);
  const state = useRef({ have: 0, total: 0, id });

  const fetchFrom = useCallback(
    (offset: number) => {
      busy.current = true;
      setLoading(true);
      const forId = id;
      api.call('sessions.wire', { id, offset, limit: WIRE_PAGE }).then(
        (page) => {
          busy.current = false;
          if (state.current.id !== forId) return;
          setChunks((prev) => {
            const next = offset === 0 ? page.items : prev.concat(page.items);
            state.current.have = next.length;
            return next;
          });
          state.current.total = page.total;
          setTotal(page.total);
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          busy.current = false;
          setError(e);
          setLoading(false);
        },
      );
    },
    [api, id],
  );

  useEffect(() => {
    state.current = { have: 0, total: 0, id };
    setChunks([]);
    fetchFrom(0);
  }, [id, nonce, fetchFrom]);

  // A live session keeps growing: when its timeline moves and everything so far is loaded,
  // fetch the new chunks (at most every 300 ms).
  const tail = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLiveEvents((batch) => {
    if (tail.current) return;
    const touched = batch.some((e) => e.event === 'timeline.appended' && (e.data as { sessionId: string }).sessionId === id);
    if (!touched) return;
    tail.current = setTimeout(() => {
      tail.current = null;
      if (!busy.current && state.current.have >= state.current.total) fetchFrom(state.current.have);
    }, 300);
  });
  useEffect(() => () => void (tail.current && clearTimeout(tail.current)), []);

  const loadMore = useCallback(() => {
    if (busy.current || state.current.have >= state.current.total) return;
    fetchFrom(state.current.have);
  }, [fetchFrom]);

  return { chunks, total, loading, error, loadMore, reload: () => setNonce((n) => n + 1) };
}
