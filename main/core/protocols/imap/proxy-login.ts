// Who logged in through the IMAP proxy, for the envelope of the messages it catches: the user
// of LOGIN (RFC 3501 §6.2.3, astrings read by login-args.ts, literals included) or of
// AUTHENTICATE (RFC 3501 §6.2.2, SASL-IR RFC 4959, decoded by sasl-decode.ts), taken only once
// the upstream completed that command with a tagged OK.
import { beginSasl, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import { LOGIN_LITERAL_LIMIT, loginArgs, type LoginSegment } from './login-args.js';

/** Lines and literals of a LOGIN kept for its arguments (as the dissector keeps them). */
const LOGIN_SEGMENTS = 8;
/** Logins awaiting their answer: more are a client that does not wait, and the oldest go. */
const MAX_ATTEMPTS = 16;

interface Attempt {
  tag: string;
  /** LOGIN: its lines and literals; AUTHENTICATE: what the exchange showed. */
  login?: LoginSegment[];
  sasl?: SaslSeen | null;
}

export class ImapLoginWatch {
  /** Who is logged in, or null before a login succeeded. */
  user: string | null = null;
  /** Logins sent and not yet answered, by tag (a client may pipeline them). */
  private readonly attempts: Attempt[] = [];
  /** The LOGIN whose lines and literals are still arriving. */
  private building: Attempt | null = null;
  /** The octets of a LOGIN literal being read; null when it is over the limit. */
  private literalChunks: Buffer[] | null = null;

  /** A client command begins with this line (latin1 text, no line ending). */
  command(tag: string, verb: string, text: string): void {
    this.building = null;
    if (this.attempts.length >= MAX_ATTEMPTS) this.attempts.shift();
    if (verb === 'LOGIN') {
      this.building = { tag, login: [text] };
      this.attempts.push(this.building);
    } else if (verb === 'AUTHENTICATE') {
      this.attempts.push({ tag, sasl: beginSasl(text.replace(/^\S+ +\S+ ?/, '')) });
    }
  }

  /** A line that continues the current command, after one of its literals. */
  continuation(text: string): void {
    const b = this.building;
    if (b?.login && b.login.length < LOGIN_SEGMENTS) b.login.push(text);
  }

  /** The current command announced a literal of `size` octets. */
  literalStart(size: number): void {
    this.literalChunks = this.building && size <= LOGIN_LITERAL_LIMIT ? [] : null;
    if (size === 0) this.literalBytes(Buffer.alloc(0), 0); // no octets will come
  }

  /** Octets of that literal; `left` are still to come. */
  literalBytes(bytes: Buffer, left: number): void {
    if (this.literalChunks) this.literalChunks.push(Buffer.from(bytes));
    if (left > 0) return;
    const b = this.building;
    if (b?.login && b.login.length < LOGIN_SEGMENTS) b.login.push(this.literalChunks ? Buffer.concat(this.literalChunks) : null);
    this.literalChunks = null;
  }

  /** A line answering an AUTHENTICATE challenge ("+", RFC 3501 §6.2.2). */
  saslLine(tag: string, text: string): void {
    const a = this.attempts.find((x) => x.tag === tag);
    if (a?.sasl) observeSaslResponse(a.sasl, text);
  }

  /** A tagged completion: a LOGIN or AUTHENTICATE answered OK makes its user the one logged in. */
  completed(tag: string, ok: boolean): void {
    const i = this.attempts.findIndex((x) => x.tag === tag);
    if (i < 0) return;
    const [a] = this.attempts.splice(i, 1);
    if (a === this.building) this.building = null;
    if (!ok) return;
    if (a!.login) this.user = loginArgs(a!.login)?.user ?? null;
    else if (a!.sasl) this.user = a!.sasl.user;
  }
}
