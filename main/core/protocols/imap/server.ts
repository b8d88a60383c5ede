// The sink's IMAP server state machine (RFC 3501, with the RFC 9051 behaviours clients rely
// on), sans-IO: bytes from the client go in; responses, TLS upgrades and requests to the
// mailbox host come out. Commands are dispatched through the table in ./commands/index.ts,
// which also says in which states each is allowed. A command that needs the host is a
// generator that yields its requests and is resumed with each answer (after mitmproxy's
// layers), so it reads top to bottom however many round trips it makes.
import { type Codec, type CodecCommand, type CodecEvent, type Side, ascii } from '../types.js';
import { Args } from './args.js';
import { commandTable, type Command, type Step } from './commands/index.js';
import { IMAP_SASL_MECHANISMS } from './commands/auth.js';
import { type ImapServerConfig, defaultImapServerConfig } from './config.js';
import { ImapFramer, type FramePart } from './framer.js';
import type { ImapNotification, ImapRequest } from './requests.js';
import type { Snapshot } from './snapshot.js';

export type { ImapServerConfig } from './config.js';

/** The connection states of RFC 3501 §3. */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/**
 * What the reader does now. command: reading commands; waiting: a command is with the host and
 * input waits; sasl: reading AUTHENTICATE responses; idle: in IDLE, reading for DONE; tls:
 * waiting for the handshake after STARTTLS; closed: nothing more is read.
 */
export type ImapPhase = 'command' | 'waiting' | 'sasl' | 'idle' | 'tls' | 'closed';

/** A line-reading mode (AUTHENTICATE, IDLE) installed by a command. */
export interface LineMode {
  onLine(s: ImapServer, line: string): void;
}

