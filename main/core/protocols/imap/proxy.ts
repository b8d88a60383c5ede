// The IMAP relay codec: sits between a client (side 'client') and an upstream server (side
// 'server'), forwards every byte in order, literals byte-exact both ways, and steps in only
// where the legs differ:
//
// - STARTTLS from the client is answered by the proxy (RFC 3501 §6.2.1), never forwarded;
// - towards a STARTTLS upstream the proxy runs STARTTLS, then CAPABILITY again, itself, and
//   hands the client the greeting with the fresh capabilities once that leg is encrypted;
// - capabilities offer STARTTLS exactly when the client leg can upgrade, and lose COMPRESS
//   (RFC 4978), which would blind the recording; COMPRESS is refused if sent regardless;
// - plaintext pipelined behind STARTTLS, on either leg, is refused and flagged (RFC 3501
//   §6.2.1, CVE-2011-0411); a failing upstream gives the client "* BYE [UNAVAILABLE]"
//   (RFC 3501 §7.1.5, RFC 5530 §3).
//
// The client is framed as commands with literals: "{n}" waits for the server's "+", "{n+}"
// (RFC 7888) does not; AUTHENTICATE and IDLE (RFC 2177) pass lines through until they end.
// A message fetched whole (BODY[], BODY.PEEK[], RFC822, or header then text) is caught into the
// store (proxy-fetch.ts), with the user of the LOGIN or AUTHENTICATE the upstream accepted
// (proxy-login.ts).
import { ProxyCodec, type ProxyTlsModes } from '../proxy-codec.js';
import { type CodecCommand, ascii } from '../types.js';
import { capabilitiesOf, rewriteCapabilities } from './proxy-capability.js';
import { FetchWatcher } from './proxy-fetch.js';
import { ImapLoginWatch } from './proxy-login.js';
import { ImapResponseReader } from './proxy-responses.js';

export type ImapProxyConfig = ProxyTlsModes;

/**
 * command: lines are (parts of) commands; literal: octets of a client literal; literal-wait: a
 * synchronising literal waits for "+" or a refusal; sasl / idle: lines pass until the command
 * ends; hold: the proxy's own STARTTLS answer is on its way.
 */
type ClientMode = 'command' | 'literal' | 'literal-wait' | 'sasl' | 'idle' | 'hold';

