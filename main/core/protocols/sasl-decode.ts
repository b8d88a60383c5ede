// SASL payload decoding shared by the servers and the dissectors (RFC 4422, 4616, 2195), with
// the OAuth 2.0 bearer mechanisms: OAUTHBEARER (RFC 7628) and Google's and Microsoft's XOAUTH2.

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

/** The mechanisms whose secret is an OAuth 2.0 bearer token (RFC 6750), not a password. */
export const BEARER_MECHANISMS: readonly string[] = ['XOAUTH2', 'OAUTHBEARER'];

/** A bearer-token login: who (null when the client did not say) and the token. */
export interface BearerLogin {
  user: string | null;
  token: string;
}

/**
 * key=value pairs each ended by %x01, the list ended by one more %x01 (RFC 7628 §3.1 kvpair,
 * key = 1*ALPHA). The final %x01 is not insisted on. Null if the text is not of that shape.
 */
function kvPairs(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const kv of text.split('\u0001')) {
    if (kv === '') continue;
    const m = /^([A-Za-z]+)=(.*)$/s.exec(kv);
    if (!m) return null;
    out.set(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

/** The token of an "auth=Bearer <token>" value (RFC 7628 §3.1, RFC 6750 §2.1). */
const bearerToken = (value: string | undefined): string | null => /^Bearer +(\S.*)$/is.exec(value ?? '')?.[1] ?? null;

/**
 * A saslname (RFC 5801 §5.1, RFC 5802 §5.1): "," and "=" travel as "=2C" and "=3D"; any other
 * "=" is not allowed: null when strict (a server must fail), kept as it is otherwise (what a
 * dissector shows; curl 7.88 does not escape).
 */
export function decodeSaslname(s: string, strict = true): string | null {
  if (strict && /=(?!2C|3D)/i.test(s)) return null;
  return s.replace(/=(2C|3D)/gi, (_, x: string) => (x.toUpperCase() === '2C' ? ',' : '='));
}

/** The inverse of decodeSaslname: "=" as "=3D" and "," as "=2C" (RFC 5801 §5.1). */
export const encodeSaslname = (s: string): string => s.replace(/[=,]/g, (c) => (c === '=' ? '=3D' : '=2C'));

/** The GS2 header (RFC 5801 §4): channel binding flag, then the optional "a=" authzid. */
const GS2_HEADER = /^(?:n|y|p=[A-Za-z0-9.-]+),(?:a=([^,]*))?,/;

/** XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A (Google's and Microsoft's profile). */
export function decodeXoauth2(decoded: string): BearerLogin | null {
  const kv = kvPairs(decoded);
  const token = bearerToken(kv?.get('auth'));
  const user = kv?.get('user');
  if (token === null || user === undefined || user === '') return null;
  return { user, token };
}

/**
 * OAUTHBEARER client response (RFC 7628 §3.1): gs2-header ^A *(key=value ^A) ^A, with the token
 * in "auth=Bearer <token>" and the user, if given, as the GS2 authzid (strict: see
 * decodeSaslname). A lone ^A (the dummy answer to an error challenge, §3.2.3) is not a login.
 */
export function decodeOauthBearer(decoded: string, strict = true): BearerLogin | null {
  const sep = decoded.indexOf('\u0001');
  if (sep < 0) return null;
  const head = GS2_HEADER.exec(decoded.slice(0, sep));
  if (!head || head[0].length !== sep) return null;
  const kv = kvPairs(decoded.slice(sep + 1));
  const token = bearerToken(kv?.get('auth'));
  if (token === null) return null;
  const user = head[1] === undefined || head[1] === '' ? null : decodeSaslname(head[1], strict);
  if (head[1] && user === null) return null;
  return { user, token };
}

/** The bearer login of XOAUTH2 or OAUTHBEARER, by mechanism name. */
export function decodeBearer(mechanism: string, decoded: string, strict = true): BearerLogin | null {
  if (mechanism === 'XOAUTH2') return decodeXoauth2(decoded);
  if (mechanism === 'OAUTHBEARER') return decodeOauthBearer(decoded, strict);
  return null;
}

/** SCRAM's client-first-message (RFC 5802 §5.1): gs2-header "n=" username ",r=" nonce. */
function scramUser(decoded: string): string | null {
  const head = GS2_HEADER.exec(decoded);
  if (!head) return null;
  const m = /^(?:m=[^,]*,)?n=([^,]*),r=/.exec(decoded.slice(head[0].length));
  return m ? decodeSaslname(m[1]!, false) : null;
}

/** A user name as it may be shown: printable, no spaces, nothing that looks like key=value. */
const plainName = (s: string): boolean => s.length > 0 && s.length <= 256 && !/[\x00-\x20\x7f=]/.test(s);

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
 * exchange, mechanism by mechanism: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), XOAUTH2 and
 * OAUTHBEARER (RFC 7628), the user of SCRAM (RFC 5802) and EXTERNAL (RFC 4422 App. A). Other
 * mechanisms (GSSAPI, NTLM…) carry opaque blobs: nothing of them is shown, not even as a
 * user. Shared by the SMTP, POP3 and IMAP dissectors.
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
  } else if (BEARER_MECHANISMS.includes(a.mechanism)) {
    // Any response may be the login (after an empty challenge, it is the second); the answer
    // to an error challenge (^A, or empty for XOAUTH2: RFC 7628 §3.2.3) does not parse.
    const login = decodeBearer(a.mechanism, text, false);
    if (login) {
      a.user = login.user;
      a.secret = login.token;
    }
  } else if (n === 0 && a.mechanism.startsWith('SCRAM-')) {
    a.user = scramUser(text);
  } else if (n === 0 && a.mechanism === 'EXTERNAL') {
    a.user = plainName(text) ? text : null;
  }
}

/**
 * The start of an exchange from the arguments "mechanism [initial-response]" of SMTP AUTH
 * (RFC 4954 §4), POP3 AUTH (RFC 5034 §4) or IMAP AUTHENTICATE (RFC 4959 §3), the initial
 * response observed; null when no mechanism is named (POP3's bare AUTH lists them).
 */
/**
 * Whether commands may follow an AUTH command at once, without waiting for its reply: only when
 * it carries an initial response for a mechanism that completes in one round trip, such as
 * PLAIN or EXTERNAL (RFC 4954 §4 for SMTP, which RFC 5034 §4 follows for POP3). Otherwise the
 * next line the client sends answers a challenge, as the server will read it.
 */
export const authMayBePipelined = (authArgs: string): boolean => /^(?:PLAIN|EXTERNAL)\s+\S/i.test(authArgs);

export function beginSasl(args: string): SaslSeen | null {
  const [mech = '', initial] = args.trim().split(/\s+/);
  if (!mech) return null;
  const seen: SaslSeen = { mechanism: mech.toUpperCase(), user: null, secret: null, responses: 0 };
  if (initial !== undefined) observeSaslResponse(seen, initial);
  return seen;
}
