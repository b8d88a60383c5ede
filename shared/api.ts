// The API contract, declared once. main/core/service.ts implements it; main/server/ serves it
// over HTTP + WebSocket; main/electron/ serves it over IPC; renderer/api/ calls it. Nothing
// here may import Node, the DOM or Electron.
import type {
  CaInfo,
  MessageDetail,
  MessageImportProgress,
  MessageImportResult,
  MessageSummary,
  MimeNode,
  Page,
  ProxyListenerConfig,
  ProxyListenerState,
  ReplayResult,
  ReplayRunOptions,
  ReplayServerState,
  StoredReplayRun,
  SessionJson,
  TlsMode,
  ServerInfo,
  ServerStats,
  SessionSummary,
  Settings,
  TimelineEvent,
  WireChunk,
} from './types.js';

export interface MessageQuery {
  offset?: number;
  limit?: number;
  /** Free text: matches from, to, subject and the text body. */
  q?: string;
  from?: string;
  to?: string;
  subject?: string;
  sessionId?: string;
}

export interface SessionQuery {
  offset?: number;
  limit?: number;
  q?: string;
  protocol?: string;
  role?: string;
}

export interface SessionDetail {
  session: SessionSummary;
  /** A page of timeline events, in order. */
  events: Page<TimelineEvent>;
}

/** The unmasked secret of one auth event, decoded again from the wire log (sessions.secret). */
export interface AuthSecret {
  seq: number;
  mechanism: string;
  user: string | null;
  /**
   * The password as sent; for CRAM-MD5 and APOP the digest, which is not a password; for
   * XOAUTH2 and OAUTHBEARER (RFC 7628) the OAuth 2.0 bearer token.
   */
  secret: string | null;
  kind: 'password' | 'digest' | 'token' | null;
  /** Why there is no secret, or what the secret is not. */
  note: string | null;
}

/** Bytes travel as base64 in JSON and as Uint8Array over IPC; the call signature hides which. */
export interface BinaryResult {
  contentType: string;
  filename: string;
  data: Uint8Array;
}

