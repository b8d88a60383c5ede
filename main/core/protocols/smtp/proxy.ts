// The SMTP relay codec: sits between a client (side 'client') and an upstream server (side
// 'server'), forwards every byte in order, and steps in only where the legs differ:
//
// - STARTTLS towards the client is answered by the proxy (RFC 3207 §4), never forwarded;
// - STARTTLS towards the upstream is done by the proxy itself after the client's first EHLO,
//   which is then sent again over TLS (RFC 3207 §4.2: knowledge from before TLS is discarded);
// - EHLO replies offer STARTTLS to the client exactly when the client leg can upgrade;
// - plaintext pipelined behind STARTTLS, on either leg, is refused and flagged (RFC 3207 §4.2,
//   CVE-2011-0411); a failing upstream gives the client 421 (RFC 5321 §4.2.3, §3.8).
//
// Replies are paired with commands in order (RFC 2920 §3.1), so locally made replies wait for
// the upstream replies ahead of them. Messages are captured as they pass (DATA and BDAT).
import type { TlsMode } from '../../../../shared/types.js';
import { LineReader } from '../line-reader.js';
import { type OwedReply, ProxyCodec, flushLocal } from '../proxy-codec.js';
import { authMayBePipelined } from '../sasl-decode.js';
import { type CodecCommand, ascii } from '../types.js';
import { parseReplyLine } from './reply.js';
import { offers, rewriteEhlo } from './proxy-ehlo.js';
import { MessageTap } from './proxy-capture.js';

export interface SmtpProxyConfig {
  clientTls: TlsMode;
  upstreamTls: TlsMode;
  /** Our name, in the replies the proxy makes itself. */
  hostname: string;
}

interface Pending extends OwedReply {
  verb: string;
  /** The proxy's own command on the upstream leg: its reply is not forwarded. */
  own?: 'ehlo' | 'starttls';
  arg?: string;
}

/** Lines longer than this are passed through raw: no command is that long (RFC 5321 §4.5.3.1.4). */
const MAX_LINE = 65536;

export class SmtpProxy extends ProxyCodec {
  private client: 'command' | 'data' | 'bdat' | 'hold' = 'command';
  private readonly upstream = new LineReader(MAX_LINE);
  private replyRaw: Buffer[] = [];
  private replyText: string[] = [];
  private readonly pending: Pending[] = [];
  private heldHello: Buffer | null = null;
  private heldHelloArg = '';
  private sasl = false;
  /** The client is held until an AUTH exchange's next reply (see onCommand). */
  private authHold = false;
  private bdatLeft = 0;
  private bdatLast = false;
  private readonly tap = new MessageTap();
  protected readonly injectionRule = 'STARTTLS (RFC 3207 §4.2)';

  constructor(private readonly cfg: SmtpProxyConfig) {
    super(cfg);
    this.tap.reset(this.clientIsTls);
  }

  protected onClientTls(): CodecCommand[] {
    this.tap.reset(this.clientIsTls);
    this.client = 'command';
    return this.pumpClient();
  }

  protected onUpstreamTls(): CodecCommand[] {
    this.pending.push({ verb: 'EHLO', arg: this.heldHelloArg });
    return [this.toServer(this.heldHello!)];
  }

  protected failLine(why: string): Uint8Array {
    return ascii(`421 4.4.1 ${this.cfg.hostname} ${why}\r\n`); // RFC 5321 §4.2.3, §3.8
  }

  protected injectionLine(): Uint8Array {
    return ascii('554 5.5.1 Error: plaintext pipelined after STARTTLS is refused\r\n');
  }

  protected idleLine(): Uint8Array {
    return ascii(`421 4.4.2 ${this.cfg.hostname} idle timeout, closing\r\n`);
  }

  protected upstreamRest(): Buffer {
    return Buffer.concat([...this.replyRaw, this.upstream.drain()]);
  }

