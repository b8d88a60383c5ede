// React bindings of the client: a provider and hooks for calls, live batches and connection.
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiEventEnvelope } from '../../../shared/api';
import type { ConnectionInfo, MailtapClient } from './client';

const ApiContext = createContext<MailtapClient | null>(null);

export function ApiProvider({ client, children }: { client: MailtapClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): MailtapClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside <ApiProvider>');
  return client;
}

export function useConnection(): ConnectionInfo {
  const client = useApi();
  return useSyncExternalStore(
    (notify) => client.onConnection(notify),
    () => client.connection,
  );
}

/** Calls `handler` with each per-frame batch; the latest handler is used without resubscribing. */
export function useLiveEvents(handler: (batch: readonly ApiEventEnvelope[]) => void): void {
  const client = useApi();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => client.subscribeBatch((batch) => ref.current(batch)), [client]);
}
