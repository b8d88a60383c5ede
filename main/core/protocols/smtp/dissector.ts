// The SMTP dissector: watches both directions of a dialogue and pairs each command with its
// reply (RFC 5321 §4.2, pipelining per RFC 2920 §3.1), following DATA, BDAT, AUTH and STARTTLS.
// It only watches, so the sink and the proxy share it, and a misbehaving peer shows up as
// recorded warnings rather than as a broken timeline.
import type { Command, Direction, Leg, Micros, PayloadRef, Reply, TimelineEventInput } from '../../../../shared/types.js';
import type { Dissector } from '../dissector.js';
import { exchangeEvents, type ExchangeOptions } from '../exchange-events.js';
import { LineReader } from '../line-reader.js';
import { maskSecret, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import { utf8FromLatin1 } from '../text.js';
import { DataReader } from './data-reader.js';
import { ReplyAssembler } from './reply.js';

/** RFC 4954 §6: 235 is a successful AUTH. */
const SMTP_EXCHANGES: ExchangeOptions = { authOk: (last) => last?.lines[last.lines.length - 1]?.code === '235', latencyWhenIncomplete: true };

interface Pending {
  command: Command;
  t: Micros;
  replies: Reply[];
  payload?: PayloadRef;
  auth?: SaslSeen;
}

/** command: lines are commands; hold: bytes wait for the reply to DATA/AUTH/STARTTLS. */
type ClientMode = 'command' | 'hold' | 'data' | 'bdat' | 'sasl' | 'tls-wait';

/** Dissectors read generously: a peer's overlong line is recorded, not refused. */
const LINE_LIMIT = 64 * 1024;

export class SmtpDissector implements Dissector {
  /** Whether the server has spoken on this leg yet (its first reply is the greeting). */
  private sawReply = false;
  private client = new LineReader(LINE_LIMIT);
  private server = new LineReader(LINE_LIMIT);
  private replies = new ReplyAssembler();
  private mode: ClientMode = 'command';
  private pending: Pending[] = [];
  private data: DataReader | null = null;
  private dataStart = 0;
  private bdatRemaining = 0;
  /** Client-stream bytes consumed so far: payload references point into that stream. */
  private clientPos = 0;
  private out: TimelineEventInput[] = [];
  private injected = 0;

  constructor(private readonly leg: Leg = 'client') {}

  onData(direction: Direction, bytes: Uint8Array, t: Micros): TimelineEventInput[] {
    if (direction === 'c2s') {
      if (this.mode === 'tls-wait') {
        // Plaintext after STARTTLS's 220 and before the handshake: the injection class of bug.
        this.injected += bytes.length;
        this.notice(t, 'warning', 'starttls-injection', `${bytes.length} bytes of plaintext sent after STARTTLS, before the TLS handshake (CVE-2011-0411 class); they were refused`);
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
    // RFC 3207 §4.2: the dialogue starts over inside TLS.
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
      switch (this.mode) {
        case 'command': {
          const line = this.client.next();
          if (!line) return;
          this.clientPos += line.raw.length;
          this.onCommand(line.tooLong ? '(line too long)' : line.text, t);
          break;
        }
        case 'sasl': {
          const line = this.client.next();
          if (!line) return;
          this.clientPos += line.raw.length;
          this.onSaslResponse(line.text);
          this.mode = 'hold';
          break;
        }
        case 'data': {
          const bytes = this.client.drain();
          if (!bytes.length) return;
          const r = this.data!.push(bytes);
          this.clientPos += r.consumed;
          if (!r.done) return;
          this.client.push(bytes.subarray(r.consumed));
          this.endData(t);
          break;
        }
        case 'bdat': {
          const bytes = this.client.drain();
          if (!bytes.length) return;
          const take = Math.min(bytes.length, this.bdatRemaining);
          this.bdatRemaining -= take;
          this.clientPos += take;
          this.client.push(bytes.subarray(take));
          if (this.bdatRemaining > 0) return;
          this.mode = 'command';
          break;
        }
        default:
          return; // hold, tls-wait: bytes wait in the reader
      }
    }
  }

  private onCommand(text: string, t: Micros): void {
    const m = /^(\S+)(?:\s(.*))?$/s.exec(text);
    const verb = (m?.[1] ?? '').toUpperCase();
    let args = utf8FromLatin1(m?.[2] ?? '');
    const p: Pending = { command: { verb, args, line: '' }, t, replies: [] };
    switch (verb) {
      case 'DATA':
        this.mode = 'hold';
        break;
      case 'STARTTLS':
        this.mode = 'hold';
        break;
      case 'BDAT': {
        const b = /^(\d+)/.exec(args);
        this.bdatRemaining = b ? Number(b[1]) : 0;
        p.payload = { kind: 'bdat', direction: 'c2s', offset: this.clientPos, length: this.bdatRemaining };
        if (this.bdatRemaining > 0) this.mode = 'bdat';
        break;
      }
      case 'AUTH': {
        const [mech = '', ir] = args.split(/\s+/);
        p.auth = { mechanism: mech.toUpperCase(), user: null, secret: null, responses: 0 };
        if (ir !== undefined) {
          observeSaslResponse(p.auth, ir);
          args = `${mech} ${maskSecret(ir)}`;
          p.command.args = args;
        }
        this.mode = 'hold';
        break;
      }
    }
    p.command.line = args ? `${m?.[1] ?? verb} ${args}` : (m?.[1] ?? verb);
    this.pending.push(p);
  }

  private onSaslResponse(line: string): void {
    const p = this.pending[0];
    if (!p?.auth) return;
    observeSaslResponse(p.auth, line);
  }

  private endData(t: Micros): void {
    const reader = this.data!;
    this.data = null;
    this.mode = 'command';
    const p = this.pending.find((x) => x.command.verb === 'DATA' && !x.payload);
    if (p) p.payload = { kind: 'data', direction: 'c2s', offset: this.dataStart, length: reader.wireBytes };
    for (const w of reader.describeWarnings()) this.notice(t, 'warning', w.startsWith('bare LF') ? 'bare-lf' : 'bare-cr', w);
  }

  // ------------------------------------------------------------ server side

  private readServer(t: Micros): void {
    for (let line = this.server.next(); line; line = this.server.next()) {
      const reply = this.replies.push(line.tooLong ? '(line too long)' : utf8FromLatin1(line.text), t);
      if (reply) this.onReply(reply, t);
    }
  }

  private onReply(reply: Reply, t: Micros): void {
    const p = this.pending[0];
    const first = !this.sawReply;
    this.sawReply = true;
    if (!p) {
      // A greeting, or a reply nothing asked for (a 421 on timeout).
      this.out.push({ kind: 'exchange', t: reply.t, leg: this.leg, command: null, replies: [reply], latencyUs: null, ...(first ? { greeting: true as const } : {}) });
      return;
    }
    p.replies.push(reply);
    const code = reply.lines[reply.lines.length - 1]?.code ?? '';
    const verb = p.command.verb;
    if (reply.status === 'intermediate') {
      if (verb === 'DATA' && code === '354') {
        this.mode = 'data';
        // The dissector needs where DATA ends and its warnings, not its bytes.
        this.data = new DataReader(Infinity, false);
        this.dataStart = this.clientPos;
      } else if (verb === 'AUTH' && code === '334') {
        this.mode = 'sasl';
      }
      this.readClient(t);
      return;
    }
    this.pending.shift();
    this.emit(p, t, false);
    if (verb === 'STARTTLS' && code === '220') {
      this.mode = 'tls-wait';
      const held = this.client.drain();
      if (held.length) {
        this.injected += held.length;
        this.notice(t, 'warning', 'starttls-injection', `${held.length} bytes pipelined after STARTTLS were sent in plaintext and refused (RFC 3207 §5, CVE-2011-0411)`);
      }
      return;
    }
    if (this.mode === 'hold' && (verb === 'DATA' || verb === 'AUTH' || verb === 'STARTTLS')) this.mode = 'command';
    this.readClient(t);
  }

  // ------------------------------------------------------------ output

  private emit(p: Pending, t: Micros, incomplete: boolean): void {
    this.out.push(...exchangeEvents(p, this.leg, t, incomplete, SMTP_EXCHANGES));
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