  /** Frame the client's bytes and forward them, stopping where a reply decides what comes next. */
  protected pumpClient(): CodecCommand[] {
    const out: CodecCommand[] = [];
    const forward = (b: Buffer): void => void out.push({ type: 'send', side: 'server', bytes: b });
    for (let guard = 0; this.clientBuf.length && guard < 1_000_000 && this.phase === 'relay'; guard++) {
      if (this.client === 'hold') break;
      if (this.client === 'data') {
        const { consumed, done } = this.tap.data(this.clientBuf);
        forward(this.clientBuf.subarray(0, consumed));
        this.clientBuf = this.clientBuf.subarray(consumed);
        if (!done) break;
        this.client = 'command';
        this.pending.push({ verb: '.' });
        continue;
      }
      if (this.client === 'bdat') {
        const n = Math.min(this.bdatLeft, this.clientBuf.length);
        this.tap.chunk(this.clientBuf.subarray(0, n));
        forward(this.clientBuf.subarray(0, n));
        this.clientBuf = this.clientBuf.subarray(n);
        if ((this.bdatLeft -= n) === 0) {
          this.client = 'command';
          if (this.bdatLast) this.tap.endChunks();
        }
        continue;
      }
      const lf = this.clientBuf.indexOf(10);
      if (lf < 0) {
        if (this.clientBuf.length > MAX_LINE) {
          forward(this.clientBuf);
          this.clientBuf = Buffer.alloc(0);
        }
        break;
      }
      const raw = this.clientBuf.subarray(0, lf + 1);
      this.clientBuf = this.clientBuf.subarray(lf + 1);
      out.push(...this.onCommand(raw));
    }
    return out;
  }

