// The IMAP dissector: watches both directions and pairs each tagged command with its tagged
// response (RFC 3501 §2.2.1, pipelining included), collecting the untagged responses and "+"
// continuations in between. It follows literals both ways ({n} only after the server's "+",
// {n+} at once), AUTHENTICATE exchanges, IDLE until DONE and STARTTLS; it masks LOGIN passwords
// and SASL secrets and emits auth events. A LOGIN's literals (RFC 3501 §6.2.3 astrings) are read
// for its user and password (login-args.ts) and, being secrets, never become a payload. It only
// watches, so the sink and the proxy share it.
import type { Command, Direction, Leg, Micros, PayloadRef, Reply, ReplyLine, ReplyStatus, TimelineEventInput } from '../../../../shared/types.js';
import type { Dissector } from '../dissector.js';
import { exchangeEvents, type ExchangeOptions } from '../exchange-events.js';
import { LineReader } from '../line-reader.js';
import { LOGIN_LITERAL_LIMIT, loginArgs, type LoginSegment } from './login-args.js';
import { maskSecret, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import { utf8FromLatin1 } from '../text.js';

/** The tagged OK ends a successful LOGIN or AUTHENTICATE; a cut-off exchange has no latency. */
const IMAP_EXCHANGES: ExchangeOptions = { authOk: (last) => last?.lines[last.lines.length - 1]?.code === 'OK', latencyWhenIncomplete: false };

interface Pending {
  tag: string;
  /** The command as received so far (literals left out). */
  text: string;
  command: Command;
  t: Micros;
  lines: ReplyLine[];
  replies: Reply[];
  untagged: number;
  payload?: PayloadRef;
  auth?: SaslSeen;
  /** Not a well-formed tagged command: the server answers it with an untagged BAD. */
  untaggedBad?: boolean;
  /** A LOGIN's lines and literals, for its user and password. */
  login?: LoginSegment[];
}

/**
 * command: lines are commands; literal: octets of a client literal; hold: the client waits for
 * the server ("+" or the tagged answer); sasl: the next line is an AUTHENTICATE response;
 * idle: the next line ends IDLE; tls-wait: after STARTTLS's OK, before the handshake.
 */
type ClientMode = 'command' | 'literal' | 'hold' | 'sasl' | 'idle' | 'tls-wait';

const LINE_LIMIT = 64 * 1024;
/** Untagged responses kept per exchange; a FETCH of thousands keeps its first ones and a count. */
const KEEP_UNTAGGED = 50;
const LITERAL_AT_END = /~?\{(\d{1,20})(\+?)\}$/;
/** Lines and literals of a LOGIN kept for its arguments (user and password need five at most). */
const LOGIN_SEGMENTS = 8;
/** tag SP command (RFC 3501 §9): what the server reads as a command at all. */
const VALID_COMMAND = /^[^\x00-\x20\x7f(){%*"\\+]+ [A-Za-z]+(?: |$)/;

export class ImapDissector implements Dissector {
  /** Whether the server has spoken on this leg yet (its first response is the greeting). */
  private sawResponse = false;
  private client = new LineReader(LINE_LIMIT);
  private server = new LineReader(LINE_LIMIT);
  private mode: ClientMode = 'command';
  private pending: Pending[] = [];
  /** The command whose lines are still arriving (it waits for a literal). */
  private building: Pending | null = null;
  private clientLiteral = 0;
  /** The octets of a LOGIN literal being read (kept only up to LOGIN_LITERAL_LIMIT). */
  private loginLiteral: { p: Pending; chunks: Buffer[]; keep: boolean } | null = null;
  private serverLiteral = 0;
  private serverLine = '';
  private clientPos = 0;
  private out: TimelineEventInput[] = [];

  constructor(private readonly leg: Leg = 'client') {}

  onData(direction: Direction, bytes: Uint8Array, t: Micros): TimelineEventInput[] {
    if (direction === 'c2s') {
      if (this.mode === 'tls-wait') {
        this.notice(t, 'starttls-injection', `${bytes.length} bytes of plaintext sent after STARTTLS's OK, before the TLS handshake (CVE-2011-0411 class); they were refused`);
        return this.take();
      }
      this.client.push(bytes);
      this.readClient(t);
    } else {
      this.server.push(bytes);
      this.readServer(t);
    }
    return this.take();
  }

  onTls(): TimelineEventInput[] {
    this.client.drain();
    this.server.drain();
    this.mode = 'command';
    return this.take();
  }

  onClose(t: Micros): TimelineEventInput[] {
    for (const p of this.pending) this.emit(p, t, true);
    this.pending = [];
    return this.take();
  }

  // ------------------------------------------------------------ client side

  private readClient(t: Micros): void {
    for (;;) {
      if (this.mode === 'literal') {
        const bytes = this.client.drain();
        if (!bytes.length) return;
        const take = Math.min(bytes.length, this.clientLiteral);
        this.clientLiteral -= take;
        this.clientPos += take;
        const lit = this.loginLiteral;
        if (lit?.keep) lit.chunks.push(Buffer.from(bytes.subarray(0, take)));
        this.client.push(bytes.subarray(take));
        if (this.clientLiteral > 0) return;
        if (lit) lit.p.login?.push(lit.keep ? Buffer.concat(lit.chunks) : null);
        this.loginLiteral = null;
        this.mode = 'command';
        continue;
      }
      if (this.mode !== 'command' && this.mode !== 'sasl' && this.mode !== 'idle') return;
      const line = this.client.next();
      if (!line) return;
      this.clientPos += line.raw.length;
      const text = line.tooLong ? '(line too long)' : line.text;
      if (this.mode === 'sasl') {
        const p = this.pending[this.pending.length - 1];
        if (p?.auth) observeSaslResponse(p.auth, text);
        this.mode = 'hold';
      } else if (this.mode === 'idle') {
        this.pending[this.pending.length - 1]?.lines.push({ code: 'DONE', enhanced: null, text: '' });
        this.mode = 'hold';
      } else if (text !== '' || this.building) this.onCommandLine(text, t);
    }
  }

  private onCommandLine(text: string, t: Micros): void {
    let p = this.building;
    if (!p) {
      p = { tag: '', text: '', command: { verb: '', args: '', line: '' }, t, lines: [], replies: [], untagged: 0 };
      this.pending.push(p);
      this.building = p;
    }
    p.text += text;
    // LOGIN takes two astrings: more than a few lines and literals is not worth keeping.
    if (p.login ? p.login.length < LOGIN_SEGMENTS : /^\S+ LOGIN(?: |$)/i.test(p.text)) (p.login ??= []).push(text);
    const lit = LITERAL_AT_END.exec(text);
    this.describe(p, !lit);
    if (lit) {
      this.clientLiteral = Number(lit[1]);
      if (p.login) {
        // A user name or password: read for the auth event, never a payload (it is a secret).
        if (this.clientLiteral === 0) p.login.push(Buffer.alloc(0));
        else this.loginLiteral = { p, chunks: [], keep: this.clientLiteral <= LOGIN_LITERAL_LIMIT && p.login.length < LOGIN_SEGMENTS };
      } else p.payload ??= { kind: 'literal', direction: 'c2s', offset: this.clientPos, length: this.clientLiteral };
      // A synchronising literal comes after the server's "+"; a LITERAL+ one comes at once.
      this.mode = lit[2] !== '+' ? 'hold' : this.clientLiteral > 0 ? 'literal' : 'command';
      return;
    }
    this.building = null;
    // Commands after which the client waits for the server before sending more.
    const v = p.command.verb;
    if (v === 'AUTHENTICATE' || v === 'IDLE' || v === 'STARTTLS') this.mode = 'hold';
  }

  /** Tag, verb and arguments of a command, with secrets masked; `final` once all of it is in. */
  private describe(p: Pending, final: boolean): void {
    const m = /^(\S+) (\S+)(?: (\S+))?/.exec(p.text);
    const tag = m?.[1] ?? '';
    let verb = (m?.[2] ?? p.text).toUpperCase();
    let rest = m ? p.text.slice(tag.length + 1 + m[2]!.length + 1) : '';
    if (verb === 'UID' && m?.[3]) {
      verb = `UID ${m[3].toUpperCase()}`;
      rest = rest.slice(m[3].length + 1);
    }
    let args = utf8FromLatin1(rest);
    if (verb === 'LOGIN') {
      // The password is kept in the wire log only (design: secrets masked in views).
      const l = loginArgs(p.login ?? [p.text]);
      if (final) p.auth = { mechanism: 'LOGIN', user: l?.user ?? null, secret: l?.password ?? null, responses: 1 };
      if (l) args = l.passwordShown === null ? l.userShown : `${l.userShown} ${maskSecret(l.password ?? l.passwordShown)}`;
    } else if (verb === 'AUTHENTICATE') {
      const [mech = '', ir] = args.split(' ');
      if (final) {
        p.auth = { mechanism: mech.toUpperCase(), user: null, secret: null, responses: 0 };
        if (ir !== undefined) observeSaslResponse(p.auth, ir);
      }
      if (ir !== undefined) args = `${mech} ${maskSecret(ir)}`;
    }
    p.tag = tag;
    p.untaggedBad = !VALID_COMMAND.test(p.text);
    p.command = p.untaggedBad ? { verb: '', args: utf8FromLatin1(p.text), line: utf8FromLatin1(p.text) } : { verb, args, tag, line: `${tag} ${verb}${args ? ` ${args}` : ''}` };
  }

  // ------------------------------------------------------------ server side

  private readServer(t: Micros): void {
    for (;;) {
      if (this.serverLiteral > 0) {
        const bytes = this.server.drain();
        if (!bytes.length) return;
        const take = Math.min(bytes.length, this.serverLiteral);
        this.serverLiteral -= take;
        this.server.push(bytes.subarray(take));
        if (this.serverLiteral > 0) return;
        continue;
      }
      const line = this.server.next();
      if (!line) return;
      const text = line.tooLong ? '(line too long)' : line.text;
      const lit = LITERAL_AT_END.exec(text);
      this.serverLine += text;
      if (lit) {
        this.serverLiteral = Number(lit[1]);
        continue;
      }
      const whole = this.serverLine;
      this.serverLine = '';
      this.onResponse(utf8FromLatin1(whole), t);
    }
  }

  private onResponse(text: string, t: Micros): void {
    if (text.startsWith('+')) {
      const p = this.pending[this.pending.length - 1];
      if (!p) return;
      p.replies.push({ t, lines: [{ code: '+', enhanced: null, text: text.slice(1).trim() }], status: 'intermediate' });
      if (this.mode === 'hold') {
        if (this.clientLiteral > 0) this.mode = 'literal';
        else if (p.command.verb === 'AUTHENTICATE') this.mode = 'sasl';
        else if (p.command.verb === 'IDLE') this.mode = 'idle';
        else this.mode = 'command';
        this.readClient(t);
      }
      return;
    }
    if (text.startsWith('* ')) {
      const p = this.pending[0];
      // Status responses keep their word as the code (OK, NO, BAD, BYE, PREAUTH); data
      // responses (CAPABILITY, 3 EXISTS, 1 FETCH …) are "*" with the rest as text.
      const m = /^\* (OK|NO|BAD|BYE|PREAUTH)\b ?(.*)$/is.exec(text);
      const line: ReplyLine = m ? { code: m[1]!.toUpperCase(), enhanced: null, text: m[2] ?? '' } : { code: '*', enhanced: null, text: text.slice(2) };
      const first = !this.sawResponse;
      this.sawResponse = true;
      if (!p) {
        // The greeting, or a BYE nothing asked for.
        this.out.push({ kind: 'exchange', t, leg: this.leg, command: null, replies: [{ t, lines: [line], status: statusOf(line.code) }], latencyUs: null, ...(first ? { greeting: true as const } : {}) });
        return;
      }
      // A line that was not a command gets an untagged BAD; that completes it (RFC 3501 §7.1.3).
      const bad = line.code === 'BAD' ? this.pending.findIndex((x) => x.untaggedBad && x !== this.building) : -1;
      if (bad >= 0) {
        const q = this.pending.splice(bad, 1)[0]!;
        q.replies.push({ t, lines: [line], status: 'bad' });
        this.emit(q, t, false);
        return;
      }
      if (p.untagged++ < KEEP_UNTAGGED) p.lines.push(line);
      return;
    }
    const m = /^(\S+) (OK|NO|BAD|BYE)\b ?(.*)$/is.exec(text);
    const idx = m ? this.pending.findIndex((p) => p.tag === m[1]) : -1;
    if (idx < 0) {
      this.notice(t, 'unpaired-response', `a response no command asked for: ${text.slice(0, 200)}`);
      return;
    }
    const p = this.pending.splice(idx, 1)[0]!;
    const code = m![2]!.toUpperCase();
    if (p.untagged > KEEP_UNTAGGED) p.lines.push({ code: '*', enhanced: null, text: `… ${p.untagged - KEEP_UNTAGGED} more untagged responses` });
    p.lines.push({ code, enhanced: null, text: m![3] ?? '' });
    p.replies.push({ t, lines: p.lines, status: statusOf(code) });
    this.emit(p, t, false);
    if (this.mode === 'hold' && this.clientLiteral > 0) {
      // A synchronising literal refused: the client never sends it.
      this.clientLiteral = 0;
      this.loginLiteral = null;
      this.building = null;
    }
    if (p.command.verb === 'STARTTLS' && code === 'OK') {
      this.mode = 'tls-wait';
      const held = this.client.drain();
      if (held.length) this.notice(t, 'starttls-injection', `${held.length} bytes pipelined after STARTTLS were sent in plaintext and refused (RFC 3501 §6.2.1, CVE-2011-0411)`);
      return;
    }
    if (this.mode === 'hold' || this.mode === 'sasl' || this.mode === 'idle') this.mode = 'command';
    this.readClient(t);
  }

  // ------------------------------------------------------------ output

  private emit(p: Pending, t: Micros, incomplete: boolean): void {
    if (incomplete && p.lines.length) p.replies.push({ t, lines: p.lines, status: 'intermediate' });
    this.out.push(...exchangeEvents(p, this.leg, t, incomplete, IMAP_EXCHANGES));
  }


  private notice(t: Micros, code: string, text: string): void {
    this.out.push({ kind: 'warning', t, code, text, leg: this.leg });
  }

  private take(): TimelineEventInput[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

function statusOf(code: string): ReplyStatus {
  if (code === 'OK' || code === 'PREAUTH') return 'ok';
  if (code === 'NO') return 'no';
  if (code === 'BAD' || code === 'BYE') return 'bad';
  return 'intermediate';
}
