// The bytes of one exchange's payload: a preview first, the whole on request. Recently seen
// payloads are kept, so a row that scrolls out of view and back does not fetch again.
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api';

export const PREVIEW_BYTES = 8 * 1024;

interface Loaded {
  data: Uint8Array;
  complete: boolean;
}

const cache = new Map<string, Loaded>();
const CACHE_ENTRIES = 24;

function remember(key: string, v: Loaded): void {
  cache.delete(key);
  cache.set(key, v);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}

export interface PayloadState {
  data: Uint8Array | null;
  complete: boolean;
  loading: boolean;
  error: unknown;
  loadAll(): void;
}

export function usePayload(sessionId: string, seq: number, length: number): PayloadState {
  const api = useApi();
  const key = `${sessionId}:${seq}`;
  const [loaded, setLoaded] = useState<Loaded | null>(() => cache.get(key) ?? null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fetch = useCallback(
    (limit: number | undefined) => {
      setLoading(true);
      setError(null);
      api.call('sessions.payload', { id: sessionId, seq, ...(limit !== undefined ? { limit } : {}) }).then(
        (r) => {
          const v = { data: r.data, complete: r.data.length >= length };
          remember(key, v);
          setLoaded(v);
          setLoading(false);
        },
        (e: unknown) => {
          setError(e);
          setLoading(false);
        },
      );
    },
    [api, sessionId, seq, length, key],
  );

  useEffect(() => {
    if (!cache.has(key)) fetch(PREVIEW_BYTES);
  }, [key, fetch]);

  return { data: loaded?.data ?? null, complete: loaded?.complete ?? false, loading, error, loadAll: () => fetch(undefined) };
}
