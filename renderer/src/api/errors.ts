// The one error type the UI sees from any transport: status is HTTP-like (0 = network).
import type { ApiErrorBody } from '../../../shared/api';

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }

  static isBody(x: unknown): x is ApiErrorBody {
    if (typeof x !== 'object' || x === null || !('error' in x)) return false;
    const e = (x as { error: unknown }).error;
    return typeof e === 'object' && e !== null && 'message' in e && 'code' in e;
  }

  static fromBody(body: ApiErrorBody, fallbackStatus = 500): ApiClientError {
    const e = body.error;
    return new ApiClientError(Number(e.status) || fallbackStatus, String(e.code), String(e.message));
  }

  /** Anything thrown by a transport, as an ApiClientError. */
  static from(err: unknown): ApiClientError {
    if (err instanceof ApiClientError) return err;
    if (ApiClientError.isBody(err)) return ApiClientError.fromBody(err);
    const message = err instanceof Error ? err.message : String(err);
    // Electron's ipcRenderer.invoke flattens a thrown error into its message; a JSON error
    // body may be embedded in it ("Error invoking remote method '…': Error: {…}").
    const json = /\{"error":.*\}/.exec(message);
    if (json) {
      try {
        const parsed: unknown = JSON.parse(json[0]);
        if (ApiClientError.isBody(parsed)) return ApiClientError.fromBody(parsed);
      } catch {
        /* not JSON after all */
      }
    }
    return new ApiClientError(0, 'transport', message);
  }
}

/** A short human message for an inline error banner. */
export function describeError(err: unknown): string {
  const e = ApiClientError.from(err);
  if (e.status === 0) return `Cannot reach mailtap: ${e.message}`;
  if (e.status === 401 || e.status === 403) return `Not authorised (${e.status}): open the URL with its ?token=… from \`mailtap serve\`.`;
  return `${e.message} (${e.status} ${e.code})`;
}
