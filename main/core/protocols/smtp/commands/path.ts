// Mailbox paths and ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2, §4.1.1.11).

export interface ParsedPath {
  address: string;
  params: Record<string, string | true>;
}

/**
 * Parse "FROM:<a@b> SIZE=10 BODY=8BITMIME". Lenient where real clients are: a space after the
 * colon is accepted, as is a missing <> pair around a bare address. A source route
 * ("<@relay:user@host>", RFC 5321 §4.1.2 / Appendix C) is accepted and dropped.
 */
export function parsePath(args: string, keyword: 'FROM' | 'TO'): ParsedPath | string {
  const m = new RegExp(`^${keyword}:\\s*(.*)$`, 'is').exec(args);
  if (!m) return `Syntax: ${keyword === 'FROM' ? 'MAIL FROM:<address>' : 'RCPT TO:<address>'}`;
  const rest = m[1]!.trim();
  let address: string;
  let tail: string;
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    if (close < 0) return 'Syntax error in path: missing ">"';
    address = rest.slice(1, close);
    tail = rest.slice(close + 1);
  } else {
    const sp = rest.search(/\s/);
    address = sp < 0 ? rest : rest.slice(0, sp);
    tail = sp < 0 ? '' : rest.slice(sp);
  }
  const route = /^@[^:]+:(.*)$/.exec(address);
  if (route) address = route[1]!;
  if (/[\s<>]/.test(address)) return 'Syntax error in mailbox address';
  if (address && !/^.+@[^@]+$/.test(address) && !(keyword === 'TO' && /^postmaster$/i.test(address)))
    return 'Syntax error in mailbox address';
  const params: Record<string, string | true> = {};
  for (const p of tail.trim().split(/\s+/).filter(Boolean)) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(key)) return `Syntax error in parameter ${p}`;
    params[key] = eq < 0 ? true : p.slice(eq + 1);
  }
  return { address, params };
}

// eslint-disable-next-line no-control-regex
export const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);