  private onCommand(raw: Buffer): CodecCommand[] {
    const send: CodecCommand = { type: 'send', side: 'server', bytes: raw };
    const text = raw.toString('latin1').replace(/\r?\n$/, '');
    if (this.sasl) {
      // A SASL response line, not a command (RFC 4954 §4); whether the next line is one too
      // depends on the upstream's next reply (another 334, or the final one).
      this.sasl = false;
      this.tap.authResponse(text);
      this.holdForAuth();
      return [send];
    }
    const sp = text.indexOf(' ');
    const verb = (sp < 0 ? text : text.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : text.slice(sp + 1).trim();
    if (verb === 'STARTTLS') return this.clientStartTls();
    if ((verb === 'EHLO' || verb === 'HELO') && this.cfg.upstreamTls === 'starttls' && !this.upstreamIsTls) {
      // Upgrade the upstream first; the client's own line goes out again over TLS.
      this.heldHello = Buffer.from(raw);
      this.heldHelloArg = arg;
      this.client = 'hold';
      this.tap.discardUnsent();
      this.pending.push({ verb: 'EHLO', own: 'ehlo' });
      return [{ type: 'send', side: 'server', bytes: verb === 'EHLO' ? this.heldHello : ascii(`EHLO ${arg || this.cfg.hostname}\r\n`) }];
    }
    if (verb === 'MAIL' || verb === 'RSET' || verb === 'EHLO' || verb === 'HELO') this.tap.discardUnsent();
    if (verb === 'AUTH') {
      this.tap.authStart(arg);
      // A line the client sends before the reply may answer a challenge: hold it until the reply says.
      if (!authMayBePipelined(arg)) this.holdForAuth();
    }
    if (verb === 'DATA') {
      this.client = 'hold'; // payload or command: the 354 (or not) decides, RFC 2920 §3.1
    } else if (verb === 'BDAT') {
      const m = /^(\d+)(\s+LAST)?\s*$/i.exec(arg);
      if (m) {
        this.bdatLeft = Number(m[1]);
        this.bdatLast = !!m[2];
        this.tap.startChunk();
        if (this.bdatLeft > 0) this.client = 'bdat';
        else if (this.bdatLast) this.tap.endChunks();
        this.pending.push({ verb, arg: m[2] ? 'LAST' : '' });
        return [send];
      }
    }
    this.pending.push({ verb, arg });
    return [send];
  }

  private holdForAuth(): void {
    this.authHold = true;
    this.client = 'hold';
  }

  /** STARTTLS from the client: ours to answer (RFC 3207 §4), in turn with the replies ahead. */
  private clientStartTls(): CodecCommand[] {
    return this.answerClientStartTls(
      this.pending,
      { verb: 'STARTTLS' },
      { ready: '220 2.0.0 Ready to start TLS\r\n', refused: (tls) => (tls ? '503 5.5.1 TLS already active\r\n' : '454 4.7.0 TLS not available on this listener\r\n') },
      () => (this.client = 'hold'),
    );
  }


  protected onUpstreamData(bytes: Uint8Array): CodecCommand[] {
    this.upstream.push(bytes);
    const out: CodecCommand[] = [];
    for (let line = this.upstream.next(); line && this.phase !== 'done'; line = this.upstream.next()) {
      this.replyRaw.push(Buffer.from(line.raw));
      this.replyText.push(line.text);
      if (parseReplyLine(line.text)?.more) continue;
      const raw = this.replyRaw;
      const text = this.replyText;
      this.replyRaw = [];
      this.replyText = [];
      out.push(...this.onReply(raw, text));
    }
    return out;
  }

  private onReply(raw: Buffer[], text: string[]): CodecCommand[] {
    const code = text.at(-1)!.slice(0, 3);
    const toClient = (bytes: Buffer = Buffer.concat(raw)): CodecCommand => ({ type: 'send', side: 'client', bytes });
    if (!this.greeted) {
      this.greeted = true;
      return [toClient()];
    }
    const p = this.pending.shift();
    if (!p) return [toClient()]; // unasked, such as a 421 before closing (RFC 5321 §3.8)
    const out: CodecCommand[] = [];
    if (p.own === 'ehlo') {
      if (!code.startsWith('2') || !offers(text, 'STARTTLS')) return this.fail('the upstream does not offer STARTTLS (RFC 3207)');
      this.pending.unshift({ verb: 'STARTTLS', own: 'starttls' });
      return [{ type: 'send', side: 'server', bytes: ascii('STARTTLS\r\n') }];
    }
    if (p.own === 'starttls') {
      if (code !== '220') return this.fail(`the upstream refused STARTTLS: ${text.join(' ')}`);
      if (this.upstream.buffered) return this.injection('upstream', this.upstream.buffered);
      return [{ type: 'start-tls', side: 'server', role: 'client' }];
    }
    if (p.verb === 'EHLO') {
      out.push(toClient(rewriteEhlo(raw, this.clientCanUpgrade)));
      if (this.heldHello) {
        this.heldHello = null;
        this.client = 'command';
      }
    } else out.push(toClient());
    const ok = code.startsWith('2');
    if (p.verb === 'AUTH') {
      if (code === '334') {
        // A challenge: the next client line answers it, and AUTH still awaits its final reply.
        this.pending.unshift(p);
        this.sasl = true;
      } else this.tap.authEnd(code === '235');
      if (this.authHold) {
        this.authHold = false;
        this.client = 'command';
      }
    } else if ((p.verb === 'EHLO' || p.verb === 'HELO') && ok) this.tap.hello(p.arg ?? '');
    else if (p.verb === 'RSET' && ok) this.tap.rset();
    else if (p.verb === 'MAIL' && ok) this.tap.mail(p.arg ?? '');
    else if (p.verb === 'RCPT' && ok) this.tap.recipient(p.arg ?? '');
    else if (p.verb === 'DATA') {
      this.client = code === '354' ? 'data' : 'command';
      if (code === '354') this.tap.startData();
    } else if (p.verb === '.' || (p.verb === 'BDAT' && p.arg === 'LAST')) {
      const d = this.tap.finish(text.join(' '), ok);
      if (d) out.push(d);
    }
    out.push(...flushLocal(this.pending));
    if (this.client === 'command' || this.client === 'data') out.push(...this.pumpClient());
    return out;
  }
}
