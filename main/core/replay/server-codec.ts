// Server replay as a codec (the vocabulary of protocols/types.ts, run by net/connection.ts):
// it greets as the recorded server did, matches each client item against the recording by
// verb (any EHLO name, any address, any IMAP tag, any message), and answers with the recorded
// bytes, IMAP tags rewritten to the client's. A command that does not match is answered with
// the protocol's error (SMTP 503, RFC 5321 §4.2.4; POP3 -ERR, RFC 1939 §3; IMAP tagged BAD,
// RFC 9051 §7.1.5) and recorded as a warning; the dialogue does not move on.
import type { Protocol } from '../../../shared/types.js';
import { ascii, type Codec, type CodecCommand, type CodecEvent } from '../protocols/types.js';
import { ClientItemReader, type ClientItem } from './client-items.js';
import type { ServerScript } from './server-script.js';

export interface ServerReplayHooks {
  mismatch(expected: string | null, got: ClientItem): void;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function refusal(protocol: Protocol, expected: string | null, got: ClientItem): Uint8Array {
  const want = expected ? `the replayed dialogue expects ${expected} here` : 'the replayed dialogue has ended';
  if (protocol === 'smtp') return ascii(`503 5.5.1 Bad sequence of commands: ${want}\r\n`);
  if (protocol === 'pop3') return ascii(`-ERR ${want}\r\n`);
  return ascii(`${got.tag && !got.key.startsWith('*') ? got.tag : '*'} BAD ${want}\r\n`);
}

export class ServerReplayCodec implements Codec {
  private readonly reader: ClientItemReader;
  private turn = 0;
  private matched = 0;
  /** IMAP: recorded tag → the client's tag, for the current turn. */
  private tags = new Map<string, string>();
  private waitingTls = false;
  private over = false;

  constructor(
    private readonly script: ServerScript,
    private readonly hooks: ServerReplayHooks,
  ) {
    this.reader = new ClientItemReader(script.protocol);
  }

  start(): CodecCommand[] {
    const first = this.script.turns[0];
    if (first && first.items.length === 0) return this.answer();
    return [];
  }

  handle(e: CodecEvent): CodecCommand[] {
    switch (e.type) {
      case 'data':
        if (this.waitingTls) return []; // plaintext after STARTTLS's answer: never read (RFC 3207 §5)
        this.reader.push(e.bytes);
        return this.read();
      case 'tls-ready':
        this.waitingTls = false;
        this.reader.resetForTls();
        return [];
      case 'tls-failed':
      case 'timeout':
        return [{ type: 'close', side: 'client' }];
      default:
        return [];
    }
  }

  private read(): CodecCommand[] {
    const out: CodecCommand[] = [];
    // Bounded by the buffered bytes: each round consumes one item.
    for (let item = this.reader.next(); item && !this.waitingTls && !this.over; item = this.reader.next()) {
      const turn = this.script.turns[this.turn];
      const want = turn?.items[this.matched];
      if (!turn || !want || want.key !== item.key) {
        this.hooks.mismatch(want?.key ?? null, item);
        out.push({ type: 'send', side: 'client', bytes: refusal(this.script.protocol, want?.key ?? null, item) });
        continue;
      }
      if (want.tag && item.tag) this.tags.set(want.tag, item.tag);
      if (++this.matched === turn.items.length) out.push(...this.answer());
    }
    return out;
  }

  /** Send the current turn's recorded answer and move to the next turn. */
  private answer(): CodecCommand[] {
    const turn = this.script.turns[this.turn]!;
    const out: CodecCommand[] = [];
    if (turn.response.length) out.push({ type: 'send', side: 'client', bytes: this.retag(turn.response) });
    for (const u of turn.units) this.reader.answered(u);
    this.tags = new Map();
    this.turn++;
    this.matched = 0;
    if (turn.tlsAfter) {
      this.waitingTls = true;
      out.push({ type: 'start-tls', side: 'client', role: 'server' });
    } else if (this.turn >= this.script.turns.length) {
      this.over = true;
      out.push({ type: 'close', side: 'client' });
    }
    return out;
  }

  /** IMAP tagged responses carry the client's tags (RFC 9051 §2.2.1), not the recorded ones. */
  private retag(bytes: Buffer): Buffer {
    if (this.script.protocol !== 'imap' || !this.tags.size) return bytes;
    let text = bytes.toString('latin1');
    for (const [from, to] of this.tags) text = text.replace(new RegExp(`(^|\\n)${escapeRe(from)} (?=(?:OK|NO|BAD|BYE)\\b)`, 'gi'), `$1${to} `);
    return Buffer.from(text, 'latin1');
  }
}
