// The POP3 relay codec: sits between a client (side 'client') and an upstream server (side
// 'server'), forwards every byte in order, and steps in only where the legs differ:
//
// - STLS from the client is answered by the proxy (RFC 2595 §4), never forwarded;
// - towards a STARTTLS upstream the proxy sends STLS itself right after the greeting, and the
//   client gets the greeting once the upstream leg is encrypted, so nothing (USER, PASS) ever
//   crosses that leg in plaintext;
// - CAPA lists STLS to the client exactly when the client leg can upgrade (RFC 2449 §6.0);
// - plaintext pipelined behind STLS, on either leg, is refused and flagged (RFC 2595 §4,
//   CVE-2011-0411); a failing upstream gives the client -ERR [SYS/TEMP] (RFC 3206 §4).
//
// Responses pair with commands in order (RFC 1939 §3; RFC 2449 §6.6 PIPELINING), so a reply
// the proxy makes waits for the upstream replies ahead of it. Multi-line bodies end at a lone
// "." line (RFC 1939 §3, byte-stuffed); a message fetched whole (RETR, or a TOP that asked for
// more lines than the body has, as fetchmail's does) is caught into the store, with the user
// who logged in (USER/PASS, APOP, AUTH) once the upstream accepted that login.
import { type OwedReply, ProxyCodec, type ProxyTlsModes, flushLocal } from '../proxy-codec.js';
import { FetchCapture } from '../proxy-fetch-capture.js';
import { RawLines, type RawLine } from '../proxy-lines.js';
import { authMayBePipelined, beginSasl, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import { utf8FromLatin1 } from '../text.js';
import { type CodecCommand, ascii } from '../types.js';
import { isMultiline } from './dissector.js';

export type Pop3ProxyConfig = ProxyTlsModes;

interface Pending extends OwedReply {
  verb: string;
  args: string;
  /** The proxy's own STLS on the upstream leg: its answer is not forwarded. */
  own?: 'stls';
  /** An AUTH exchange (RFC 5034 §4), followed for its user. */
  sasl?: SaslSeen | null;
}

/** Longer lines are relayed in pieces: RFC 2449 §4 caps responses at 512 octets. */
const MAX_LINE = 65536;
const TERMINATOR = ascii('.\r\n');

export class Pop3Proxy extends ProxyCodec {
  /** command: lines are commands; sasl: the next line answers an AUTH challenge; hold: wait. */
  private client: 'command' | 'sasl' | 'hold' = 'command';
  /** The client is held until an AUTH exchange's next response (see onCommand). */
  private authHold = false;
  private readonly upstream = new RawLines(MAX_LINE);
  private readonly pending: Pending[] = [];
  private upstreamGreeted = false;
  private heldGreeting: Buffer | null = null;
  /** The multi-line body being relayed; a CAPA listing is held to be rewritten. */
  private body: { capa: Buffer[] | null } | null = null;
  /** A TOP being read: the lines asked for, and the body lines seen after the header. */
  private top: { asked: number; inBody: boolean; lines: number } | null = null;
  private readonly capture = new FetchCapture();
  /** The name of the last USER the upstream accepted, for the PASS after it (RFC 1939 §7). */
  private userGiven: string | null = null;
  /** Who is logged in: a login the upstream answered +OK. */
  private user: string | null = null;
  protected readonly injectionRule = 'STLS (RFC 2595 §4)';

  constructor(cfg: Pop3ProxyConfig) {
    super(cfg);
  }

  protected failLine(why: string): Uint8Array {
    return ascii(`-ERR [SYS/TEMP] ${why}\r\n`);
  }

  protected injectionLine(): Uint8Array {
    return ascii('-ERR plaintext pipelined after STLS is refused\r\n');
  }

  /** RFC 1939 §3: an autologout timer closes the connection without a response. */
  protected idleLine(): null {
    return null;
  }

  protected upstreamRest(): Buffer {
    return Buffer.concat([...(this.body?.capa ?? []), this.upstream.drain()]);
  }

  protected onClientTls(): CodecCommand[] {
    this.client = 'command';
    return this.pumpClient();
  }

  protected onUpstreamTls(): CodecCommand[] {
    const g = this.heldGreeting!;
    this.heldGreeting = null;
    return this.greet(g);
  }

  private greet(raw: Buffer): CodecCommand[] {
    this.greeted = true;
    return [this.toClient(raw), ...this.pumpClient()];
  }

  protected pumpClient(): CodecCommand[] {
    const out: CodecCommand[] = [];
    for (let guard = 0; this.clientBuf.length && guard < 1_000_000; guard++) {
      if (this.phase !== 'relay' || !this.greeted || this.client === 'hold') break;
      const lf = this.clientBuf.indexOf(10);
      if (lf < 0) {
        if (this.clientBuf.length > MAX_LINE) {
          out.push(this.toServer(this.clientBuf));
          this.clientBuf = Buffer.alloc(0);
        }
        break;
      }
      const raw = this.clientBuf.subarray(0, lf + 1);
      this.clientBuf = this.clientBuf.subarray(lf + 1);
      if (this.client === 'sasl') {
        // A SASL response line, not a command (RFC 5034 §4); whether the next line is one too
        // depends on the upstream's next response (another "+" challenge, or +OK/-ERR).
        this.holdForAuth();
        const p = this.pending[0];
        if (p?.sasl) observeSaslResponse(p.sasl, raw.toString('latin1').replace(/\r?\n$/, ''));
        out.push(this.toServer(raw));
      } else out.push(...this.onCommand(raw));
    }
    return out;
  }

  private onCommand(raw: Buffer): CodecCommand[] {
    const text = raw.toString('latin1').replace(/\r?\n$/, '');
    const sp = text.indexOf(' ');
    const verb = (sp < 0 ? text : text.slice(0, sp)).toUpperCase();
    const args = sp < 0 ? '' : text.slice(sp + 1);
    if (verb === 'STLS') return this.clientStls();
    this.pending.push({ verb, args, ...(verb === 'AUTH' ? { sasl: beginSasl(args) } : {}) });
    // A line sent after AUTH before its response may answer a challenge: hold it until the response says.
    if (verb === 'AUTH' && !authMayBePipelined(args)) this.holdForAuth();
    return [this.toServer(raw)];
  }

  private holdForAuth(): void {
    this.authHold = true;
    this.client = 'hold';
  }

  /** The AUTH exchange answered: the client's next line is read again (as `next`). */
  private releaseAuth(next: 'command' | 'sasl'): void {
    if (this.authHold) {
      this.authHold = false;
      this.client = next;
    } else if (next === 'sasl') this.client = 'sasl';
  }

  /** STLS from the client: ours to answer (RFC 2595 §4), in turn with the responses ahead. */
  private clientStls(): CodecCommand[] {
    return this.answerClientStartTls(
      this.pending,
      { verb: 'STLS', args: '' },
      { ready: '+OK Begin TLS negotiation\r\n', refused: (tls) => (tls ? '-ERR TLS already active\r\n' : '-ERR STLS not available on this listener\r\n') },
      () => (this.client = 'hold'),
    );
  }


  protected onUpstreamData(bytes: Uint8Array): CodecCommand[] {
    this.upstream.push(bytes);
    const out: CodecCommand[] = [];
    for (let line = this.upstream.next(); line && this.phase !== 'done'; line = this.upstream.next()) {
      if (this.body) out.push(...this.onBodyLine(line));
      else if (!line.atStart || !line.complete) out.push(this.toClient(line.raw)); // an overlong line: relayed as is
      else out.push(...this.onStatus(line));
    }
    return out;
  }

  private onStatus(line: RawLine): CodecCommand[] {
    const ok = /^\+OK\b/i.test(line.text);
    if (!this.upstreamGreeted) {
      this.upstreamGreeted = true;
      if (this.modes.upstreamTls !== 'starttls' || this.upstreamIsTls) return this.greet(Buffer.from(line.raw));
      if (!ok) return this.fail(`the upstream greeted with: ${line.text}`);
      this.heldGreeting = Buffer.from(line.raw);
      this.pending.unshift({ verb: 'STLS', args: '', own: 'stls' });
      return [this.toServer(ascii('STLS\r\n'))];
    }
    const p = this.pending[0];
    if (!p) return [this.toClient(line.raw)]; // unasked, such as -ERR before closing
    if (p.own === 'stls') {
      this.pending.shift();
      if (!ok) return this.fail(`the upstream refused STLS: ${line.text}`);
      if (this.upstream.buffered) return this.injection('upstream', this.upstream.buffered);
      return [{ type: 'start-tls', side: 'server', role: 'client' }];
    }
    if (!ok && line.text.startsWith('+') && p.verb === 'AUTH') {
      // A SASL challenge (RFC 5034 §4): the client answers with one line.
      this.releaseAuth('sasl');
      return [this.toClient(line.raw), ...this.pumpClient()];
    }
    const multi = ok ? isMultiline(p.verb, p.args) : null;
    if (multi) {
      this.body = { capa: p.verb === 'CAPA' ? [Buffer.from(line.raw)] : null };
      // A message number names one message for the whole session (RFC 1939 §5), so a message
      // fetched again is known without reading it (proxy-fetch-capture.ts).
      if (p.verb === 'RETR') this.capture.begin(`RETR ${p.args}`, messageKey(p.args));
      const top = p.verb === 'TOP' ? /^\S+\s+(\d{1,15})\s*$/.exec(p.args) : null;
      if (top) {
        this.top = { asked: Number(top[1]), inBody: false, lines: 0 };
        this.capture.begin(`TOP ${p.args}`, messageKey(p.args));
      }
      return this.body.capa ? [] : [this.toClient(line.raw)];
    }
    this.pending.shift();
    this.loggedIn(p, ok);
    if (p.verb === 'AUTH') this.releaseAuth('command');
    return [this.toClient(line.raw), ...flushLocal(this.pending), ...this.pumpClient()];
  }

  /** Who logs in, taken once the upstream answers +OK (RFC 1939 §7; RFC 5034 §4 for AUTH). */
  private loggedIn(p: Pending, ok: boolean): void {
    if (p.verb === 'USER') this.userGiven = ok ? utf8FromLatin1(p.args) : null;
    if (!ok) return;
    if (p.verb === 'PASS') this.user = this.userGiven;
    else if (p.verb === 'APOP') this.user = utf8FromLatin1(p.args.replace(/ +\S*$/, ''));
    else if (p.verb === 'AUTH' && p.sasl) this.user = p.sasl.user;
  }

  private onBodyLine(line: RawLine): CodecCommand[] {
    const b = this.body!;
    if (line.atStart && line.complete && line.text === '.') {
      this.body = null;
      this.pending.shift();
      const out = b.capa ? [this.toClient(rewriteCapa(b.capa, this.clientCanUpgrade))] : [this.toClient(line.raw)];
      // RFC 1939 §7: asked for more body lines than there are, TOP sends the whole message.
      const whole = !this.top || !this.top.inBody || this.top.lines < this.top.asked;
      this.top = null;
      if (whole) out.push(...this.capture.end({ user: this.user, clientTls: this.clientIsTls }));
      else this.capture.abandon();
      return [...out, ...flushLocal(this.pending), ...this.pumpClient()];
    }
    if (this.top && line.atStart) {
      if (this.top.inBody) this.top.lines++;
      else if (line.complete && line.text === '') this.top.inBody = true;
    }
    // Byte-stuffing (RFC 1939 §3): a line's leading "." is doubled on the wire.
    if (this.capture.collecting) this.capture.add(line.atStart && line.raw[0] === 0x2e ? line.raw.subarray(1) : line.raw);
    if (b.capa) {
      b.capa.push(Buffer.from(line.raw));
      return [];
    }
    return [this.toClient(line.raw)];
  }
}

/**
 * A CAPA response (status line and capability lines, no terminator) with STLS listed exactly
 * when the client leg can upgrade (RFC 2595 §4), terminated. Other lines pass byte-exact.
 */
export function rewriteCapa(lines: Buffer[], offerStls: boolean): Buffer {
  const isStls = (l: Buffer): boolean => /^STLS\s*$/i.test(l.toString('latin1'));
  const [status, ...caps] = lines;
  if (caps.some(isStls) === offerStls) return Buffer.concat([...lines, TERMINATOR]);
  const kept: Uint8Array[] = caps.filter((l) => !isStls(l));
  if (offerStls) kept.push(ascii('STLS\r\n'));
  return Buffer.concat([status!, ...kept, TERMINATOR]);
}

/** The capture key of the message a RETR or TOP names: its number, or null if it has none. */
function messageKey(args: string): string | null {
  const n = /^\s*(\d{1,15})(?:\s|$)/.exec(args)?.[1];
  return n ? `msg ${Number(n)}` : null;
}
