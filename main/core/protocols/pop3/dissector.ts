// The POP3 dissector: watches both directions of a dialogue and pairs each command with its
// response (RFC 1939 §3; in order, so pipelining per RFC 2449 §6.6 pairs too). It knows which
// responses are multi-line, records their bodies as payload references, follows AUTH
// (RFC 5034) and STLS (RFC 2595), and masks secrets. It only watches, so the sink and the proxy
// share it.
import type { Command, Direction, Leg, Micros, PayloadRef, Reply, ReplyLine, TimelineEventInput } from '../../../../shared/types.js';
import type { Dissector } from '../dissector.js';
import { exchangeEvents, type ExchangeOptions } from '../exchange-events.js';
import { LineReader } from '../line-reader.js';
import { maskSecret, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import { utf8FromLatin1 } from '../text.js';
import { parseStatusLine, replyStatus } from './reply.js';

const POP3_EXCHANGES: ExchangeOptions = { authOk: (last) => last?.lines[0]?.code === '+OK', latencyWhenIncomplete: true };

interface Pending {
  command: Command;
  t: Micros;
  replies: Reply[];
  payload?: PayloadRef;
  auth?: SaslSeen;
}

/** command: lines are commands; hold: bytes wait for the answer to AUTH/STLS; sasl: one AUTH response. */
type ClientMode = 'command' | 'hold' | 'sasl' | 'tls-wait';

/** Dissectors read generously: a peer's overlong line is recorded, not refused. */
const LINE_LIMIT = 64 * 1024;
/** Lines of a short listing (CAPA, LIST, UIDL) kept in the reply; the payload has them all. */
const LISTING_LINES = 100;

/** RFC 1939 §3, RFC 2449 §5, RFC 5034 §4: which +OK responses have a multi-line body. */
export function isMultiline(verb: string, args: string): 'message' | 'listing' | null {
  switch (verb) {
    case 'RETR':
    case 'TOP':
      return 'message';
    case 'CAPA':
      return 'listing';
    case 'LIST':
    case 'UIDL':
    case 'AUTH': // bare AUTH lists the mechanisms
      return args.trim() === '' ? 'listing' : null;
    default:
      return null;
  }
}

export class Pop3Dissector implements Dissector {
  private client = new LineReader(LINE_LIMIT);
  private server = new LineReader(LINE_LIMIT);
  private mode: ClientMode = 'command';
  private pending: Pending[] = [];
  private greeted = false;
  /** The pending exchange whose multi-line body is being read, and where that body began. */
  private body: { p: Pending; reply: Reply; start: number; keep: boolean } | null = null;
  /** Server-stream bytes seen: payload references point into that stream. */
  private serverSeen = 0;
  /** The name of the last USER command, for the auth event of the PASS after it. */
  private userName: string | null = null;
  private out: TimelineEventInput[] = [];

  constructor(private readonly leg: Leg = 'client') {}

  onData(direction: Direction, bytes: Uint8Array, t: Micros): TimelineEventInput[] {
    if (direction === 'c2s') {
      if (this.mode === 'tls-wait') {
        this.notice(t, 'warning', 'starttls-injection', `${bytes.length} bytes of plaintext sent after STLS, before the TLS handshake (CVE-2011-0411 class); they were refused`);
        return this.take();
      }
      this.client.push(bytes);
      this.readClient(t);
    } else {
      this.serverSeen += bytes.length;
      this.server.push(bytes);
      this.readServer(t);
    }
    return this.take();
  }

  onTls(): TimelineEventInput[] {
    // RFC 2595 §4: the dialogue goes on inside TLS, with no new greeting.
    this.client.drain();
    this.server.drain();
    this.mode = 'command';
    this.body = null;
    return this.take();
  }

  onClose(t: Micros): TimelineEventInput[] {
    if (this.body) this.endBody(t);
    for (const p of this.pending) this.emit(p, t, true);
    this.pending = [];
    return this.take();
  }

  // ------------------------------------------------------------ client side

  private readClient(t: Micros): void {
    while (this.mode === 'command' || this.mode === 'sasl') {
      const line = this.client.next();
      if (!line) return;
      if (this.mode === 'sasl') {
        this.onSaslResponse(line.text);
        this.mode = 'hold';
      } else this.onCommand(line.tooLong ? '(line too long)' : line.text, t);
    }
  }

  private onCommand(text: string, t: Micros): void {
    const m = /^(\S+)(?: (.*))?$/s.exec(text);
    const verb = (m?.[1] ?? '').toUpperCase();
    let args = utf8FromLatin1(m?.[2] ?? '');
    const p: Pending = { command: { verb, args, line: '' }, t, replies: [] };
    switch (verb) {
      case 'USER':
        this.userName = args;
        break;
      case 'PASS':
        // RFC 1939 §7: the whole rest of the line is the password.
        p.auth = { mechanism: 'USER', user: this.userName, secret: args, responses: 1 };
        args = maskSecret(args);
        break;
      case 'APOP': {
        const sp = args.lastIndexOf(' ');
        const user = sp > 0 ? args.slice(0, sp) : args;
        const digest = sp > 0 ? args.slice(sp + 1) : '';
        p.auth = { mechanism: 'APOP', user, secret: digest || null, responses: 1 };
        args = `${user} ${maskSecret(digest)}`;
        break;
      }
      case 'AUTH': {
        const [mech = '', ir] = args.split(' ');
        if (!mech) break; // bare AUTH: a listing, not a login
        p.auth = { mechanism: mech.toUpperCase(), user: null, secret: null, responses: 0 };
        if (ir !== undefined) {
          observeSaslResponse(p.auth, ir);
          args = `${mech} ${maskSecret(ir)}`;
        }
        this.mode = 'hold';
        break;
      }
      case 'STLS':
        this.mode = 'hold';
        break;
    }
    p.command.args = args;
    p.command.line = args ? `${m?.[1] ?? verb} ${args}` : (m?.[1] ?? verb);
    this.pending.push(p);
  }

  private onSaslResponse(line: string): void {
    const p = this.pending[0];
    if (p?.auth) observeSaslResponse(p.auth, line);
  }

  // ------------------------------------------------------------ server side

  private readServer(t: Micros): void {
    for (let line = this.server.next(); line; line = this.server.next()) {
      if (this.body) {
        this.onBodyLine(line.tooLong ? null : line.text, t);
        continue;
      }
      const text = line.tooLong ? '(line too long)' : utf8FromLatin1(line.text);
      const parsed = parseStatusLine(text) ?? { code: '???', enhanced: null, text };
      this.onStatus(parsed, t);
    }
  }

  private onStatus(line: ReplyLine, t: Micros): void {
    const reply: Reply = { t, lines: [line], status: line.code === '???' ? 'permanent' : replyStatus(line) };
    const first = !this.greeted;
    const p = first ? undefined : this.pending[0];
    this.greeted = true;
    if (!p) {
      // The greeting, or a response nothing asked for (an -ERR on idle timeout).
      this.out.push({ kind: 'exchange', t, leg: this.leg, command: null, replies: [reply], latencyUs: null, ...(first ? { greeting: true as const } : {}) });
      return;
    }
    p.replies.push(reply);
    const verb = p.command.verb;
    if (line.code === '+') {
      // A SASL challenge (RFC 5034 §4): the next client line is a response, not a command.
      if (verb === 'AUTH') this.mode = 'sasl';
      this.readClient(t);
      return;
    }
    const multi = line.code === '+OK' ? isMultiline(verb, p.command.args) : null;
    if (multi) {
      this.body = { p, reply, start: this.position(), keep: multi === 'listing' };
      return;
    }
    this.finish(p, t);
  }

  private onBodyLine(text: string | null, t: Micros): void {
    const b = this.body!;
    if (text === '.') {
      this.endBody(t);
      this.finish(b.p, t);
      return;
    }
    if (b.keep && text !== null && b.reply.lines.length <= LISTING_LINES) {
      // Undo byte-stuffing (RFC 1939 §3) for the listing lines shown in the reply.
      const unstuffed = text.startsWith('.') ? text.slice(1) : text;
      b.reply.lines.push({ code: '+OK', enhanced: null, text: utf8FromLatin1(unstuffed) });
    }
  }

  private endBody(t: Micros): void {
    const b = this.body!;
    this.body = null;
    b.reply.t = t;
    b.p.payload = { kind: 'multiline', direction: 's2c', offset: b.start, length: this.position() - b.start };
  }

  private finish(p: Pending, t: Micros): void {
    this.pending.shift();
    this.emit(p, t, false);
    const verb = p.command.verb;
    const ok = p.replies[p.replies.length - 1]?.lines[0]?.code === '+OK';
    if (verb === 'STLS' && ok) {
      this.mode = 'tls-wait';
      const held = this.client.drain();
      if (held.length)
        this.notice(t, 'warning', 'starttls-injection', `${held.length} bytes pipelined after STLS were sent in plaintext and refused (RFC 2595 §4, CVE-2011-0411)`);
      return;
    }
    // The command that stopped the reading (AUTH with a mechanism, STLS) is always the last one
    // pending: an earlier pipelined command finishing (a bare AUTH listing) does not release it.
    if (this.mode === 'hold' && this.pending.length === 0) this.mode = 'command';
    this.readClient(t);
  }

  /** Where the server stream has been read up to (the line reader may hold a partial line). */
  private position(): number {
    return this.serverSeen - this.server.buffered;
  }

  // ------------------------------------------------------------ output

  private emit(p: Pending, t: Micros, incomplete: boolean): void {
    this.out.push(...exchangeEvents(p, this.leg, t, incomplete, POP3_EXCHANGES));
  }


  private notice(t: Micros, kind: 'warning' | 'error', code: string, text: string): void {
    this.out.push({ kind, t, code, text, leg: this.leg });
  }

  private take(): TimelineEventInput[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}
