// Credentials in a replayed client side. By default the recorded ones are sent again as they
// were; substituted ones are encoded the way the recorded exchange used: SMTP AUTH (RFC 4954),
// POP3 USER/PASS, APOP and AUTH (RFC 1939 §7, RFC 5034), IMAP LOGIN and AUTHENTICATE
// (RFC 9051 §6.2). PLAIN (RFC 4616) and LOGIN are re-encoded, and so are the OAuth 2.0 bearer
// logins, XOAUTH2 and OAUTHBEARER (RFC 7628 §3.1), with the password as the bearer token.
// CRAM-MD5 (RFC 2195) and APOP answer a challenge that is new on every connection, so they are
// always recomputed, which needs the password: the recording holds only a digest of it.
import { createHash, createHmac } from 'node:crypto';
import type { Protocol } from '../../../shared/types.js';
import { decodeBase64Text, decodeOauthBearer, decodePlain, decodeXoauth2, encodeSaslname } from '../protocols/sasl-decode.js';
import type { ResponseUnit } from './units.js';

export interface Substitute {
  user?: string;
  password?: string;
}

interface Sasl {
  mech: string;
  n: number;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const LITERAL_AT_END = /~?\{(\d{1,20})\+?\}$/;

/**
 * A recorded bearer login with the substitutes: the user, and the password as the token
 * (RFC 6750 §2.1 "Bearer" credentials). XOAUTH2 is "user=U ^A auth=Bearer T ^A ^A";
 * OAUTHBEARER (RFC 7628 §3.1) keeps its GS2 flag and its other pairs (host, port) in order, with
 * U as the authzid, "," and "=" escaped (RFC 5801 §5.1). Anything else (the answer to an error
 * challenge, RFC 7628 §3.2.3) is not a login and stays as recorded (null).
 */
function bearer(mech: string, decoded: string, sub: Substitute): string | null {
  if (mech === 'XOAUTH2') {
    const login = decodeXoauth2(decoded);
    return login && b64(`user=${sub.user ?? login.user}\u0001auth=Bearer ${sub.password ?? login.token}\u0001\u0001`);
  }
  const login = decodeOauthBearer(decoded, false);
  if (!login) return null;
  const sep = decoded.indexOf('\u0001');
  const flag = decoded.slice(0, decoded.indexOf(','));
  // The recorded authzid as it was sent (already escaped), or the substitute escaped.
  const authzid = sub.user !== undefined ? encodeSaslname(sub.user) : /^[^,]*,(?:a=([^,]*))?,/.exec(decoded)?.[1];
  const pairs = decoded
    .slice(sep + 1)
    .split('\u0001')
    .filter((kv) => kv !== '')
    .map((kv) => (/^auth=/i.test(kv) ? `auth=Bearer ${sub.password ?? login.token}` : kv));
  return b64(`${flag},${authzid ? `a=${authzid}` : ''},\u0001${pairs.map((kv) => `${kv}\u0001`).join('')}\u0001`);
}

/** An IMAP quoted string (RFC 9051 §4.3): backslash and double quote escaped. */
const quoted = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const unquote = (s: string): string => (s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);

export class AuthRewriter {
  /** What could not be done as asked, in words for the report. */
  readonly notes: string[] = [];
  private sasl: Sasl | null = null;
  private dataPending = false;
  private inData = false;
  /** Octets to pass through untouched: a BDAT chunk (RFC 3030) or an IMAP literal. */
  private skipBytes = 0;

  constructor(
    private readonly protocol: Protocol,
    private readonly sub: Substitute,
  ) {}

  /** The step's bytes as they are to be sent; `last` is the latest response unit, `greeting` the first. */
  rewrite(bytes: Buffer, last: ResponseUnit | null, greeting: ResponseUnit | null): Buffer {
    if (this.dataPending) this.inData = !!last && /^354\b/.test(last.line);
    this.dataPending = false;
    let saslAnswer = !!this.sasl && last?.kind === 'continue';
    if (!saslAnswer) this.sasl = null;
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      if (this.skipBytes > 0) {
        const take = Math.min(this.skipBytes, bytes.length - pos);
        out.push(bytes.subarray(pos, pos + take));
        this.skipBytes -= take;
        pos += take;
        continue;
      }
      const lf = bytes.indexOf(10, pos);
      const end = lf < 0 ? bytes.length : lf + 1;
      const raw = bytes.subarray(pos, end);
      pos = end;
      const eol = raw.subarray(raw.length - (raw.at(-2) === 13 ? 2 : raw.at(-1) === 10 ? 1 : 0));
      const text = raw.subarray(0, raw.length - eol.length).toString('utf8');
      let line: string | null;
      if (this.inData) {
        if (text === '.') this.inData = false;
        line = null;
      } else if (saslAnswer) {
        saslAnswer = false;
        line = this.saslResponse(text, last);
      } else line = this.command(text, greeting);
      out.push(line === null ? raw : Buffer.concat([Buffer.from(line, 'utf8'), eol]));
    }
    return Buffer.concat(out);
  }

