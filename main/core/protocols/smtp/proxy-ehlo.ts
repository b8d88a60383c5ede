// What the proxy changes in an upstream EHLO reply before the client sees it (RFC 5321
// §4.1.1.1, RFC 3207 §4): STARTTLS is offered to the client exactly when the client leg can
// upgrade, whatever the upstream offered on its own leg. Anything else passes byte-exact.

const CR_LF = '\r\n';

/** The keyword of one EHLO reply line ("250-STARTTLS" → "STARTTLS"), upper-cased. */
export const ehloKeyword = (line: string): string => (/^\d{3}[ -](\S*)/.exec(line)?.[1] ?? '').toUpperCase();

/** Does this EHLO reply (lines without line endings) offer the extension? */
export function offers(lines: string[], keyword: string): boolean {
  return lines.slice(1).some((l) => ehloKeyword(l) === keyword);
}

/**
 * Rewrite a complete EHLO reply (its raw lines, line endings included) so that it offers
 * STARTTLS if and only if `offerStartTls`. Returns the bytes unchanged when nothing changes.
 */
export function rewriteEhlo(raw: Buffer[], offerStartTls: boolean): Buffer {
  const texts = raw.map((b) => b.toString('latin1').replace(/\r?\n$/, ''));
  const code = texts[0]?.slice(0, 3) ?? '';
  if (!code.startsWith('2')) return Buffer.concat(raw);
  const has = offers(texts, 'STARTTLS');
  if (has === offerStartTls) return Buffer.concat(raw);
  let lines = texts.map((t) => t.slice(4));
  if (has) lines = lines.filter((l, i) => i === 0 || l.split(' ')[0]!.toUpperCase() !== 'STARTTLS');
  else lines.push('STARTTLS');
  return Buffer.from(lines.map((l, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${l}${CR_LF}`).join(''), 'latin1');
}