/** Lines longer than this pass through in pieces, uninterpreted. */
const MAX_LINE = 65536;
const LITERAL_AT_END = /~?\{(\d{1,20})(\+?)\}$/;
/** tag = 1*<ASTRING-CHAR except "+"> (RFC 3501 §9). */
const VALID_TAG = /^[^\x00-\x20\x7f(){%*"\\+\]]+$/;
/** The tags of the proxy's own commands upstream. */
const OWN_STARTTLS = 'mailtap-tls';
const OWN_CAPABILITY = 'mailtap-cap';

export class ImapProxy extends ProxyCodec {
  private client: ClientMode = 'command';
  /** The next client line continues a command (after a literal). */
  private cont = false;
  private midLine = false;
  private literalLeft = 0;
  /** The tag of the command in literal-wait, sasl or idle. */
  private waitTag = '';
  private currentTag = '';
  /** Client commands sent upstream and not yet completed. */
  private readonly inflight: string[] = [];
  /**
   * Tagged answers the proxy makes itself. Each goes out between two upstream responses, never
   * inside one; the answer to STARTTLS also waits until nothing is in flight.
   */
  private readonly local: { bytes: Uint8Array; then?: () => CodecCommand[] }[] = [];
  private readonly upstream = new ImapResponseReader(MAX_LINE);
  private upstreamGreeted = false;
  private heldGreeting: { raw: Buffer; text: string } | null = null;
  private freshCaps: string[] | null = null;
  private warnedCompress = false;
  private readonly fetches = new FetchWatcher();
  private readonly logins = new ImapLoginWatch();
  protected readonly injectionRule = 'STARTTLS (RFC 3501 §6.2.1)';

  constructor(cfg: ImapProxyConfig) {
    super(cfg);
  }

  protected failLine(why: string): Uint8Array {
    return ascii(`* BYE [UNAVAILABLE] ${why}\r\n`);
  }

  protected injectionLine(): Uint8Array {
    return ascii('* BYE plaintext pipelined after STARTTLS is refused\r\n');
  }

  protected idleLine(): Uint8Array {
    return ascii('* BYE Autologout; idle for too long\r\n'); // RFC 3501 §5.4
  }

  protected upstreamRest(): Buffer {
    return this.upstream.drain();
  }

  protected onClientTls(): CodecCommand[] {
    this.client = 'command';
    return this.pumpClient();
  }

  /** RFC 3501 §6.2.1: after STARTTLS the capabilities are asked for again. */
  protected onUpstreamTls(): CodecCommand[] {
    return [this.toServer(ascii(`${OWN_CAPABILITY} CAPABILITY\r\n`))];
  }

  // ------------------------------------------------------------ client → upstream

  protected pumpClient(): CodecCommand[] {
    const out: CodecCommand[] = [];
    for (let guard = 0; this.clientBuf.length && guard < 1_000_000; guard++) {
      if (this.phase !== 'relay' || !this.greeted || this.client === 'hold' || this.client === 'literal-wait') break;
      if (this.client === 'literal') {
        const n = Math.min(this.literalLeft, this.clientBuf.length);
        out.push(this.toServer(this.clientBuf.subarray(0, n)));
        this.logins.literalBytes(this.clientBuf.subarray(0, n), this.literalLeft - n);
        this.clientBuf = this.clientBuf.subarray(n);
        if ((this.literalLeft -= n) === 0) this.client = 'command';
        continue;
      }
      const lf = this.clientBuf.indexOf(10);
      if (lf < 0) {
        if (this.clientBuf.length > MAX_LINE) {
          out.push(this.toServer(this.clientBuf));
          this.clientBuf = Buffer.alloc(0);
          this.midLine = true;
        }
        break;
      }
      const raw = this.clientBuf.subarray(0, lf + 1);
      this.clientBuf = this.clientBuf.subarray(lf + 1);
      const text = raw.toString('latin1', 0, lf > 0 && raw[lf - 1] === 13 ? lf - 1 : lf);
      const wasMid = this.midLine;
      this.midLine = false;
      if (this.client === 'sasl') {
        this.logins.saslLine(this.waitTag, text);
        out.push(this.toServer(raw));
      } else if (this.client === 'idle') {
        out.push(this.toServer(raw));
        if (/^DONE$/i.test(text)) this.client = 'command'; // RFC 2177 §3
      } else out.push(...this.onCommandLine(raw, text, wasMid));
    }
    return out;
  }

  private onCommandLine(raw: Buffer, text: string, wasMid: boolean): CodecCommand[] {
    if (!this.cont && !wasMid) {
      const m = /^(\S+) +(\S+)/.exec(text);
      const tag = m?.[1] ?? '';
      const verb = (m?.[2] ?? '').toUpperCase();
      if (verb === 'STARTTLS') return this.clientStartTls(tag);
      if (verb === 'COMPRESS') return this.queueLocal(`${tag} BAD COMPRESS is not available through mailtap's proxy (RFC 4978 would hide the dialogue)\r\n`);
      this.currentTag = tag;
      this.logins.command(tag, verb, text);
      if (verb === 'SELECT' || verb === 'EXAMINE') this.fetches.selecting(tag, text.slice(m![0].length));
      // A line with no valid tag gets an untagged BAD (RFC 3501 §7.1.3): nothing to wait for.
      if (m && VALID_TAG.test(tag)) this.inflight.push(tag);
      if (verb === 'AUTHENTICATE' || verb === 'IDLE') {
        this.waitTag = tag;
        this.client = verb === 'IDLE' ? 'idle' : 'sasl';
      }
    } else if (this.cont && !wasMid) this.logins.continuation(text);
    const lit = LITERAL_AT_END.exec(text.slice(-40));
    this.cont = !!lit;
    if (lit) {
      this.literalLeft = Number(lit[1]);
      this.logins.literalStart(this.literalLeft);
      if (lit[2] === '+') this.client = this.literalLeft > 0 ? 'literal' : 'command';
      else {
        this.client = 'literal-wait';
        this.waitTag = this.currentTag;
      }
    }
    return [this.toServer(raw)];
  }

  /** STARTTLS from the client: ours to answer (RFC 3501 §6.2.1), once nothing is in flight. */
  private clientStartTls(tag: string): CodecCommand[] {
    if (!this.clientCanUpgrade) return this.queueLocal(`${tag} BAD ${this.clientIsTls ? 'TLS is already active' : 'STARTTLS is not available on this listener'}\r\n`);
    if (this.clientBuf.length) return this.injection('client', this.clientBuf.length);
    this.client = 'hold';
    this.awaitingClientTls = true;
    return this.queueLocal(`${tag} OK Begin TLS negotiation now\r\n`, () => [{ type: 'start-tls', side: 'client', role: 'server' }]);
  }

  private queueLocal(line: string, then?: () => CodecCommand[]): CodecCommand[] {
    this.local.push({ bytes: ascii(line), ...(then ? { then } : {}) });
    return this.flushLocal();
  }

  private flushLocal(): CodecCommand[] {
    const out: CodecCommand[] = [];
    while (this.local.length && this.upstream.atBoundary && (!this.local[0]!.then || !this.inflight.length)) {
      const l = this.local.shift()!;
      out.push(this.toClient(l.bytes), ...(l.then?.() ?? []));
    }
    return out;
  }

  // ------------------------------------------------------------ upstream → client

  protected onUpstreamData(bytes: Uint8Array): CodecCommand[] {
    this.upstream.push(bytes);
    const out: CodecCommand[] = [];
    for (let p = this.upstream.next(); p && this.phase !== 'done'; p = this.upstream.next()) {
      // Until the client is greeted, the upstream talks to the proxy only.
      const relay = this.greeted;
      if (p.kind === 'literal') {
        if (relay) out.push(this.toClient(p.bytes), ...this.fetches.bytes(p.bytes, p.left, { user: this.logins.user, clientTls: this.clientIsTls }));
      } else if (p.kind === 'piece') {
        if (relay) out.push(this.toClient(p.raw));
      } else if (p.start && p.literal === null) {
        this.fetches.responseLine(p.text);
        out.push(...this.onResponse(p.raw, p.text));
      } else {
        if (p.start) this.fetches.responseStart(p.text);
        if (p.literal !== null) this.fetches.literal(p.text);
        if (relay) out.push(this.toClient(p.raw));
      }
    }
    if (this.greeted && this.phase !== 'done') out.push(...this.flushLocal());
    return out;
  }

  private onResponse(raw: Buffer, text: string): CodecCommand[] {
    if (!this.upstreamGreeted) return this.onGreeting(raw, text);
    if (!this.greeted) return this.onOwnResponse(text);
    if (text.startsWith('+')) {
      if (this.client === 'literal-wait') this.client = this.literalLeft > 0 ? 'literal' : 'command';
      return [this.toClient(raw), ...this.pumpClient()];
    }
    const out = this.rewrite(raw, text, null);
    const tagged = /^(\S+) +(OK|NO|BAD)\b/i.exec(text);
    if (!tagged || tagged[1] === '*') return out;
    this.logins.completed(tagged[1]!, tagged[2]!.toUpperCase() === 'OK');
    const i = this.inflight.indexOf(tagged[1]!);
    if (i >= 0) this.inflight.splice(i, 1);
    if (tagged[1] === this.waitTag && this.client !== 'command' && this.client !== 'literal' && this.client !== 'hold') {
      // The command ended: IDLE refused or done, AUTHENTICATE over, or a literal refused.
      this.client = 'command';
      this.cont = false;
    }
    return [...out, ...this.flushLocal(), ...this.pumpClient()];
  }

  private onGreeting(raw: Buffer, text: string): CodecCommand[] {
    this.upstreamGreeted = true;
    if (this.modes.upstreamTls !== 'starttls' || this.upstreamIsTls) return this.greet(raw, text, null);
    // STARTTLS is a command of the not-authenticated state only (RFC 3501 §6.2.1).
    if (!/^\* +OK\b/i.test(text)) return this.fail(`the upstream greeted with: ${text}`);
    this.heldGreeting = { raw, text };
    return [this.toServer(ascii(`${OWN_STARTTLS} STARTTLS\r\n`))];
  }

  /** Answers to the proxy's own STARTTLS and CAPABILITY, before the client is greeted. */
  private onOwnResponse(text: string): CodecCommand[] {
    const caps = capabilitiesOf(text);
    if (caps && text.startsWith('*')) this.freshCaps = caps;
    const m = /^(\S+) +(OK|NO|BAD)\b/i.exec(text);
    if (m?.[1] === OWN_STARTTLS) {
      if (m[2]!.toUpperCase() !== 'OK') return this.fail(`the upstream refused STARTTLS: ${text}`);
      if (this.upstream.buffered) return this.injection('upstream', this.upstream.buffered);
      return [{ type: 'start-tls', side: 'server', role: 'client' }];
    }
    if (m?.[1] === OWN_CAPABILITY) {
      const g = this.heldGreeting!;
      this.heldGreeting = null;
      return this.greet(g.raw, g.text, this.freshCaps);
    }
    return [];
  }

  private greet(raw: Buffer, text: string, fresh: string[] | null): CodecCommand[] {
    this.greeted = true;
    return [...this.rewrite(raw, text, fresh), ...this.pumpClient()];
  }

  /** A response on its way to the client, with its capabilities fitted to the client leg. */
  private rewrite(raw: Buffer, text: string, fresh: string[] | null): CodecCommand[] {
    const r = rewriteCapabilities(raw, text, this.clientCanUpgrade, fresh);
    const out: CodecCommand[] = [this.toClient(r.bytes)];
    if (r.removed.length && !this.warnedCompress) {
      this.warnedCompress = true;
      const what = `${r.removed.join(', ')} removed from the upstream's capabilities: a compressed dialogue (RFC 4978) could not be recorded`;
      out.unshift({ type: 'record', event: { kind: 'warning', t: Date.now() * 1000, code: 'capability-removed', text: what, leg: 'client' } });
    }
    return out;
  }
}
