// Drives the IMAP codec with no sockets: client bytes in, server bytes out, the way
// playbook.ts drives SMTP, but with a real mailbox host (a MessageStore in a temporary
// directory) answering the codec's requests, and the host's notifications fed back in.
// Everything runs to quiescence before the next chunk of input, so results are deterministic.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailboxSession } from '../../main/core/mailbox/session.js';
import { MessageFacts } from '../../main/core/mailbox/message-facts.js';
import { ImapServer, type ImapServerConfig } from '../../main/core/protocols/imap/server.js';
import type { CodecCommand, CodecEvent } from '../../main/core/protocols/types.js';
import { MessageStore, emptyEnvelope } from '../../main/core/store/message-store.js';
import type { MessageSummary } from '../../shared/types.js';
import { tlsInfo } from './playbook.js';

export interface ImapHost {
  dir: string;
  store: MessageStore;
  facts: MessageFacts;
  /** Catch a message as the SMTP sink would. */
  catchMail(raw: string | Buffer, rcptTo?: string[]): Promise<MessageSummary>;
  close(): Promise<void>;
}

export async function openHost(): Promise<ImapHost> {
  const dir = await mkdtemp(join(tmpdir(), 'mailtap-imap-'));
  const store = new MessageStore(dir);
  await store.open();
  const facts = new MessageFacts(store);
  return {
    dir,
    store,
    facts,
    catchMail: (raw, rcptTo = ['bob@y.test']) =>
      store.add({ chunks: [typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw], envelope: { ...emptyEnvelope(), mailFrom: 'a@x.test', rcptTo }, sessionId: null, source: 'smtp', warnings: [] }),
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ImapRun {
  /** Every byte sent to the client, latin1. */
  sent: string;
  /** Response lines (literal bytes stay inside their line's text). */
  lines: string[];
  closed: boolean;
  tlsStarts: number;
  commands: CodecCommand[];
}

export interface ImapPlayOptions {
  bytewise?: boolean;
  cuts?: number[];
  config?: Partial<ImapServerConfig>;
}

/** A live session over a host: feed() client bytes, read what came back. */
export class ImapPlay {
  readonly codec: ImapServer;
  readonly session: MailboxSession;
  readonly run: ImapRun = { sent: '', lines: [], closed: false, tlsStarts: 0, commands: [] };
  private notes: CodecEvent[] = [];

  constructor(readonly host: ImapHost, config: Partial<ImapServerConfig> = {}) {
    this.codec = new ImapServer({ tlsAvailable: true, ...config });
    this.session = new MailboxSession({
      store: host.store,
      facts: host.facts,
      keep: (m) => host.store.add(m),
      forget: () => {},
      notify: (n) => this.notes.push({ type: 'notify', notification: n }),
    });
  }

  async start(): Promise<void> {
    await this.exec(this.codec.start());
  }

  async feed(chunk: string | Buffer): Promise<void> {
    if (this.run.closed) return;
    await this.exec(this.codec.handle({ type: 'data', side: 'client', bytes: typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk }));
  }

  /** Let pending host work (notifications) settle and feed it in. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      if (!this.notes.length) continue;
      const n = this.notes.splice(0);
      for (const e of n) await this.exec(this.codec.handle(e));
    }
  }

  event(e: CodecEvent): Promise<void> {
    return this.exec(this.codec.handle(e));
  }

  /** Lines sent since `from` (an index into run.lines). */
  since(from: number): string[] {
    return this.run.lines.slice(from);
  }

  close(): void {
    this.session.close();
  }

  private async exec(cmds: CodecCommand[]): Promise<void> {
    const queue = [...cmds];
    // Bounded: every request is answered once; notifications are drained in settle().
    for (let guard = 0; queue.length && guard < 1_000_000; guard++) {
      const c = queue.shift()!;
      this.run.commands.push(c);
      if (c.type === 'send') {
        const text = Buffer.from(c.bytes).toString('latin1');
        this.run.sent += text;
        this.run.lines = this.run.sent.split('\r\n').filter((l) => l !== '');
      } else if (c.type === 'close') this.run.closed = true;
      else if (c.type === 'start-tls') {
        this.run.tlsStarts++;
        queue.push(...this.codec.handle({ type: 'tls-ready', side: 'client', info: tlsInfo }));
      } else if (c.type === 'request') {
        let ev: CodecEvent;
        try {
          ev = { type: 'response', id: c.id, ok: true, value: await this.session.serve(c.request) };
        } catch (e) {
          ev = { type: 'response', id: c.id, ok: false, error: (e as Error).message };
        }
        queue.push(...this.codec.handle(ev));
      }
      if (!queue.length && this.notes.length) {
        await new Promise((r) => setImmediate(r));
        for (const e of this.notes.splice(0)) queue.push(...this.codec.handle(e));
      }
    }
  }
}

function recut(input: (string | Buffer)[], o: ImapPlayOptions): Buffer[] {
  const chunks = input.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x));
  if (o.bytewise) return chunks.flatMap((c) => [...c].map((b) => Buffer.from([b])));
  if (!o.cuts?.length) return chunks;
  const all = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let pos = 0, i = 0; pos < all.length; i++) {
    const n = Math.max(1, o.cuts[i % o.cuts.length]!);
    out.push(all.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

/** Run a whole dialogue: greeting, then each chunk (re-cut as asked), then settle. */
export async function playImap(host: ImapHost, input: (string | Buffer)[], o: ImapPlayOptions = {}): Promise<ImapRun> {
  const p = new ImapPlay(host, o.config);
  await p.start();
  for (const chunk of recut(input, o)) await p.feed(chunk);
  await p.settle();
  p.close();
  return p.run;
}

/** The tagged completion lines ("a1 OK", "a2 NO", …) in order, status words only. */
export const tagged = (r: ImapRun): string[] =>
  r.lines.map((l) => /^([A-Za-z0-9.]+) (OK|NO|BAD)\b/.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => `${m[1]} ${m[2]}`);
