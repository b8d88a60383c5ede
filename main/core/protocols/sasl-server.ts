// The server side of SASL (RFC 4422) for every protocol the sink speaks: PLAIN (RFC 4616),
// LOGIN (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195), OAUTHBEARER (RFC 7628) and XOAUTH2
// (Google's and Microsoft's bearer-token profile). It only knows mechanisms; SMTP (RFC 4954),
// POP3 (RFC 5034) and IMAP (RFC 9051 §6.2.2) each turn its results into their own replies.
// Pure: base64 lines in, results out.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../../../shared/types.js';
import { decodeBase64Text, decodeBearer, decodePlain } from './sasl-decode.js';

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'] as const;

export type SaslResult =
  /** Send this challenge (already base64) and wait for the next client line. */
  | { type: 'challenge'; challenge: string }
  | { type: 'done'; user: string; ok: boolean }
  /** The exchange is over without a verdict on credentials. */
  | { type: 'error'; reason: 'cancelled' | 'bad-base64' | 'malformed' | 'unsupported' | 'no-initial-response' };

type Step = (decoded: string) => SaslResult;

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/**
 * The error challenge of a refused bearer token (RFC 7628 §3.2.2): base64 JSON whose "status"
 * is an RFC 6750 §3.1 error code. XOAUTH2 servers send the same shape.
 */
export const BEARER_ERROR_CHALLENGE = b64(JSON.stringify({ status: 'invalid_token', schemes: 'bearer', scope: 'mail' }));

/** Who logs in with a bearer token that names no user (OAUTHBEARER's authzid is optional). */
export const BEARER_ANONYMOUS = 'bearer';

function sameSecret(want: string, got: string): boolean {
  const a = Buffer.from(want);
  const b = Buffer.from(got);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Empty credentials: anything is accepted (the sink's default). */
export function checkPassword(credentials: readonly Credentials[], user: string, password: string): boolean {
  if (credentials.length === 0) return true;
  return credentials.some((c) => c.user === user && sameSecret(c.password, password));
}

export class SaslServer {
  private step: Step | null = null;

  constructor(
    readonly mechanism: string,
    private readonly credentials: readonly Credentials[],
    private readonly makeChallenge: () => string,
  ) {}

  static supports(mechanism: string, offered: readonly string[] = SASL_MECHANISMS): boolean {
    return offered.includes(mechanism.toUpperCase());
  }

  /** Start the exchange, with the initial response if the client sent one ("=" is empty). */
  begin(initial: string | null): SaslResult {
    switch (this.mechanism.toUpperCase()) {
      case 'PLAIN':
        this.step = (d) => this.plain(d);
        return initial === null ? { type: 'challenge', challenge: '' } : this.respond(initial);
      case 'LOGIN':
        this.step = (user) => {
          this.step = (password) => this.done(user, checkPassword(this.credentials, user, password));
          return { type: 'challenge', challenge: b64('Password:') };
        };
        return initial === null ? { type: 'challenge', challenge: b64('Username:') } : this.respond(initial);
      case 'CRAM-MD5': {
        if (initial !== null) return { type: 'error', reason: 'no-initial-response' };
        const challenge = this.makeChallenge();
        this.step = (d) => this.cram(challenge, d);
        return { type: 'challenge', challenge: b64(challenge) };
      }
      case 'XOAUTH2':
      case 'OAUTHBEARER': {
        // Client-first (RFC 7628 §3.1); without an initial response the server's challenge is empty.
        const mech = this.mechanism.toUpperCase();
        this.step = (d) => this.bearer(mech, d);
        return initial === null ? { type: 'challenge', challenge: '' } : this.respond(initial);
      }
      default:
        return { type: 'error', reason: 'unsupported' };
    }
  }

  /** A client line during the exchange. */
  respond(line: string): SaslResult {
    // RFC 4422 §3.5 (and each protocol's profile): "*" cancels.
    if (line.trim() === '*') return { type: 'error', reason: 'cancelled' };
    const decoded = decodeBase64Text(line === '=' ? '' : line);
    if (decoded === null) return { type: 'error', reason: 'bad-base64' };
    if (!this.step) return { type: 'error', reason: 'malformed' };
    return this.step(decoded);
  }

  private plain(decoded: string): SaslResult {
    const p = decodePlain(decoded);
    if (!p) return { type: 'error', reason: 'malformed' };
    return this.done(p.user, checkPassword(this.credentials, p.user, p.password));
  }

  private cram(challenge: string, decoded: string): SaslResult {
    const sp = decoded.lastIndexOf(' ');
    const user = sp > 0 ? decoded.slice(0, sp) : decoded;
    const digest = sp > 0 ? decoded.slice(sp + 1).toLowerCase() : '';
    if (this.credentials.length === 0) return this.done(user, /^[0-9a-f]{32}$/.test(digest));
    const cred = this.credentials.find((c) => c.user === user);
    const want = createHmac('md5', cred?.password ?? '').update(challenge).digest('hex');
    const ok = !!cred && digest.length === 32 && timingSafeEqual(Buffer.from(want), Buffer.from(digest));
    return this.done(user, ok);
  }

  /**
   * XOAUTH2 and OAUTHBEARER: any token is accepted unless credentials are configured; then the
   * token must be the user's password. A refused token gets the error challenge, and whatever
   * the client answers (RFC 7628 §3.2.3: a dummy ^A; XOAUTH2 clients send an empty line) the
   * exchange fails.
   */
  private bearer(mechanism: string, decoded: string): SaslResult {
    const login = decodeBearer(mechanism, decoded);
    if (!login) return { type: 'error', reason: 'malformed' };
    const user = login.user ?? this.credentials.find((c) => sameSecret(c.password, login.token))?.user ?? BEARER_ANONYMOUS;
    if (checkPassword(this.credentials, user, login.token)) return this.done(user, true);
    this.step = () => this.done(user, false);
    return { type: 'challenge', challenge: BEARER_ERROR_CHALLENGE };
  }

  private done(user: string, ok: boolean): SaslResult {
    this.step = null;
    return { type: 'done', user, ok };
  }
}
