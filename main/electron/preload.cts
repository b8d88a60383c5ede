/**
 * The preload bridge: the only thing the page gets from Electron.
 *
 *   window.mailtap = {
 *     platform: 'electron',
 *     call(method, params): Promise<result>,   // one ipcRenderer.invoke('mailtap:<method>', params)
 *     onEvent(listener): () => void,           // listener(envelope) for each live event; returns unsubscribe
 *   }
 *
 * `method` is a key of ApiCalls (shared/api.ts) and `params`/`result` are that call's types;
 * `envelope` is an ApiEventEnvelope `{ event, data }`. A failed call rejects with the HTTP
 * transport's error body, `{ error: { status, code, message } }`. The TypeScript shape is
 * MailtapBridge in bridge.ts.
 *
 * CommonJS because Electron runs a sandboxed preload as a plain script: no ESM, and `require`
 * serves only 'electron' and a few builtins. So nothing from shared/ can be imported at runtime;
 * the method list and channel names are inlined below, kept equal to shared/api.ts by the type
 * check here and by test/unit/electron-preload.test.ts.
 */
import type { ApiEventEnvelope, ApiMethod } from '../../shared/api.js';
import type { IpcReply, MailtapBridge } from './bridge.js';

const METHODS = [
  'server.info',
  'server.stats',
  'messages.list',
  'messages.get',
  'messages.raw',
  'messages.mime',
  'messages.part',
  'messages.markRead',
  'messages.delete',
  'messages.clear',
  'sessions.list',
  'sessions.get',
  'sessions.wire',
  'sessions.delete',
  'sessions.clear',
  'sessions.secret',
  'sessions.payload',
  'settings.get',
  'settings.update',
  'ca.info',
  'ca.export',
  'ca.regenerate',
  'listeners.list',
  'listeners.create',
  'listeners.update',
  'listeners.delete',
  'listeners.start',
  'listeners.stop',
  'replay.run',
  'replay.serve',
  'replay.stop',
  'replay.list',
  'replay.result',
  'sessions.exportJson',
  'sessions.importJson',
  'sessions.export',
  'messages.export',
  'messages.import',
] as const satisfies readonly ApiMethod[];

// Fails to compile when a call is added to ApiCalls but not to METHODS.
type Unlisted = Exclude<ApiMethod, (typeof METHODS)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

/** ipcChannel(method) and IPC_EVENT_CHANNEL from shared/api.ts. */
const CHANNEL_PREFIX = 'mailtap:';
const EVENT_CHANNEL = 'mailtap:event';

type IpcListener = (event: unknown, ...args: unknown[]) => void;
interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

const isReply = (v: unknown): v is IpcReply =>
  typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';

function createBridge(ipc: IpcRendererLike): MailtapBridge {
  const allowed = new Set<string>(METHODS);
  const bridge = {
    platform: 'electron' as const,
    async call(method: unknown, params: unknown): Promise<unknown> {
      // The page is untrusted input too: only contract methods get a channel name built.
      if (typeof method !== 'string' || !allowed.has(method)) {
        throw { error: { status: 400, code: 'unknown_method', message: `unknown API method: ${String(method)}` } };
      }
      const reply = await ipc.invoke(CHANNEL_PREFIX + method, params);
      if (!isReply(reply)) throw { error: { status: 500, code: 'bad_reply', message: 'malformed IPC reply' } };
      if (reply.ok) return reply.result;
      throw { error: reply.error };
    },
    onEvent(listener: unknown): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent expects a function');
      // The IPC event object carries `sender` (the ipcRenderer itself); never hand it to the page.
      const relay: IpcListener = (_event, envelope) => (listener as (e: ApiEventEnvelope) => void)(envelope as ApiEventEnvelope);
      ipc.on(EVENT_CHANNEL, relay);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, relay);
      };
    },
  };
  // The generic call<M> signature cannot be written on an object literal; the runtime checks above stand in.
  return bridge as unknown as MailtapBridge;
}

function expose(): void {
  let electron: typeof import('electron') | string;
  try {
    electron = require('electron');
  } catch {
    return; // plain Node (the unit tests import this file for createBridge): no Electron here
  }
  // Outside a renderer, require('electron') is the path of the binary, not the API.
  if (typeof electron !== 'object' || !electron.contextBridge) return;
  electron.contextBridge.exposeInMainWorld('mailtap', createBridge(electron.ipcRenderer));
}

expose();

export = { METHODS, CHANNEL_PREFIX, EVENT_CHANNEL, createBridge };
