// Messages fetched through the POP3 and IMAP proxies (RETR, FETCH BODY[] / RFC822) are caught
// into the store like mail the sink receives, linked to the session by the adapter. The same
// message fetched twice in one session is caught once (compared by content), and a message
// over the limit is passed on but not kept, with a warning on the timeline.
import { createHash, type Hash } from 'node:crypto';
import type { Envelope } from '../../../shared/types.js';
import type { CodecCommand } from './types.js';

/** What the proxy knows of a fetch: who had logged in (accepted by the upstream), and TLS. */
export interface FetchOrigin {
  user: string | null;
  clientTls: boolean;
}

/** Larger fetched messages are relayed but not caught. */
export const MAX_CAPTURE = 64 * 1024 * 1024;

export class FetchCapture {
  private readonly seen = new Set<string>();
  private nextId = 1;
  private chunks: Buffer[] | null = null;
  /** The content's digest, fed as chunks arrive: no one long hash of a large message at its end. */
  private hash: Hash | null = null;
  private size = 0;
  private over = false;
  private what = '';

  /** Start collecting one fetched message; `what` names it on the timeline ("RETR 3"). */
  begin(what: string): void {
    this.chunks = [];
    this.hash = createHash('sha256');
    this.size = 0;
    this.over = false;
    this.what = what;
  }

  get collecting(): boolean {
    return this.chunks !== null;
  }

  /** Message octets, as the client will see them once transfer framing is undone. */
  add(bytes: Uint8Array): void {
    if (!this.chunks || this.over) return;
    this.size += bytes.length;
    if (this.size > MAX_CAPTURE) {
      this.over = true;
      this.chunks = [];
      return;
    }
    // Views, not copies: a proxy codec's input is never changed afterwards.
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.chunks.push(b);
    this.hash!.update(b);
  }

  /** Drop what was collected (the transfer was cut off or refused). */
  abandon(): void {
    this.chunks = null;
    this.hash = null;
  }

  /** The message is complete: a `deliver` command (or a warning), or nothing when seen before. */
  end(origin: FetchOrigin): CodecCommand[] {
    const chunks = this.chunks;
    const hash = this.hash;
    this.chunks = null;
    this.hash = null;
    if (!chunks || !hash || this.size === 0) return [];
    if (this.over) {
      const text = `${this.what}: a ${this.size}-byte message was relayed but not caught (over ${MAX_CAPTURE} bytes)`;
      return [{ type: 'record', event: { kind: 'warning', t: Date.now() * 1000, code: 'capture-too-large', text, leg: 'upstream' } }];
    }
    const digest = hash.digest('hex');
    if (this.seen.has(digest)) return [];
    this.seen.add(digest);
    // Nobody sent it through us: no sender, recipients, parameters or EHLO name; only who
    // fetched it and whether the client leg was in TLS. The sink's mailboxes know it by that
    // empty envelope and do not show it to that user as their own (mailbox/session.ts).
    const envelope: Envelope = { mailFrom: '', rcptTo: [], params: {}, helo: null, user: origin.user, tls: origin.clientTls };
    return [{ type: 'deliver', id: this.nextId++, envelope, chunks, size: this.size, meta: { warnings: [] } }];
  }
}
