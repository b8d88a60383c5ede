// The proxy listeners: loaded once, reloaded after every action and on the live
// `listeners.changed` event (a listener started from the CLI, an upstream error), and on reconnect.
import { useCallback, useEffect, useState } from 'react';
import type { ProxyListenerConfig, ProxyListenerState } from '../../../shared/types';
import { useApi, useConnection, useLiveEvents } from '../api';

export interface ListenersState {
  items: ProxyListenerState[];
  loading: boolean;
  error: unknown;
  reload(): void;
  create(c: Partial<ProxyListenerConfig>): Promise<ProxyListenerState>;
  update(name: string, c: Partial<ProxyListenerConfig>): Promise<ProxyListenerState>;
  remove(name: string): Promise<void>;
  setRunning(name: string, running: boolean): Promise<void>;
}

export function useListeners(): ListenersState {
  const api = useApi();
  const { generation } = useConnection();
  const [items, setItems] = useState<ProxyListenerState[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    api.call('listeners.list', {}).then(
      (list) => {
        if (!live) return;
        setItems(list);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, generation, nonce]);

  useLiveEvents((batch) => {
    // Saved listeners live in settings too, so a settings change may be a listener change.
    if (batch.some((e) => (e.event as string) === 'listeners.changed' || e.event === 'settings.changed')) reload();
  });

  const create = useCallback(
    async (c: Partial<ProxyListenerConfig>) => {
      try {
        return await api.call('listeners.create', c);
      } finally {
        reload();
      }
    },
    [api, reload],
  );
  const update = useCallback(
    async (name: string, c: Partial<ProxyListenerConfig>) => {
      try {
        return await api.call('listeners.update', { ...c, name });
      } finally {
        reload();
      }
    },
    [api, reload],
  );
  const remove = useCallback(
    async (name: string) => {
      try {
        await api.call('listeners.delete', { name });
      } finally {
        reload();
      }
    },
    [api, reload],
  );
  const setRunning = useCallback(
    async (name: string, running: boolean) => {
      try {
        await api.call(running ? 'listeners.start' : 'listeners.stop', { name });
      } finally {
        reload();
      }
    },
    [api, reload],
  );

  return { items, loading, error, reload, create, update, remove, setRunning };
}
