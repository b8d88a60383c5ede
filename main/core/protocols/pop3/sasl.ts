// Logins for the POP3 sink: USER/PASS and APOP (RFC 1939 §7), and the AUTH exchanges of
// RFC 5034 with the mechanisms of ../sasl-server.ts (PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and
// OAUTHBEARER). Decoding is shared with the dissectors through ../sasl-decode.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pop3Server } from './server.js';
import { SASL_MECHANISMS, SaslServer, checkPassword as checkCredentials, type SaslResult } from '../sasl-server.js';
import { continuation } from './reply.js';

export { SASL_MECHANISMS };

export interface SaslExchange {
  onLine(s: Pop3Server, line: string): void;
}

export function checkPassword(s: Pop3Server, user: string, password: string): boolean {
  return checkCredentials(s.config.credentials, user, password);
}

/**
 * APOP (RFC 1939 §7): the digest is MD5 of the greeting's timestamp followed by the password.
 * With no credentials configured, any digest of the right shape is accepted.
 */
export function checkApop(s: Pop3Server, user: string, digest: string): boolean {
  const d = digest.toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(d)) return false;
  const creds = s.config.credentials;
  if (creds.length === 0) return true;
  const cred = creds.find((c) => c.user === user);
  const want = createHash('md5').update(s.timestamp + (cred?.password ?? '')).digest('hex');
  return timingSafeEqual(Buffer.from(want), Buffer.from(d)) && !!cred;
}

/** A login that failed: RFC 3206 §4's AUTH code says the credentials were wrong. */
export function refuse(s: Pop3Server, text = 'authentication failed'): void {
  s.pendingUser = null;
  s.fail(text, 'AUTH');
}

function apply(s: Pop3Server, r: SaslResult, mechanism: string): void {
  if (r.type === 'challenge') {
    s.send(continuation(r.challenge));
    return;
  }
  s.sasl = null;
  s.phase = 'command';
  if (r.type === 'done') {
    if (r.ok) s.login(r.user);
    else refuse(s);
    return;
  }
  switch (r.reason) {
    case 'cancelled':
      return s.fail('authentication cancelled'); // RFC 5034 §4: "*" cancels, the server answers -ERR
    case 'bad-base64':
      return s.fail('invalid base64 in AUTH response');
    case 'malformed':
      return s.fail(`malformed ${mechanism} response`);
    case 'no-initial-response':
      return s.fail(`${mechanism} takes no initial response`);
    case 'unsupported':
      return s.fail(`unsupported authentication mechanism ${mechanism}`);
  }
}

/** Start an AUTH exchange; `initial` is the optional initial response (RFC 5034 §4). */
export function startSasl(s: Pop3Server, mechanism: string, initial: string | null): void {
  if (!SaslServer.supports(mechanism)) return apply(s, { type: 'error', reason: 'unsupported' }, mechanism);
  const sasl = new SaslServer(mechanism, s.config.credentials, challengeOf(s));
  s.sasl = { onLine: (s2, line) => apply(s2, sasl.respond(line), mechanism) };
  s.phase = 'sasl';
  apply(s, sasl.begin(initial), mechanism);
}

/** CRAM-MD5's challenge: the greeting's timestamp is unique per connection, as RFC 2195 asks. */
const challengeOf = (s: Pop3Server) => (): string => s.timestamp;
