// SASL payload decoding shared by the servers and the dissectors (RFC 4422, 4616, 2195).

/** Strict base64 to UTF-8 text, or null if the input is not base64. */
export function decodeBase64Text(line: string): string | null {
  const s = line.trim();
  if (s === '') return '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  return Buffer.from(s, 'base64').toString('utf8');
}

/** PLAIN: [authzid] NUL authcid NUL passwd (RFC 4616 §2). */
export function decodePlain(decoded: string): { authzid: string; user: string; password: string } | null {
  const parts = decoded.split('\u0000');
  if (parts.length !== 3) return null;
  return { authzid: parts[0]!, user: parts[1]!, password: parts[2]! };
}

/** A secret as views show it: its length, never its value. */
export const maskSecret = (secret: string): string => '•'.repeat(Math.min(Math.max(secret.length, 1), 12));

/** What a dissector has learnt from one AUTH exchange so far. */
export interface SaslSeen {
  mechanism: string;
  user: string | null;
  secret: string | null;
  /** Client responses seen, the initial response included. */
  responses: number;
}

/**
 * Learn the user (and that a secret went by) from one base64 client response of an AUTH
 * exchange, mechanism by mechanism: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195). Shared by
 * the SMTP, POP3 and IMAP dissectors.
 */
export function observeSaslResponse(a: SaslSeen, b64: string): void {
  const n = a.responses++;
  if (b64 === '*') return;
  const text = decodeBase64Text(b64 === '=' ? '' : b64);
  if (text === null) return;
  if (a.mechanism === 'PLAIN') {
    const plain = decodePlain(text);
    if (plain) {
      a.user = plain.user;
      a.secret = plain.password;
    }
  } else if (a.mechanism === 'LOGIN') {
    if (n === 0) a.user = text;
    else a.secret = text;
  } else if (a.mechanism === 'CRAM-MD5') {
    const sp = text.lastIndexOf(' ');
    a.user = sp > 0 ? text.slice(0, sp) : text;
    a.secret = sp > 0 ? text.slice(sp + 1) : null;
  } else if (n === 0) {
    a.user = text.split('\u0000').filter(Boolean)[0] ?? null;
  }
}
