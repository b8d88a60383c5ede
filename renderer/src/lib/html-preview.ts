// Builds the srcdoc of the HTML preview: a Content-Security-Policy that blocks scripts and
// remote content (until allowed), and cid: references rewritten to data: URLs.

/** The policy of the preview document. The iframe is also sandboxed with no allow-scripts. */
export function previewCsp(allowRemote: boolean): string {
  const remote = allowRemote ? ' http: https:' : '';
  return `default-src 'none'; style-src 'unsafe-inline'${remote}; img-src data: blob:${remote}; font-src data:${remote}; media-src data: blob:${remote}`;
}

const REMOTE_PATTERNS: RegExp[] = [
  /\b(?:src|background|poster|data-src)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]+/gi,
  /\bsrcset\s*=\s*["'][^"']*(?:https?:)?\/\//gi,
  /<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]+/gi,
  /url\(\s*["']?\s*(?:https?:)?\/\/[^)"']+/gi,
  /@import\s+["'](?:https?:)?\/\/[^"']+/gi,
];

/** How many remote resources (images, stylesheets, fonts, backgrounds) the HTML references. */
export function countRemoteRefs(html: string): number {
  let n = 0;
  for (const re of REMOTE_PATTERNS) n += html.match(re)?.length ?? 0;
  return n;
}

/** Content-IDs referenced as cid: URLs, decoded and lower-cased. */
export function cidRefs(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/cid:([^"'\s)>]+)/gi)) out.add(decodeCid(m[1]!));
  return [...out];
}

function decodeCid(raw: string): string {
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

export function rewriteCids(html: string, dataUrls: ReadonlyMap<string, string>): string {
  if (dataUrls.size === 0) return html;
  return html.replace(/cid:([^"'\s)>]+)/gi, (whole, id: string) => dataUrls.get(decodeCid(id)) ?? whole);
}

const BASE_STYLE = '<style>html{background:#fff;color:#111}body{margin:0;padding:16px;font-family:system-ui,sans-serif;word-wrap:break-word}</style>';

export function buildSrcdoc(source: string, allowRemote: boolean): string {
  // A meta refresh would navigate the frame away from this policy; drop it.
  const html = source.replace(/<meta\b[^>]*http-equiv\s*=\s*["']?refresh[^>]*>/gi, '');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${previewCsp(allowRemote)}">`;
  // The policy must come before any content, but after a doctype (else the page turns quirky).
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  const head = `${meta}<meta charset="utf-8">${BASE_STYLE}`;
  return doctype ? doctype[0] + head + html.slice(doctype[0].length) : head + html;
}