  private command(text: string, greeting: ResponseUnit | null): string | null {
    if (this.protocol === 'imap') return this.imapCommand(text);
    const m = /^(\S+)(?: (.*))?$/s.exec(text);
    const verb = (m?.[1] ?? '').toUpperCase();
    const args = m?.[2] ?? '';
    if (verb === 'AUTH' && args) return this.authCommand(`${m![1]}`, args);
    if (this.protocol === 'smtp') {
      if (verb === 'DATA') this.dataPending = true;
      const bdat = verb === 'BDAT' ? /^(\d+)/.exec(args) : null;
      if (bdat) this.skipBytes = Number(bdat[1]);
      return null;
    }
    // POP3 (RFC 1939 §7): USER name, PASS the rest of the line, APOP name digest.
    if (verb === 'USER' && this.sub.user !== undefined) return `${m![1]} ${this.sub.user}`;
    if (verb === 'PASS' && this.sub.password !== undefined) return `${m![1]} ${this.sub.password}`;
    if (verb === 'APOP') return this.apop(m![1]!, args, greeting);
    return null;
  }

  private authCommand(verb: string, args: string): string | null {
    const [mech = '', ir] = args.split(' ');
    this.sasl = { mech: mech.toUpperCase(), n: 0 };
    if (ir === undefined) return null;
    return `${verb} ${mech} ${this.saslResponse(ir, null) ?? ir}`;
  }

  private imapCommand(text: string): string | null {
    const lit = LITERAL_AT_END.exec(text);
    if (lit) this.skipBytes = Number(lit[1]);
    const m = /^(\S+) (\S+)(?: (.*))?$/s.exec(text);
    const verb = (m?.[2] ?? '').toUpperCase();
    if (verb === 'AUTHENTICATE' && m?.[3]) return this.authCommand(`${m[1]} ${m[2]}`, m[3]);
    if (verb !== 'LOGIN' || (this.sub.user === undefined && this.sub.password === undefined)) return null;
    const a = /^("(?:[^"\\]|\\.)*"|[^\s"{]+) ("(?:[^"\\]|\\.)*"|[^\s"{]+)$/s.exec(m?.[3] ?? '');
    if (!a) {
      this.notes.push('the recorded IMAP LOGIN sends its arguments as literals; they were sent as recorded');
      return null;
    }
    return `${m![1]} ${m![2]} ${quoted(this.sub.user ?? unquote(a[1]!))} ${quoted(this.sub.password ?? unquote(a[2]!))}`;
  }

  /** One SASL client response (RFC 4422 §3), re-encoded for the substitutes when it can be. */
  private saslResponse(line: string, challenge: ResponseUnit | null): string | null {
    const s = this.sasl;
    if (!s) return null;
    const n = s.n++;
    if (line.trim() === '*') return null;
    const decoded = decodeBase64Text(line === '=' ? '' : line);
    if (decoded === null) return null;
    const { user, password } = this.sub;
    switch (s.mech) {
      case 'PLAIN': {
        const p = decodePlain(decoded);
        if (!p || (user === undefined && password === undefined)) return null;
        return b64(`${p.authzid}\u0000${user ?? p.user}\u0000${password ?? p.password}`);
      }
      case 'LOGIN':
        if (n === 0 && user !== undefined) return b64(user);
        if (n === 1 && password !== undefined) return b64(password);
        return null;
      case 'CRAM-MD5': {
        const sp = decoded.lastIndexOf(' ');
        const recordedUser = sp > 0 ? decoded.slice(0, sp) : decoded;
        if (password === undefined) {
          this.notes.push('CRAM-MD5 was recorded as a digest of the old challenge; give the password (--pass) to recompute it for the target’s challenge. The recorded digest was sent and will fail.');
          return null;
        }
        const text = decodeBase64Text((challenge?.line ?? '').replace(/^(?:334|\+) ?/, '')) ?? '';
        const digest = createHmac('md5', password).update(text).digest('hex');
        return b64(`${user ?? recordedUser} ${digest}`);
      }
      case 'XOAUTH2':
      case 'OAUTHBEARER':
        return user === undefined && password === undefined ? null : bearer(s.mech, decoded, this.sub);
      default:
        if (user !== undefined || password !== undefined) this.notes.push(`SASL ${s.mech} cannot be re-encoded with other credentials; it was sent as recorded`);
        return null;
    }
  }

  /** APOP (RFC 1939 §7): MD5 of the greeting's timestamp and the password, in hex. */
  private apop(verb: string, args: string, greeting: ResponseUnit | null): string | null {
    const sp = args.lastIndexOf(' ');
    const recordedUser = sp > 0 ? args.slice(0, sp) : args;
    const stamp = /<[^<>]*>/.exec(greeting?.line ?? '')?.[0];
    if (this.sub.password === undefined || !stamp) {
      this.notes.push(stamp ? 'APOP was recorded as a digest of the old greeting; give the password (--pass) to recompute it. The recorded digest was sent and will fail.' : 'the target’s greeting has no APOP timestamp; APOP was sent as recorded');
      return null;
    }
    return `${verb} ${this.sub.user ?? recordedUser} ${createHash('md5').update(stamp + this.sub.password).digest('hex')}`;
  }
}
