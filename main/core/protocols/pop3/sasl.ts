// Logins for the POP3 sink: USER/PASS and APOP (RFC 1939 §7) and the AUTH exchanges of
// RFC 5034 with PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login). Decoding is shared
// with the dissectors through ../sasl-decode.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pop3Server } from './server.js';
import { decodeBase64Text, decodePlain } from '../sasl-decode.js';
import { continuation } from './reply.js';

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN'] as const;

export interface SaslExchange {
  onLine(s: Pop3Server, line: string): void;
}

export function checkPassword(s: Pop3Server, user: string, password: string): boolean {
  const creds = s.config.credentials;
  if (creds.length === 0) return true;
  return creds.some((c) => c.user === user && c.password === password);
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

type Step = (s: Pop3Server, decoded: string) => Step | null;

function finish(s: Pop3Server, user: string, ok: boolean): null {
  s.sasl = null;
  s.phase = 'command';
  if (ok) s.login(user);
  else refuse(s);
  return null;
}

const plainStep: Step = (s, decoded) => {
  const p = decodePlain(decoded);
  if (!p) {
    s.sasl = null;
    s.phase = 'command';
    s.fail('malformed PLAIN response');
    return null;
  }
  return finish(s, p.user, checkPassword(s, p.user, p.password));
};

const loginUser: Step = (s, user) => {
  s.send(continuation(Buffer.from('Password:').toString('base64')));
  return (s2, password) => finish(s2, user, checkPassword(s2, user, password));
};

class Exchange implements SaslExchange {
  constructor(private step: Step) {}

  onLine(s: Pop3Server, line: string): void {
    // RFC 5034 §4: "*" cancels the exchange, and the server answers -ERR.
    if (line === '*') {
      s.sasl = null;
      s.phase = 'command';
      s.fail('authentication cancelled');
      return;
    }
    const decoded = decodeBase64Text(line);
    if (decoded === null) {
      s.sasl = null;
      s.phase = 'command';
      s.fail('invalid base64 in AUTH response');
      return;
    }
    const next = this.step(s, decoded);
    if (next) this.step = next;
  }
}

/** Start an AUTH exchange; `initial` is the optional initial response (RFC 5034 §4). */
export function startSasl(s: Pop3Server, mechanism: string, initial: string | null): void {
  let first: Step;
  let prompt: string;
  switch (mechanism) {
    case 'PLAIN':
      first = plainStep;
      prompt = '';
      break;
    case 'LOGIN':
      first = loginUser;
      prompt = Buffer.from('Username:').toString('base64');
      break;
    default:
      s.fail(`unsupported authentication mechanism ${mechanism}`);
      return;
  }
  const ex = new Exchange(first);
  s.sasl = ex;
  s.phase = 'sasl';
  // "=" is an empty initial response (RFC 5034 §4).
  if (initial !== null) ex.onLine(s, initial === '=' ? '' : initial);
  else s.send(continuation(prompt));
}