/** Every call: its parameters and its result. */
export interface ApiCalls {
  'server.info': { params: Record<string, never>; result: ServerInfo };
  'server.stats': { params: { reset?: boolean }; result: ServerStats };
  'messages.list': { params: MessageQuery; result: Page<MessageSummary> };
  'messages.get': { params: { id: string }; result: MessageDetail };
  'messages.raw': { params: { id: string }; result: BinaryResult };
  'messages.mime': { params: { id: string }; result: MimeNode };
  'messages.part': { params: { id: string; path: string }; result: BinaryResult };
  'messages.markRead': { params: { id: string; read: boolean }; result: MessageSummary };
  'messages.delete': { params: { id: string }; result: { deleted: number } };
  'messages.clear': { params: Record<string, never>; result: { deleted: number } };
  'sessions.list': { params: SessionQuery; result: Page<SessionSummary> };
  'sessions.get': { params: { id: string; offset?: number; limit?: number }; result: SessionDetail };
  'sessions.wire': { params: { id: string; offset?: number; limit?: number }; result: Page<WireChunk> };
  /** Delete one closed session, with its wire log (409 while it is still open). */
  'sessions.delete': { params: { id: string }; result: { deleted: number } };
  'sessions.clear': { params: Record<string, never>; result: { deleted: number } };
  /** The secret of the auth event `seq`, decoded from the wire log; views mask it until asked. */
  'sessions.secret': { params: { id: string; seq: number }; result: AuthSecret };
  /** The bytes of exchange `seq`'s payload (DATA, BDAT, literal, multi-line body), at most `limit`. */
  'sessions.payload': { params: { id: string; seq: number; limit?: number }; result: BinaryResult };
  'settings.get': { params: Record<string, never>; result: Settings };
  'settings.update': { params: DeepPartial<Settings>; result: Settings };
  'ca.info': { params: Record<string, never>; result: CaInfo };
  /** The CA certificate (never its key) as PEM, DER or PKCS#12. */
  'ca.export': { params: { format?: 'pem' | 'der' | 'p12'; password?: string }; result: BinaryResult };
  'ca.regenerate': { params: Record<string, never>; result: CaInfo };
  'listeners.list': { params: Record<string, never>; result: ProxyListenerState[] };
  'listeners.create': { params: Partial<ProxyListenerConfig>; result: ProxyListenerState };
  'listeners.update': { params: Partial<ProxyListenerConfig> & { name: string }; result: ProxyListenerState };
  'listeners.delete': { params: { name: string }; result: { deleted: number } };
  'listeners.start': { params: { name: string }; result: ProxyListenerState };
  'listeners.stop': { params: { name: string }; result: ProxyListenerState };
  /** Play a captured session's client side against a target and diff the responses. */
  'replay.run': { params: ReplayRunOptions; result: ReplayResult };
  /** Serve a captured session's server side on a port (0: any) until replay.stop. */
  'replay.serve': { params: { sessionId: string; host?: string; port?: number; tls?: TlsMode | 'auto' }; result: ReplayServerState };
  'replay.stop': { params: { id: string }; result: { stopped: number } };
  'replay.list': { params: Record<string, never>; result: ReplayServerState[] };
  /** The diff of the client replay that recorded this session (404 if none is kept). */
  'replay.result': { params: { sessionId: string }; result: StoredReplayRun };
  /** The session as JSON (SessionJson): summary, TLS, wire log and timeline. */
  'sessions.exportJson': { params: { id: string }; result: BinaryResult };
  /** Recreate a session from its JSON: the same id if it is free, otherwise a new one. */
  'sessions.importJson': { params: { session: SessionJson | string }; result: SessionSummary };
  /** The session as a transcript (C:/S: lines), a pcapng of its plaintext streams, or its TLS keys (SSLKEYLOGFILE). */
  'sessions.export': { params: { id: string; format: 'transcript' | 'pcapng' | 'keylog'; ports?: 'recorded' | 'standard' }; result: BinaryResult };
  /** Messages as mboxrd, oldest first: `ids` (an array, or comma-separated), else those a query matches, else all. */
  'messages.export': { params: Omit<MessageQuery, 'offset' | 'limit'> & { ids?: string[] | string }; result: BinaryResult };
  /**
   * Add the messages of an .eml or mbox file to the store as if caught (source 'import'). Over
   * HTTP the request body is the file itself; over IPC `data` is its bytes; in JSON, base64.
   */
  'messages.import': { params: { data: Uint8Array | string | AsyncIterable<Uint8Array>; format?: 'auto' | 'eml' | 'mbox'; size?: number }; result: MessageImportResult };
}

export type ApiMethod = keyof ApiCalls;
export type ApiParams<M extends ApiMethod> = ApiCalls[M]['params'];
export type ApiResult<M extends ApiMethod> = ApiCalls[M]['result'];

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** Live events pushed to the UI. */
export interface ApiEvents {
  'session.started': SessionSummary;
  'session.updated': SessionSummary;
  'session.closed': SessionSummary;
  'timeline.appended': { sessionId: string; events: TimelineEvent[] };
  'message.received': MessageSummary;
  'message.updated': MessageSummary;
  'messages.deleted': { ids: string[] };
  'sessions.deleted': { ids: string[] };
  'settings.changed': Settings;
  /** A client replay's progress: exchanges done of the recorded total. */
  'replay.progress': { sourceId: string; sessionId: string | null; done: number; total: number };
  /** A messages.import's progress, a few times a second and once when it is done. */
  'messages.import.progress': MessageImportProgress;
  /** A proxy listener was created, updated, deleted, started, stopped or failed: the whole list. */
  'listeners.changed': { listeners: ProxyListenerState[] };
}

export type ApiEventName = keyof ApiEvents;
export interface ApiEventEnvelope<E extends ApiEventName = ApiEventName> {
  event: E;
  data: ApiEvents[E];
}

/** The one client interface both transports implement, in the renderer and in tests. */
export interface MailtapApi {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  subscribe(listener: (e: ApiEventEnvelope) => void): () => void;
}

