// MailtapApi over the Electron preload bridge (window.mailtap). The renderer never imports
// Electron: the bridge is a plain object with call() and onEvent().
import type { ApiMethod, ApiParams, ApiResult } from '../../../shared/api';
import { ApiClientError } from './errors';
import type { PreloadBridge, Transport, TransportHooks } from './transport';

export function createIpcTransport(bridge: PreloadBridge): Transport {
  async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    let result: unknown;
    try {
      result = await bridge.call(method, params);
    } catch (err) {
      throw ApiClientError.from(err);
    }
    // The main process may answer an error as a body rather than a rejection.
    if (ApiClientError.isBody(result)) throw ApiClientError.fromBody(result);
    return result as ApiResult<M>;
  }

  function connect(hooks: TransportHooks): () => void {
    hooks.onState('open', false);
    return bridge.onEvent(hooks.onEvent);
  }

  return { kind: 'electron', call, connect };
}
