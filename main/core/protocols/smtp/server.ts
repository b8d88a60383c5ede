// The sink's SMTP server state machine (RFC 5321), sans-IO: bytes from the client go in,
// replies, TLS upgrades and deliveries come out. Commands are dispatched through the table
// in ./commands/index.ts; this file owns framing and the phase the connection is in.
import type { Envelope } from '../../../../shared/types.js';
import { LineReader } from '../line-reader.js';
import { type Codec, type CodecCommand, type CodecEvent, type Side, coalesceSends } from '../types.js';
import { commandTable } from './commands/index.js';
import { DataReader } from './data-reader.js';
import { formatReply } from './reply.js';
import type { SaslExchange } from './sasl.js';
import { type SmtpServerConfig, defaultSmtpServerConfig } from './config.js';

export type { SmtpServerConfig } from './config.js';

/**
 * command: reading command lines; data: reading a DATA payload; bdat: reading a BDAT chunk;
 * sasl: reading AUTH responses; tls: waiting for the handshake after STARTTLS's 220;
 * delivering: waiting for the store; closed: nothing more is read.
 */
export type SmtpPhase = 'command' | 'data' | 'bdat' | 'sasl' | 'tls' | 'delivering' | 'closed';

export interface Transaction {
  mailFrom: string | null;
  params: Record<string, string | true>;
  rcptTo: string[];
  /** BDAT chunks so far, when the transaction uses CHUNKING (RFC 3030). */
  bdat: { chunks: Buffer[]; size: number; remaining: number; last: boolean; reject: string | null } | null;
}

const emptyTransaction = (): Transaction => ({ mailFrom: null, params: {}, rcptTo: [], bdat: null });

/** RFC 4954 §4: a server must accept AUTH command and response lines of up to 12288 octets. */
const AUTH_LINE_MAX = 12288;

export class SmtpServer implements Codec {
  readonly config: SmtpServerConfig;
  phase: SmtpPhase = 'command';
  helo: string | null = null;
  esmtp = false;
  tls: boolean;
  user: string | null = null;
  tx: Transaction = emptyTransaction();
  sasl: SaslExchange | null = null;
  /** Consecutive failed commands; too many closes the connection. */
  errors = 0;
  private readonly lines: LineReader;
  private data: DataReader | null = null;
  private out: CodecCommand[] = [];
  private nextDeliveryId = 1;
  private pendingDelivery: number | null = null;

  constructor(config: Partial<SmtpServerConfig> = {}) {
    this.config = { ...defaultSmtpServerConfig, ...config };
    this.tls = this.config.implicitTls;
    // An AUTH line may be longer than other commands (below), so the framer allows that much.
    this.lines = new LineReader(Math.max(this.config.maxLineLength, AUTH_LINE_MAX));
  }

  /** Input read while a message is being stored waits for the 250 (Codec.heldBytes). */
  heldBytes(side: Side): number {
    return side === 'client' && this.phase === 'delivering' ? this.lines.buffered : 0;
  }

  start(): CodecCommand[] {
    // No DNS lookup and no delay before the greeting (RFC 5321 §4.3.1, §3.1).
    this.reply(220, null, `${this.config.hostname} ESMTP mailtap`);
    return this.flush();
  }

  handle(event: CodecEvent): CodecCommand[] {
    if (this.phase === 'closed') return [];
    switch (event.type) {
      case 'data':
        if (event.side !== 'client') break;
        if (this.phase === 'tls') break; // the adapter has switched to TLS; stray bytes are not ours
        this.lines.push(event.bytes);
        this.process();
        break;
      case 'tls-ready':
        // RFC 3207 §4.2: forget everything learnt before TLS, including HELO and AUTH.
        this.tls = true;
        this.helo = null;
        this.esmtp = false;
        this.user = null;
        this.tx = emptyTransaction();
        this.phase = 'command';
        break;
      case 'tls-failed':
        this.phase = 'closed';
        this.out.push({ type: 'close', side: 'client' });
        break;
      case 'delivered':
        if (event.id !== this.pendingDelivery) break;
        this.pendingDelivery = null;
        this.phase = 'command';
        if (event.ok) this.reply(250, '2.0.0', `Ok: queued as ${event.messageId ?? event.id}`);
        else this.reply(451, '4.3.0', `Error: could not store the message: ${event.error ?? 'unknown error'}`);
        this.tx = emptyTransaction();
        this.process();
        break;
      case 'timeout':
        this.reply(421, '4.4.2', `${this.config.hostname} Error: timeout exceeded`);
        this.close();
        break;
      case 'closed':
        this.phase = 'closed';
        break;
    }
    return this.flush();
  }

  // ------------------------------------------------------------ used by command handlers

  reply(code: number, enhanced: string | null, ...text: string[]): void {
    this.out.push({ type: 'send', side: 'client', bytes: formatReply(code, enhanced, ...text) });
  }

  /** A failed command: counted, and too many in a row closes the connection. */
  fail(code: number, enhanced: string, text: string): void {
    this.reply(code, enhanced, text);
    this.errors++;
    if (this.errors >= this.config.maxErrors) {
      this.reply(421, '4.7.0', `${this.config.hostname} Error: too many errors`);
      this.close();
    }
  }

