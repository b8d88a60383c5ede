// The server side of SASL (RFC 4422) for every protocol the sink speaks: PLAIN (RFC 4616),
// LOGIN (draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195). It only knows mechanisms;
// SMTP (RFC 4954), POP3 (RFC 5034) and IMAP (RFC 9051 §6.2.2) each turn its results into their
// own replies. Pure: base64 lines in, results out.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../../../shared/types.js';
import { decodeBase64Text, decodePlain } from './sasl-decode.js';

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;

export type SaslResult =
  /** Send this challenge (already base64) and wait for the next client line. */
  | { type: 'challenge'; challenge: string }
  | { type: 'done'; user: string; ok: boolean }
  /** The exchange is over without a verdict on credentials. */
  | { type: 'error'; reason: 'cancelled' | 'bad-base64' | 'malformed' | 'unsupported' | 'no-initial-response' };

type Step = (decoded: string) => SaslResult;

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Empty credentials: anything is accepted (the sink's default). */
export function checkPassword(credentials: Credentials[], user: string, password: string): boolean {
  if (credentials.length === 0) return true;
  return credentials.some((c) => c.user === user && c.password === password);
}

export class SaslServer {
  private step: Step | null = null;

  constructor(
    readonly mechanism: string,
    private readonly credentials: Credentials[],
    private readonly makeChallenge: () => string,
  ) {}

  static supports(mechanism: string): boolean {
    return (SASL_MECHANISMS as readonly string[]).includes(mechanism.toUpperCase());
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

  private done(user: string, ok: boolean): SaslResult {
    this.step = null;
    return { type: 'done', user, ok };
  }
}
