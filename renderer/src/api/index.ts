// The only module that talks to the backend. Picks the transport: the Electron preload
// bridge when present, HTTP + WebSocket otherwise.
import { MailtapClient } from './client';
import { createHttpTransport } from './http-client';
import { createIpcTransport } from './ipc-client';
import { readToken } from './token';
import type { PreloadBridge } from './transport';

export { MailtapClient, type ConnectionInfo } from './client';
export { ApiClientError, describeError } from './errors';
export { ApiProvider, useApi, useConnection, useLiveEvents } from './react';

declare global {
  interface Window {
    mailtap?: PreloadBridge;
  }
}

export function createClient(): MailtapClient {
  const bridge = window.mailtap;
  if (bridge && typeof bridge.call === 'function') return new MailtapClient(createIpcTransport(bridge));
  return new MailtapClient(createHttpTransport(window.location.origin, readToken()));
}
