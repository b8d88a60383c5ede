// The IPC transport of the API contract: one ipcMain.handle per call, each behind a sender
// check, plus live events pushed to our windows. Like main/server/ for HTTP, it implements
// shared/api.ts and never redefines it.
import { ApiError } from '../core/errors.js';
import { IPC_EVENT_CHANNEL, ipcChannel, routes } from '../../shared/api.js';
import type { ApiErrorBody, ApiMethod, MailtapApi } from '../../shared/api.js';
import type { IpcReply } from './bridge.js';
import type { InvokeEventLike, IpcMainLike, Logger, WebContentsLike } from './ports.js';
import { isAppUrl } from './urls.js';

/** Every contract method, from the routes table (it has exactly one entry per call). */
export const API_METHODS = Object.keys(routes) as ApiMethod[];

export interface SenderPolicy {
  /** The app page's URL; a call from any other document is refused. */
  appUrl: string;
  /** True for the web contents of a window this process created. */
  isOwnWebContents(wc: WebContentsLike): boolean;
}

/**
 * Who may call: the main frame of one of our windows, showing the app page. Not a subframe
 * (a message preview is one), not a page the window was somehow navigated to, not a frame that
 * is already gone (senderFrame is null after navigation).
 */
export function isTrustedSender(event: InvokeEventLike, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (!policy.isOwnWebContents(event.sender)) return false;
  // A frame is identified by its process and routing id; only the window's main frame matches.
  const main = event.sender.mainFrame;
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  return isAppUrl(frame.url, policy.appUrl);
}

/** Any thrown value as the error body both transports use. Internals stay in the log. */
export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return { error: { status: err.status, code: err.code, message: err.message } };
  return { error: { status: 500, code: 'internal', message: err instanceof Error ? err.message : 'internal error' } };
}

const fail = (status: number, code: string, message: string): IpcReply => ({ ok: false, error: { status, code, message } });

/** Call parameters are always an object; a call without any sends undefined. */
const isParams = (p: unknown): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p);

export interface IpcOptions extends SenderPolicy {
  ipcMain: IpcMainLike;
  api: MailtapApi;
  log?: Logger;
}

/** Registers a handler per contract method; returns the function that removes them. */
export function registerIpc(opts: IpcOptions): () => void {
  const log = opts.log ?? console;
  for (const method of API_METHODS) {
    opts.ipcMain.handle(ipcChannel(method), async (event, rawParams): Promise<IpcReply> => {
      if (!isTrustedSender(event, opts)) {
        log.warn(`mailtap: refused IPC ${method} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
        return fail(403, 'forbidden', 'caller is not the mailtap window');
      }
      const params = rawParams === undefined ? {} : rawParams;
      if (!isParams(params)) return fail(400, 'bad_request', 'params must be an object');
      try {
        // The method is fixed per channel, so the params type is the one the contract names.
        return { ok: true, result: await opts.api.call(method, params as never) };
      } catch (err) {
        const body = toErrorBody(err);
        if (body.error.status >= 500) log.error(`mailtap: ${method} failed`, err);
        return { ok: false, ...body };
      }
    });
  }
  return () => {
    for (const method of API_METHODS) opts.ipcMain.removeHandler(ipcChannel(method));
  };
}

/**
 * Pushes every live event to the windows as they are now. The renderer batches per animation
 * frame, so nothing is coalesced here. Returns the unsubscribe function.
 */
export function forwardEvents(api: MailtapApi, targets: () => Iterable<WebContentsLike>, log: Logger = console): () => void {
  return api.subscribe((envelope) => {
    for (const wc of targets()) {
      if (wc.isDestroyed()) continue;
      try {
        wc.send(IPC_EVENT_CHANNEL, envelope);
      } catch (err) {
        // A window closing mid-send must not stop delivery to the others.
        log.warn('mailtap: event not delivered', err);
      }
    }
  });
}
