// MailtapApi over HTTP + WebSocket (browser mode, served by `mailtap serve`).
import { WS_PATH, type ApiMethod, type ApiParams, type ApiResult, type BinaryResult } from '../../../shared/api';
import { ApiClientError } from './errors';
import { buildRequest, dispositionFilename } from './http-request';
import { LiveSocket } from './live-socket';
import type { Transport, TransportHooks } from './transport';

export function createHttpTransport(origin: string, token: string | null): Transport {
  const headers = (body: 'json' | 'bytes' | null): HeadersInit => {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (body) h['Content-Type'] = body === 'json' ? 'application/json' : 'application/octet-stream';
    if (token) h.Authorization = `Bearer ${token}`;
    return h;
  };

  async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const req = buildRequest(origin, method, params as object);
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method, headers: headers(req.body === undefined ? null : req.upload ? 'bytes' : 'json'), body: req.body });
    } catch (err) {
      throw new ApiClientError(0, 'network', err instanceof Error ? err.message : String(err));
    }
    if (!res.ok) throw await errorOf(res);
    if (req.binary) {
      const data = new Uint8Array(await res.arrayBuffer());
      const result: BinaryResult = {
        contentType: res.headers.get('Content-Type') ?? 'application/octet-stream',
        filename: dispositionFilename(res.headers.get('Content-Disposition')) ?? 'download.bin',
        data,
      };
      return result as ApiResult<M>;
    }
    return (await res.json()) as ApiResult<M>;
  }

  function connect(hooks: TransportHooks): () => void {
    const url = new URL(WS_PATH, origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (token) url.searchParams.set('token', token);
    const socket = new LiveSocket({ url: url.toString(), onEvent: hooks.onEvent, onState: hooks.onState });
    return () => socket.stop();
  }

  return { kind: 'http', call, connect };
}

async function errorOf(res: Response): Promise<ApiClientError> {
  const text = await res.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (ApiClientError.isBody(body)) return ApiClientError.fromBody(body, res.status);
  } catch {
    /* not JSON */
  }
  return new ApiClientError(res.status, 'http_error', text.trim().slice(0, 200) || res.statusText || `HTTP ${res.status}`);
}
