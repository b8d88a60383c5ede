// The server replays of one session (replay.serve): started here, listed and polled for their
// connection and mismatch counts while any is running, stopped here.
import { useCallback, useEffect, useState } from 'react';
import type { ReplayServerState, TlsMode } from '../../../shared/types';
import { useApi } from '../api';

const POLL_MS = 1500;

export interface ReplayServers {
  items: ReplayServerState[];
  error: unknown;
  busy: boolean;
  serve(o: { port?: number; tls?: TlsMode | 'auto' }): Promise<void>;
  stop(id: string): Promise<void>;
}

export function useReplayServers(sessionId: string): ReplayServers {
  const api = useApi();
  const [items, setItems] = useState<ReplayServerState[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(
    () =>
      api.call('replay.list', {}).then(
        (all) => setItems(all.filter((x) => x.sessionId === sessionId)),
        (e: unknown) => setError(e),
      ),
    [api, sessionId],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const running = items.length > 0;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [running, refresh]);

  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return {
    items,
    error,
    busy,
    serve: (o) => act(() => api.call('replay.serve', { sessionId, ...o })),
    stop: (id) => act(() => api.call('replay.stop', { id })),
  };
}