  close(): void {
    this.phase = 'closed';
    this.out.push({ type: 'close', side: 'client' });
  }

  resetTransaction(): void {
    this.tx = emptyTransaction();
  }

  beginData(): void {
    this.phase = 'data';
    this.data = new DataReader(this.config.maxMessageSize);
  }

  beginBdat(size: number, last: boolean, reject: string | null = null): void {
    const bdat = (this.tx.bdat ??= { chunks: [], size: 0, remaining: 0, last: false, reject: null });
    bdat.remaining = size;
    bdat.last = last;
    bdat.reject = reject;
    this.phase = 'bdat';
  }

  beginStartTls(): void {
    this.phase = 'tls';
    // RFC 3207 §5 / CVE-2011-0411: bytes pipelined after STARTTLS were sent in plaintext and
    // must not be acted on after the handshake. Drop them.
    this.lines.drain();
    this.out.push({ type: 'start-tls', side: 'client', role: 'server' });
  }

  envelope(): Envelope {
    return {
      mailFrom: this.tx.mailFrom ?? '',
      rcptTo: [...this.tx.rcptTo],
      params: { ...this.tx.params },
      helo: this.helo,
      user: this.user,
      tls: this.tls,
    };
  }

  deliver(chunks: Buffer[], size: number, warnings: string[]): void {
    const id = this.nextDeliveryId++;
    this.pendingDelivery = id;
    this.phase = 'delivering';
    this.out.push({ type: 'deliver', id, envelope: this.envelope(), chunks, size, meta: { warnings } });
  }

  // ------------------------------------------------------------ framing

  private process(): void {
    // Bounded: every pass consumes input or changes phase; stop when neither can happen.
    for (;;) {
      switch (this.phase) {
        case 'command':
        case 'sasl': {
          const line = this.lines.next();
          if (!line) return;
          if (line.tooLong || (line.text.length > this.config.maxLineLength && !this.mayBeLong(line.text))) {
            if (this.phase === 'sasl') this.sasl = null;
            this.phase = 'command';
            this.fail(500, '5.5.2', 'Error: line too long');
            break;
          }
          if (this.phase === 'sasl') this.sasl?.onLine(this, line.text);
          else this.dispatch(line.text);
          break;
        }
        case 'data':
          if (!this.readData()) return;
          break;
        case 'bdat':
          if (!this.readBdat()) return;
          break;
        default:
          return;
      }
    }
  }

  /** RFC 4954 §4: AUTH and the SASL responses that follow it may be up to 12288 octets (OAuth tokens). */
  private mayBeLong(text: string): boolean {
    return this.phase === 'sasl' || /^AUTH /i.test(text);
  }

  private dispatch(text: string): void {
    const m = /^([A-Za-z]+)(?: (.*))?$/s.exec(text);
    const verb = m?.[1]?.toUpperCase() ?? '';
    const handler = commandTable.get(verb);
    if (!handler) {
      this.fail(500, '5.5.2', `Error: command not recognized`);
      return;
    }
    handler(this, m?.[2] ?? '', verb);
  }

  /** Feed buffered bytes to the DATA reader; false when more input is needed. */
  private readData(): boolean {
    const reader = this.data!;
    const bytes = this.lines.drain();
    if (bytes.length === 0) return false;
    const r = reader.push(bytes);
    if (!r.done) return false;
    this.lines.push(bytes.subarray(r.consumed));
    this.data = null;
    if (reader.overLimit) {
      this.phase = 'command';
      this.resetTransaction();
      this.reply(552, '5.3.4', `Error: message exceeds the size limit of ${this.config.maxMessageSize} bytes`);
      return true;
    }
    this.deliver(reader.chunks, reader.size, reader.describeWarnings());
    return true;
  }

  private readBdat(): boolean {
    const bdat = this.tx.bdat!;
    if (bdat.remaining > 0) {
      const bytes = this.lines.drain();
      if (bytes.length === 0) return false;
      const take = Math.min(bytes.length, bdat.remaining);
      bdat.size += take;
      if (bdat.size <= this.config.maxMessageSize) bdat.chunks.push(Buffer.from(bytes.subarray(0, take)));
      bdat.remaining -= take;
      this.lines.push(bytes.subarray(take));
      if (bdat.remaining > 0) return false;
    }
    this.phase = 'command';
    if (bdat.reject) {
      this.resetTransaction();
      this.fail(503, '5.5.1', bdat.reject);
    } else if (bdat.size > this.config.maxMessageSize) {
      // RFC 3030 §4: the chunk is read, then refused; the transaction is over.
      this.resetTransaction();
      this.reply(552, '5.3.4', `Error: message exceeds the size limit of ${this.config.maxMessageSize} bytes`);
    } else if (bdat.last) {
      this.deliver(bdat.chunks, bdat.size, []);
    } else {
      this.reply(250, '2.0.0', `Ok: ${bdat.size} octets received`);
    }
    return true;
  }

  private flush(): CodecCommand[] {
    const out = coalesceSends(this.out);
    this.out = [];
    return out;
  }
}
