// Serves the built UI (dist/renderer) with an SPA fallback to index.html.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The app's own CSP. img-src allows remote images only because the preview's own CSP, inside
 * its sandboxed iframe, is what blocks them until the user allows remote content. */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; " +
  "connect-src 'self' ws: wss:; frame-src 'self' blob: data: about:; object-src 'none'; base-uri 'none'; form-action 'none'";

export async function serveStatic(root: string | null, pathname: string, res: ServerResponse): Promise<boolean> {
  if (!root) return false;
  const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if (!file.startsWith(root + sep) && file !== root) return false;
  let st = await stat(file).catch(() => null);
  if (!st || st.isDirectory()) {
    // Client-side routes fall back to the app; missing assets are real 404s.
    if (extname(rel) && rel !== '') return false;
    file = join(root, 'index.html');
    st = await stat(file).catch(() => null);
    if (!st) return false;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': st.size,
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': APP_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' } : {}),
  });
  createReadStream(file).pipe(res);
  return true;
}