/** A failed call: the transport turns it into this, with an HTTP-like status. */
export interface ApiErrorBody {
  error: { status: number; code: string; message: string };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** Path with :params, under /api. */
  path: string;
  /** A binary result is served as bytes with its own Content-Type, not JSON. */
  binary?: boolean;
  /** The request body is not JSON but the bytes of the `data` parameter, streamed (HTTP only). */
  upload?: boolean;
  /** A JSON body may be this large (bytes); the default is 1 MiB. */
  maxBody?: number;
}

/** REST mapping of every call. The server and the browser client both derive from this table. */
export const routes: { [M in ApiMethod]: Route } = {
  'server.info': { method: 'GET', path: '/api/info' },
  'server.stats': { method: 'GET', path: '/api/stats' },
  'messages.list': { method: 'GET', path: '/api/messages' },
  'messages.get': { method: 'GET', path: '/api/messages/:id' },
  'messages.raw': { method: 'GET', path: '/api/messages/:id/raw', binary: true },
  'messages.mime': { method: 'GET', path: '/api/messages/:id/mime' },
  'messages.part': { method: 'GET', path: '/api/messages/:id/parts/:path', binary: true },
  'messages.markRead': { method: 'PATCH', path: '/api/messages/:id' },
  'messages.delete': { method: 'DELETE', path: '/api/messages/:id' },
  'messages.clear': { method: 'DELETE', path: '/api/messages' },
  'sessions.list': { method: 'GET', path: '/api/sessions' },
  'sessions.get': { method: 'GET', path: '/api/sessions/:id' },
  'sessions.wire': { method: 'GET', path: '/api/sessions/:id/wire' },
  'sessions.delete': { method: 'DELETE', path: '/api/sessions/:id' },
  'sessions.clear': { method: 'DELETE', path: '/api/sessions' },
  'sessions.secret': { method: 'GET', path: '/api/sessions/:id/secret/:seq' },
  'sessions.payload': { method: 'GET', path: '/api/sessions/:id/payload/:seq', binary: true },
  'settings.get': { method: 'GET', path: '/api/settings' },
  'settings.update': { method: 'PATCH', path: '/api/settings' },
  'ca.info': { method: 'GET', path: '/api/ca' },
  'ca.export': { method: 'GET', path: '/api/ca/export', binary: true },
  'ca.regenerate': { method: 'POST', path: '/api/ca/regenerate' },
  'listeners.list': { method: 'GET', path: '/api/listeners' },
  'listeners.create': { method: 'POST', path: '/api/listeners' },
  'listeners.update': { method: 'PATCH', path: '/api/listeners/:name' },
  'listeners.delete': { method: 'DELETE', path: '/api/listeners/:name' },
  'listeners.start': { method: 'POST', path: '/api/listeners/:name/start' },
  'listeners.stop': { method: 'POST', path: '/api/listeners/:name/stop' },
  'replay.run': { method: 'POST', path: '/api/replay/run' },
  'replay.serve': { method: 'POST', path: '/api/replay/servers' },
  'replay.stop': { method: 'DELETE', path: '/api/replay/servers/:id' },
  'replay.list': { method: 'GET', path: '/api/replay/servers' },
  'replay.result': { method: 'GET', path: '/api/replay/results/:sessionId' },
  'sessions.exportJson': { method: 'GET', path: '/api/sessions/:id/export.json', binary: true },
  // A session's JSON carries its whole wire log in base64.
  'sessions.importJson': { method: 'POST', path: '/api/sessions/import', maxBody: 512 * 1024 * 1024 },
  'sessions.export': { method: 'GET', path: '/api/sessions/:id/export', binary: true },
  'messages.export': { method: 'GET', path: '/api/messages.mbox', binary: true },
  'messages.import': { method: 'POST', path: '/api/messages/import', upload: true },
};

/** The IPC channel name of a call (Electron transport). */
export const ipcChannel = (method: ApiMethod): string => `mailtap:${method}`;
export const IPC_EVENT_CHANNEL = 'mailtap:event';
export const WS_PATH = '/api/events';
