// The HTTP transport of the API contract: REST under /api/ (routes from shared/api.ts), live
// events on a WebSocket at /api/events, and the built UI at /. Loopback by default; on any
// other address a token is required, and without one the Host header must be a loopback name
// (against DNS rebinding, a web page cannot reach the API through a name it controls).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_PATH, routes, type ApiEventEnvelope, type ApiMethod, type BinaryResult, type MailtapApi } from '../../shared/api.js';
import { ApiError } from '../core/errors.js';
import { matchRoute } from './router.js';
import { serveStatic } from './static-files.js';

export interface HttpOptions {
  api: MailtapApi;
  host: string;
  port: number;
  token?: string;
  staticDir: string | null;
}

export interface RunningHttp {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)(:\d+)?$/i;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(data);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { status, code, message } });
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function sendBinary(res: ServerResponse, r: BinaryResult, download: boolean): void {
  res.writeHead(200, {
    'Content-Type': r.contentType,
    'Content-Length': r.data.length,
    'Content-Disposition': contentDisposition(download ? 'attachment' : 'inline', r.filename),
    // Parts of caught mail are hostile until proven otherwise: never let them run in our origin.
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(r.data);
}

function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ApiError(413, 'too_large', `request body over ${limit >= 1 << 20 ? `${Math.round(limit / (1 << 20))} MiB` : `${limit} bytes`}`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (!size) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ApiError(400, 'bad_json', 'the body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** An upload route (an .eml or mbox import) with a body that is not JSON: the body is the data. */
function isUpload(method: ApiMethod, req: IncomingMessage): boolean {
  return routes[method].upload === true && !/^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * The request itself is the `data` stream, read by the call as it goes, so its size is bounded
 * by the call's own limits (per message, per import), not by MAX_BODY.
 */
function uploadParams(req: IncomingMessage): Record<string, unknown> {
  const length = Number(req.headers['content-length']);
  return { data: req, ...(length > 0 ? { size: length } : {}) };
}

export function startHttp(o: HttpOptions): Promise<RunningHttp> {
  const tokenBuf = o.token ? Buffer.from(o.token) : null;
  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (!tokenBuf) return LOOPBACK_HOSTS.test(req.headers.host ?? '');
    const header = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = Buffer.from(header ?? url.searchParams.get('token') ?? '');
    return given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (!url.pathname.startsWith('/api/')) {
        if (!tokenBuf && !LOOPBACK_HOSTS.test(req.headers.host ?? '')) return sendError(res, 403, 'forbidden_host', 'requests must use a loopback host name');
        if ((req.method === 'GET' || req.method === 'HEAD') && (await serveStatic(o.staticDir, url.pathname, res))) return;
        return sendError(res, 404, 'not_found', o.staticDir ? 'not found' : 'the UI is not built: run npm run build');
      }
      if (!authorized(req, url)) return sendError(res, 401, 'unauthorized', tokenBuf ? 'a valid token is required' : 'requests must use a loopback host name');
      const m = matchRoute(req.method ?? 'GET', url.pathname);
      if (m === null) return sendError(res, 404, 'not_found', `no API route ${url.pathname}`);
      if (m === 'method') return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
      const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'token'));
      const body = req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE' ? {} : isUpload(m.method, req) ? uploadParams(req) : await readBody(req, routes[m.method as ApiMethod].maxBody);
      const params = { ...query, ...(body as object), ...m.pathParams };
      const result = await o.api.call(m.method as ApiMethod, params as never);
      if (m.binary) return sendBinary(res, result as BinaryResult, url.searchParams.has('download'));
      sendJson(res, 200, result);
    } catch (e) {
      if (e instanceof ApiError) return sendError(res, e.status, e.code, e.message);
      sendError(res, 500, 'internal', (e as Error).message);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  let unsubscribe: (() => void) | null = null;
  const broadcast = (e: ApiEventEnvelope): void => {
    const data = JSON.stringify(e);
    for (const ws of clients) {
      // A client that stopped reading is dropped rather than buffered without bound.
      if (ws.bufferedAmount > 16 * 1024 * 1024) ws.terminate();
      else ws.send(data);
    }
  };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const host = req.headers.host ?? '';
    // Browsers always send Origin on WebSockets: only our own page may listen.
    const sameOrigin = !origin || origin === `http://${host}` || origin === 'null' || origin.startsWith('file://');
    if (url.pathname !== WS_PATH || !authorized(req, url) || !sameOrigin) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      unsubscribe ??= o.api.subscribe(broadcast);
      ws.on('close', () => {
        clients.delete(ws);
        // With no browser listening, live events are not even queued (event-coalescer.ts).
        if (!clients.size && unsubscribe) (unsubscribe(), (unsubscribe = null));
      });
      ws.on('error', () => ws.terminate());
    });
  });


  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: o.host, port: o.port }, () => {
      server.off('error', reject);
      const a = server.address();
      if (!a || typeof a === 'string') return reject(new Error('no address'));
      const hostPart = a.family === 'IPv6' || a.address.includes(':') ? `[${a.address}]` : a.address;
      const url = `http://${hostPart}:${a.port}/${o.token ? `?token=${encodeURIComponent(o.token)}` : ''}`;
      resolve({
        server,
        url,
        port: a.port,
        close: () =>
          new Promise<void>((res) => {
            unsubscribe?.();
            for (const ws of clients) ws.terminate();
            wss.close();
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
