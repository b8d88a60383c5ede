// Which URLs count as "the app", and which may leave for the system. One place, because the
// navigation guard, the permission handler and the IPC sender check must all agree.

const parse = (url: string): URL | null => {
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

/**
 * True when `url` is the app's own page. For http(s) the origin must match (scheme, host and
 * port): the app page routes by path and hash, and all of it is ours. For file: the origin is
 * opaque ("null"), so the exact file path must match instead.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const u = parse(url);
  const app = parse(appUrl);
  if (!u || !app) return false;
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname && u.host === app.host;
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  return u.origin === app.origin;
}

/** Only these schemes are handed to the OS: no file:, javascript:, smb:, custom protocol handlers. */
const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

export function isExternalUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && EXTERNAL_SCHEMES.has(u.protocol);
}
