// What a transport provides; the client (client.ts) adds batching and connection state on top.
import type { ApiEventEnvelope, ApiMethod, ApiParams, ApiResult } from '../../../shared/api';
import type { ConnectionState } from './live-socket';

export interface TransportHooks {
  onEvent: (e: ApiEventEnvelope) => void;
  onState: (s: ConnectionState, reconnected: boolean) => void;
}

export interface Transport {
  kind: 'http' | 'electron';
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  connect(hooks: TransportHooks): () => void;
}

/** The narrow object the Electron preload puts on window (contextBridge). */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<unknown>;
  onEvent(listener: (envelope: ApiEventEnvelope) => void): () => void;
  platform: 'electron';
}
