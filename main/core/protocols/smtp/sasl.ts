// AUTH exchanges (RFC 4954) for the sink: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login)
// and CRAM-MD5 (RFC 2195). Decoding is shared with the dissector through ../sasl-decode.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SmtpServer } from './server.js';
import { decodeBase64Text, decodePlain } from '../sasl-decode.js';

export interface SaslExchange {
  onLine(s: SmtpServer, line: string): void;
}

type Step = (s: SmtpServer, decoded: string) => Step | null;

function checkPassword(s: SmtpServer, user: string, password: string): boolean {
  const creds = s.config.credentials;
  if (creds.length === 0) return true;
  return creds.some((c) => c.user === user && c.password === password);
}

function finish(s: SmtpServer, user: string, ok: boolean): null {
  s.sasl = null;
  s.phase = 'command';
  if (ok) {
    s.user = user;
    s.errors = 0;
    s.reply(235, '2.7.0', 'Authentication successful');
  } else {
    s.fail(535, '5.7.8', 'Error: authentication credentials invalid');
  }
  return null;
}

const plainStep: Step = (s, decoded) => {
  const p = decodePlain(decoded);
  if (!p) {
    s.sasl = null;
    s.phase = 'command';
    s.fail(501, '5.5.2', 'Error: malformed PLAIN response');
    return null;
  }
  return finish(s, p.user, checkPassword(s, p.user, p.password));
};

function loginPassword(user: string): Step {
  return (s, password) => finish(s, user, checkPassword(s, user, password));
}

const loginUser: Step = (s, user) => {
  s.reply(334, null, Buffer.from('Password:').toString('base64'));
  return loginPassword(user);
};

function cramStep(challenge: string): Step {
  return (s, decoded) => {
    const sp = decoded.lastIndexOf(' ');
    const user = sp > 0 ? decoded.slice(0, sp) : decoded;
    const digest = sp > 0 ? decoded.slice(sp + 1).toLowerCase() : '';
    const creds = s.config.credentials;
    if (creds.length === 0) return finish(s, user, /^[0-9a-f]{32}$/.test(digest));
    const cred = creds.find((c) => c.user === user);
    const want = cred ? createHmac('md5', cred.password).update(challenge).digest('hex') : '0'.repeat(32);
    const ok = !!cred && digest.length === 32 && timingSafeEqual(Buffer.from(want), Buffer.from(digest));
    return finish(s, user, ok);
  };
}

class Exchange implements SaslExchange {
  constructor(private step: Step) {}

  onLine(s: SmtpServer, line: string): void {
    // RFC 4954 §4: "*" cancels the exchange.
    if (line === '*') {
      s.sasl = null;
      s.phase = 'command';
      s.fail(501, '5.7.0', 'Authentication cancelled');
      return;
    }
    const decoded = decodeBase64Text(line);
    if (decoded === null) {
      s.sasl = null;
      s.phase = 'command';
      s.fail(501, '5.5.2', 'Error: invalid base64 in AUTH response');
      return;
    }
    const next = this.step(s, decoded);
    if (next) this.step = next;
  }
}

/** Start an AUTH exchange; `initial` is the optional initial response (RFC 4954 §4). */
export function startSasl(s: SmtpServer, mechanism: string, initial: string | null): void {
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
    case 'CRAM-MD5': {
      if (initial !== null) {
        s.fail(501, '5.5.2', 'Error: CRAM-MD5 takes no initial response');
        return;
      }
      const challenge = s.config.challenge();
      first = cramStep(challenge);
      prompt = Buffer.from(challenge).toString('base64');
      break;
    }
    default:
      s.fail(504, '5.5.4', `Error: unsupported authentication mechanism ${mechanism}`);
      return;
  }
  const ex = new Exchange(first);
  s.sasl = ex;
  s.phase = 'sasl';
  // "=" is an empty initial response (RFC 4954 §4).
  if (initial !== null) ex.onLine(s, initial === '=' ? '' : initial);
  else s.reply(334, null, prompt);
}
