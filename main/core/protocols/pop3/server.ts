// The sink's POP3 server state machine (RFC 1939), sans-IO: bytes from the client go in;
// responses, TLS upgrades and requests to the store come out. Commands are dispatched through
// the table in ./commands/index.ts, which also says in which states each one is allowed; this
// file owns framing, the session state and the waits for the host.
import type { Codec, CodecCommand, CodecEvent, Side } from '../types.js';
import { coalesceSends } from '../types.js';
import { LineReader } from '../line-reader.js';
import { commandTable } from './commands/index.js';
import { type Pop3ServerConfig, apopTimestamp, defaultPop3ServerConfig } from './config.js';
import { Maildrop, type Pop3Request, isMaildrop } from './maildrop.js';
import { errLine, okLine } from './reply.js';
import type { SaslExchange } from './sasl.js';

export type { Pop3ServerConfig } from './config.js';

/** The session states of RFC 1939 §3. */
export type Pop3State = 'authorization' | 'transaction' | 'update';

/**
 * What the reader does now. command: reading command lines; sasl: reading AUTH responses;
 * waiting: a request is with the host, input waits; tls: waiting for the handshake after STLS;
 * closed: nothing more is read.
 */
export type Pop3Phase = 'command' | 'sasl' | 'waiting' | 'tls' | 'closed';

interface Wait {
  id: number;
  ok(value: unknown): void;
  fail(error: string): void;
}

export class Pop3Server implements Codec {
  readonly config: Pop3ServerConfig;
  readonly timestamp: string;
  state: Pop3State = 'authorization';
  phase: Pop3Phase = 'command';
  tls: boolean;
  /** The name USER gave, waiting for PASS (RFC 1939 §7). */
  pendingUser: string | null = null;
  user: string | null = null;
  maildrop: Maildrop | null = null;
  sasl: SaslExchange | null = null;
  /** Consecutive failed commands; too many closes the connection. */
  errors = 0;
  private readonly lines: LineReader;
  private out: CodecCommand[] = [];
  private nextRequestId = 1;
  private wait: Wait | null = null;

  constructor(config: Partial<Pop3ServerConfig> = {}) {
    this.config = { ...defaultPop3ServerConfig, ...config };
    this.timestamp = this.config.timestamp ?? apopTimestamp(this.config.hostname);
    this.tls = this.config.implicitTls;
    this.lines = new LineReader(this.config.maxLineLength);
  }

  /** Input read while a request is with the host waits for its answer (Codec.heldBytes). */
  heldBytes(side: Side): number {
    return side === 'client' && this.phase === 'waiting' ? this.lines.buffered : 0;
  }

  start(): CodecCommand[] {
    // RFC 1939 §4 and §7: the greeting carries the APOP timestamp.
    this.ok(`mailtap POP3 server ready ${this.timestamp}`);
    return this.flush();
  }

  handle(event: CodecEvent): CodecCommand[] {
    if (this.phase === 'closed') return [];
    switch (event.type) {
      case 'data':
        if (event.side !== 'client' || this.phase === 'tls') break; // after STLS, stray bytes are not ours
        this.lines.push(event.bytes);
        this.process();
        break;
      case 'tls-ready':
        // RFC 2595 §4: after the handshake the server forgets what the client said before it.
        this.tls = true;
        this.pendingUser = null;
        this.phase = 'command';
        break;
      case 'tls-failed':
        this.close();
        break;
      case 'response': {
        if (!this.wait || event.id !== this.wait.id) break;
        const w = this.wait;
        this.wait = null;
        this.phase = 'command';
        if (event.ok) w.ok(event.value);
        else w.fail(event.error ?? 'unknown error');
        this.process();
        break;
      }
      case 'timeout':
        // RFC 1939 §3: an autologout timer ends the session without entering UPDATE.
        this.err('autologout: idle for too long, closing', 'SYS/TEMP');
        this.close();
        break;
      case 'closed':
        // A dropped connection never reaches UPDATE: nothing marked is deleted (RFC 1939 §6).
        this.phase = 'closed';
        break;
      case 'delivered':
        break;
    }
    return this.flush();
  }

  // ------------------------------------------------------------ used by command handlers

  ok(text: string): void {
    this.send(okLine(text));
  }

  err(text: string, code: string | null = null): void {
    this.send(errLine(text, code));
  }

  send(bytes: Uint8Array): void {
    this.out.push({ type: 'send', side: 'client', bytes });
  }

  /** A failed command: counted, and too many in a row closes the connection. */
  fail(text: string, code: string | null = null): void {
    this.err(text, code);
    this.errors++;
    if (this.errors >= this.config.maxErrors) {
      this.err('too many errors, closing');
      this.close();
    }
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.out.push({ type: 'close', side: 'client' });
  }

  /** Ask the host for something; input waits until the response comes back. */
  ask(request: Pop3Request, ok: (value: unknown) => void, fail: (error: string) => void): void {
    const id = this.nextRequestId++;
    this.wait = { id, ok, fail };
    this.phase = 'waiting';
    this.out.push({ type: 'request', id, request });
  }

  /** A login succeeded: take the maildrop's snapshot and enter TRANSACTION (RFC 1939 §4). */
  login(user: string): void {
    this.pendingUser = null;
    this.ask(
      { op: 'maildrop', user },
      (value) => {
        if (!isMaildrop(value)) return this.err('cannot open the maildrop', 'SYS/TEMP');
        this.user = user;
        this.maildrop = new Maildrop(value);
        this.state = 'transaction';
        this.errors = 0;
        const { count, size } = this.maildrop.stat();
        this.ok(`${user}'s maildrop has ${count} message${count === 1 ? '' : 's'} (${size} octets)`);
      },
      (error) => this.err(`cannot open the maildrop: ${error}`, 'SYS/TEMP'),
    );
  }

  beginStls(): void {
    this.phase = 'tls';
    // RFC 2595 §4 (and the STARTTLS injection class, CVE-2011-0411): bytes pipelined after
    // STLS were sent in plaintext and must not be acted on after the handshake. Drop them.
    this.lines.drain();
    this.out.push({ type: 'start-tls', side: 'client', role: 'server' });
  }

  // ------------------------------------------------------------ framing

  private process(): void {
    // Bounded: every pass consumes a line; stop when none is complete or input must wait.
    while (this.phase === 'command' || this.phase === 'sasl') {
      const line = this.lines.next();
      if (!line) return;
      if (line.tooLong) {
        this.sasl = null;
        this.phase = 'command';
        this.fail('line too long');
        continue;
      }
      if (this.phase === 'sasl') this.sasl?.onLine(this, line.text);
      else this.dispatch(line.text);
    }
  }

  private dispatch(text: string): void {
    // RFC 1939 §3: a keyword, case-insensitive, then arguments separated by single spaces.
    const m = /^([A-Za-z]{1,8})(?: (.*))?$/s.exec(text);
    const verb = m?.[1]?.toUpperCase() ?? '';
    const entry = commandTable.get(verb);
    if (!entry) return this.fail('unknown command');
    if (!entry.states.includes(this.state)) return this.fail(`${verb} is not valid in the ${this.state.toUpperCase()} state`);
    entry.handler(this, m?.[2] ?? '', verb);
  }

  private flush(): CodecCommand[] {
    const out = coalesceSends(this.out);
    this.out = [];
    return out;
  }
}
