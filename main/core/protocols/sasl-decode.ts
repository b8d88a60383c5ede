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
