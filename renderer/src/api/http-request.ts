// Turns a call into an HTTP request, from the shared `routes` table: path params filled,
// the rest as query (GET/DELETE) or JSON body (POST/PUT/PATCH).
import { routes, type ApiMethod } from '../../../shared/api';

export interface HttpRequest {
  method: string;
  url: string;
  /** JSON text, or the raw bytes of an upload route's `data`. */
  body?: string | Uint8Array<ArrayBuffer>;
  /** The body is raw bytes (an upload), not JSON. */
  upload: boolean;
  binary: boolean;
}

export function buildRequest(origin: string, method: ApiMethod, params: object): HttpRequest {
  const route = routes[method];
  const rest: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  const path = route.path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => {
    const value = rest[name];
    delete rest[name];
    if (value === undefined || value === null) throw new Error(`${method}: missing path parameter "${name}"`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(path, origin);
  const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  // An upload route streams `data` as the body; its other parameters travel in the query.
  const upload = route.upload === true && rest.data instanceof Uint8Array;
  const uploadBody = upload ? (rest.data as Uint8Array<ArrayBuffer>) : undefined;
  if (upload) delete rest.data;
  if (!hasBody || upload) {
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined || v === null || v === '') continue;
      url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
  }
  return {
    method: route.method,
    url: url.toString(),
    body: uploadBody ?? (hasBody ? JSON.stringify(rest) : undefined),
    upload,
    binary: route.binary === true,
  };
}

/** The filename of a Content-Disposition header (RFC 6266: filename* wins over filename). */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[2]!.trim());
    } catch {
      /* fall through to the plain parameter */
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const bare = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return bare ? bare[1]! : null;
}
