// The shape of `window.mailtap` (what preload.cts exposes) and of the IPC replies behind it.
// Types only: the preload runs sandboxed and can import nothing at runtime.
import type { ApiErrorBody, ApiEventEnvelope, ApiMethod, ApiParams, ApiResult } from '../../shared/api.js';
// tsconfig.main.json includes *.ts, not *.cts; this type import is what makes tsc compile the
// preload to dist/main/electron/preload.cjs. Keep it (or add main/**/*.cts to the include).
import type preloadModule from './preload.cjs';

export type PreloadModule = typeof preloadModule;

/**
 * `window.mailtap` in the Electron window; absent in a browser. The renderer's API client uses
 * it when present and HTTP otherwise. A failed call rejects with an ApiErrorBody,
 * `{ error: { status, code, message } }`, the same body the HTTP transport returns.
 */
export interface MailtapBridge {
  readonly platform: 'electron';
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  /** Live events; returns the function that stops them. */
  onEvent(listener: (envelope: ApiEventEnvelope) => void): () => void;
}

/**
 * What an ipcMain handler resolves with. Errors travel as values, not as thrown errors:
 * Electron flattens a thrown error into a message string and the status and code would be lost.
 */
export type IpcReply<T = unknown> = { ok: true; result: T } | ({ ok: false } & ApiErrorBody);
