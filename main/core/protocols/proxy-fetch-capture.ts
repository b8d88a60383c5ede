// Messages fetched through the POP3 and IMAP proxies (RETR, FETCH BODY[] / RFC822) are caught
// into the store like mail the sink receives, linked to the session by the adapter. The same
// message fetched twice in one session is caught once, and a message over the limit is passed
// on but not kept, with a warning on the timeline.
//
// "The same message" is known two ways. Where the protocol names a message for the whole
// session (a POP3 message number, RFC 1939 §5; an IMAP UID within one selected mailbox's
// UIDVALIDITY, RFC 3501 §2.3.1.1), that name is its key, and a message fetched again under a
// key already caught is not collected or hashed at all. A fetch without such a name is compared
// by its content's SHA-256. A keyed fetch is hashed only once the session has made an unkeyed
// one (a client that fetched by sequence number and then by UID): hashing 10 MB takes ~15 ms of
// the main thread, and a session that fetches by UID alone never needs the digest.
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

/**
 * A message announced at least this large (an IMAP literal's {n}) is copied, chunk by chunk as
 * it passes, into one buffer of its size: no copy of the whole at its end (a stall of ~2 ms per
 * MB on the event loop), socket chunks are not held until then, and the store takes the buffer
 * as it is. An announcement alone costs address space, not memory: the pages of an
 * allocUnsafeSlow buffer are only touched as the bytes arrive.
 */
const PREALLOCATE_MIN = 256 * 1024;

export class FetchCapture {
  private readonly seen = new Set<string>();
  /** Keys of messages caught (or found already caught) in this session. */
  private readonly caught = new Set<string>();
  private key: string | null = null;
  private nextId = 1;
  private chunks: Buffer[] | null = null;
  /** The one buffer of a message whose size was announced (see PREALLOCATE_MIN). */
  private whole: Buffer | null = null;
  /** The content's digest, fed as chunks arrive: no one long hash of a large message at its end. */
  private hash: Hash | null = null;
  private size = 0;
  private over = false;
  private what = '';

  /**
   * Start collecting one fetched message; `what` names it on the timeline ("RETR 3"), and
   * `key` is what the session knows it by, if anything. False when that key is caught already:
   * nothing is collected.
   */
  begin(what: string, key: string | null = null, announced?: number): boolean {
    if (key !== null && this.caught.has(key)) {
      this.abandon();
      return false;
    }
    this.key = key;
    this.chunks = [];
    this.whole = announced !== undefined && announced >= PREALLOCATE_MIN && announced <= MAX_CAPTURE ? Buffer.allocUnsafeSlow(announced) : null;
    this.hash = key === null || this.seen.size > 0 ? createHash('sha256') : null;
    this.size = 0;
    this.over = false;
    this.what = what;
    return true;
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
      this.whole = null;
      return;
    }
    // Views, not copies: a proxy codec's input is never changed afterwards.
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.hash?.update(b);
    const at = this.size - b.length;
    if (this.whole && this.size <= this.whole.length) this.whole.set(b, at);
    else {
      // More than was announced (never for an IMAP literal): go on as chunks.
      if (this.whole) this.chunks.push(this.whole.subarray(0, at));
      this.whole = null;
      this.chunks.push(b);
    }
  }

  /** Drop what was collected (the transfer was cut off or refused). */
  abandon(): void {
    this.chunks = null;
    this.whole = null;
    this.hash = null;
    this.key = null;
  }

  /** The message is complete: a `deliver` command (or a warning), or nothing when seen before. */
  end(origin: FetchOrigin): CodecCommand[] {
    // A preallocated buffer is this message's alone (owned); chunks are views of socket data.
    const owned = this.whole !== null;
    const chunks = this.whole ? [this.size === this.whole.length ? this.whole : this.whole.subarray(0, this.size)] : this.chunks;
    const hash = this.hash;
    const key = this.key;
    this.abandon();
    if (!chunks || this.size === 0) return [];
    if (this.over) {
      const text = `${this.what}: a ${this.size}-byte message was relayed but not caught (over ${MAX_CAPTURE} bytes)`;
      return [{ type: 'record', event: { kind: 'warning', t: Date.now() * 1000, code: 'capture-too-large', text, leg: 'upstream' } }];
    }
    if (key !== null) this.caught.add(key);
    if (hash) {
      const digest = hash.digest('hex');
      if (this.seen.has(digest)) return [];
      this.seen.add(digest);
    }
    // Nobody sent it through us: no sender, recipients, parameters or EHLO name; only who
    // fetched it and whether the client leg was in TLS. The sink's mailboxes know it by that
    // empty envelope and do not show it to that user as their own (mailbox/session.ts).
    const envelope: Envelope = { mailFrom: '', rcptTo: [], params: {}, helo: null, user: origin.user, tls: origin.clientTls };
    return [{ type: 'deliver', id: this.nextId++, envelope, chunks, size: this.size, meta: { warnings: [], owned } }];
  }
}