const TAG = /^([^\x00-\x20\x7f(){%*"\\+]+) ([A-Za-z]+)(?: |$)/;

export class ImapServer implements Codec {
  readonly config: ImapServerConfig;
  state: ImapState = 'not-authenticated';
  phase: ImapPhase = 'command';
  tls: boolean;
  user: string | null = null;
  selected: Snapshot | null = null;
  lineMode: LineMode | null = null;
  /** Consecutive failed commands; too many ends the connection. */
  errors = 0;
  private readonly framer: ImapFramer;
  private out: CodecCommand[] = [];
  private running: { command: Command; gen: Step; id: number } | null = null;
  private nextId = 1;

  constructor(config: Partial<ImapServerConfig> = {}) {
    this.config = { ...defaultImapServerConfig, ...config };
    this.tls = this.config.implicitTls;
    this.framer = new ImapFramer(this.config.maxLineLength, this.config.maxLiteralSize);
  }

  /** Input read while a command is with the host waits for its answer (Codec.heldBytes). */
  heldBytes(side: Side): number {
    return side === 'client' && this.phase === 'waiting' ? this.framer.buffered : 0;
  }

  start(): CodecCommand[] {
    this.send(`* OK [CAPABILITY ${this.capabilities().join(' ')}] ${this.config.hostname} mailtap IMAP4rev1 ready`);
    return this.flush();
  }

  handle(event: CodecEvent): CodecCommand[] {
    if (this.phase === 'closed') return [];
    try {
      this.onEvent(event);
    } catch (err) {
      // A bug must not take the connection's peer down with it: say so and hang up.
      this.send(`* BYE [SERVERBUG] internal error: ${(err as Error).message.replace(/[\r\n]/g, ' ')}`);
      this.close();
    }
    return this.flush();
  }

  private onEvent(event: CodecEvent): void {
    switch (event.type) {
      case 'data':
        if (event.side !== 'client' || this.phase === 'tls') return; // after STARTTLS, stray bytes are not ours
        this.framer.push(event.bytes);
        this.process();
        break;
      case 'response':
        if (!this.running || event.id !== this.running.id) return;
        this.phase = 'command';
        this.resume(event.ok ? { value: event.value } : { error: event.error ?? 'request failed' });
        this.process();
        break;
      case 'notify':
        this.notify(event.notification as ImapNotification);
        break;
      case 'tls-ready':
        // RFC 3501 §6.2.1: the client must ask for capabilities again; nothing else carries over.
        this.tls = true;
        this.phase = 'command';
        this.process();
        break;
      case 'tls-failed':
        this.close();
        break;
      case 'timeout':
        this.send('* BYE Autologout; idle for too long'); // RFC 3501 §5.4
        this.close();
        break;
      case 'closed':
        this.phase = 'closed';
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------ used by command handlers

  capabilities(): string[] {
    const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE', 'CHILDREN', 'SPECIAL-USE'];
    if (this.config.tlsAvailable && !this.tls && this.state === 'not-authenticated') caps.push('STARTTLS');
    if (this.state === 'not-authenticated') caps.push(...IMAP_SASL_MECHANISMS.map((m) => `AUTH=${m}`));
    return caps;
  }

  send(line: string | Buffer): void {
    const bytes = typeof line === 'string' ? ascii(line + '\r\n') : line;
    this.out.push({ type: 'send', side: 'client', bytes });
  }

  /** Bytes made of binary-string pieces and buffers (a FETCH response with literals). */
  sendParts(parts: (string | Buffer)[]): void {
    this.send(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))));
  }

  /** Tagged OK, after the updates the client may hear now (RFC 3501 §7.4.1). */
  ok(c: Command, text: string, code?: string): void {
    this.tellUpdates(!c.holdsExpunge);
    this.errors = 0;
    this.send(`${c.tag} OK ${code ? `[${code}] ` : ''}${text}`);
  }

  no(c: Command, text: string, code?: string): void {
    this.tellUpdates(!c.holdsExpunge);
    this.send(`${c.tag} NO ${code ? `[${code}] ` : ''}${text}`);
  }

  bad(c: Command | { tag: string }, text: string): void {
    this.send(`${c.tag} BAD ${text}`);
    this.errors++;
    if (this.errors >= this.config.maxErrors) {
      this.send('* BYE Too many invalid commands');
      this.close();
    }
  }

  tellUpdates(allowExpunge: boolean): void {
    if (this.selected) for (const l of this.selected.flush(allowExpunge)) this.send(l);
  }

  close(): void {
    this.phase = 'closed';
    this.state = 'logout';
    this.out.push({ type: 'close', side: 'client' });
  }

  startTls(): void {
    this.phase = 'tls';
    // RFC 3501 §6.2.1 / CVE-2011-0411: bytes pipelined after STARTTLS came in plaintext and must
    // not be acted on after the handshake. Drop them.
    this.framer.drain();
    this.out.push({ type: 'start-tls', side: 'client', role: 'server' });
  }

  /** Hand the reader to a line mode (AUTHENTICATE, IDLE), or back to commands with null. */
  enterLineMode(mode: LineMode | null, phase: 'sasl' | 'idle' = 'sasl'): void {
    this.lineMode = mode;
    this.phase = mode ? phase : 'command';
  }

  /** Run a command's remaining steps (used when a line mode finishes with a request). */
  run(c: Command, gen: Step): void {
    this.running = { command: c, gen, id: 0 };
    this.resume({ value: undefined });
  }

  // ------------------------------------------------------------ framing and dispatch

  private process(): void {
    // Bounded: every pass consumes input or changes phase; stop when neither can happen.
    for (;;) {
      if (this.phase === 'sasl' || this.phase === 'idle') {
        const line = this.framer.line();
        if (!line) return;
        this.lineMode?.onLine(this, line.tooLong ? '' : line.text);
        continue;
      }
      if (this.phase !== 'command') return;
      const f = this.framer.next();
      if (!f) return;
      if (f.kind === 'literal') this.onLiteral(f.size, f.sync, f.parts);
      else if (f.kind === 'too-long') this.bad({ tag: tagOf(f.parts.length ? f.parts : [{ text: f.head }]) ?? '*' }, '[TOOBIG] Command line too long');
      else this.dispatch(f.parts);
    }
  }

  private onLiteral(size: number, sync: boolean, parts: FramePart[]): void {
    if (size > this.config.maxLiteralSize) {
      this.framer.refuse();
      this.send(`${tagOf(parts) ?? '*'} NO [TOOBIG] Literal of ${size} octets is over the limit of ${this.config.maxLiteralSize}`);
      return;
    }
    this.framer.accept();
    if (sync) this.send('+ Ready for literal data'); // RFC 3501 §7.5
  }

  private dispatch(parts: FramePart[]): void {
    const first = 'text' in parts[0]! ? (parts[0] as { text: string }).text : '';
    const m = TAG.exec(first);
    if (!m) {
      this.bad({ tag: '*' }, first.trim() ? 'Invalid tag or command' : 'Empty command line');
      return;
    }
    const tag = m[1]!;
    let name = m[2]!.toUpperCase();
    const args = new Args([{ text: first.slice(m[0].length) }, ...parts.slice(1)]);
    let uid = false;
    if (name === 'UID') {
      uid = true;
      name = (args.atom() ?? '').toUpperCase();
      args.sp();
    }
    const entry = commandTable.get(uid ? `UID ${name}` : name);
    const c: Command = { tag, name, uid, args, holdsExpunge: !uid && (name === 'FETCH' || name === 'STORE' || name === 'SEARCH') };
    if (!entry) return this.bad(c, `Unknown command ${uid ? 'UID ' : ''}${name}`);
    if (!entry.states.includes(this.state)) return this.bad(c, `${name} is not allowed ${stateText[this.state]}`);
    const gen = entry.handler(this, c);
    if (gen) this.run(c, gen);
  }

  /** Feed a command's generator until it yields a request or finishes. */
  private resume(input: { value: unknown } | { error: string }): void {
    const r = this.running!;
    let step: IteratorResult<ImapRequest, void>;
    try {
      step = 'error' in input ? r.gen.throw(new Error(input.error)) : r.gen.next(input.value);
    } catch (err) {
      this.running = null;
      this.no(r.command, `Server error: ${(err as Error).message.replace(/[\r\n]/g, ' ')}`, 'SERVERBUG');
      return;
    }
    if (step.done) {
      this.running = null;
      return;
    }
    r.id = this.nextId++;
    this.phase = 'waiting';
    this.out.push({ type: 'request', id: r.id, request: step.value });
  }

  private notify(n: ImapNotification): void {
    if (!this.selected) return;
    this.selected.enqueue(n);
    // RFC 2177: during IDLE the client hears of changes as they happen.
    if (this.phase === 'idle') this.tellUpdates(true);
  }

  /** Adjacent sends become one write, joined once (a FETCH of thousands is one concat). */
  private flush(): CodecCommand[] {
    const out: CodecCommand[] = [];
    let run: Uint8Array[] = [];
    const end = (): void => {
      if (run.length) out.push({ type: 'send', side: 'client', bytes: run.length === 1 ? run[0]! : Buffer.concat(run) });
      run = [];
    };
    for (const c of this.out) {
      if (c.type === 'send') run.push(c.bytes);
      else (end(), out.push(c));
    }
    end();
    this.out = [];
    return out;
  }
}

const stateText: Record<ImapState, string> = {
  'not-authenticated': 'before logging in',
  authenticated: 'without a selected mailbox',
  selected: 'now',
  logout: 'after LOGOUT',
};

function tagOf(parts: FramePart[]): string | null {
  const p = parts[0];
  if (!p || !('text' in p)) return null;
  return /^([^\x00-\x20\x7f(){%*"\\+]+) /.exec(p.text)?.[1] ?? null;
}
