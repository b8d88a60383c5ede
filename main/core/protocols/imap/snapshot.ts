// The selected mailbox as this client knows it (RFC 3501 §2.3.1.2): message sequence numbers
// are positions in this list, which changes only when the client is told, through EXISTS and
// EXPUNGE responses. Changes the host reports are queued and told at the points IMAP allows:
// EXPUNGE never while a FETCH, STORE or SEARCH is answered (RFC 3501 §7.4.1), and here, to keep
// things simple, any update only when a command completes or during IDLE.
import type { ImapNotification } from './requests.js';
import { type SequenceSet, selectPositions, selectSequence, sequenceInRange } from './sequence.js';

export class Snapshot {
  /** How many messages the client has been told exist. */
  announced: number;
  private index: Map<string, number> | null = null;
  private queue: ImapNotification[] = [];
  private held = new Set<string>();
  private flagUpdates = new Map<string, string[]>();

  constructor(
    readonly name: string,
    readonly readOnly: boolean,
    readonly gen: number,
    readonly uidValidity: number,
    public uidNext: number,
    public uids: number[],
    public ids: string[],
  ) {
    this.announced = uids.length;
  }

  get count(): number {
    return this.uids.length;
  }

  position(id: string): number {
    if (!this.index) this.index = new Map(this.ids.map((x, i) => [x, i]));
    return this.index.get(id) ?? -1;
  }

  /** Positions named by a set; null for a sequence number beyond the mailbox (BAD). */
  select(set: SequenceSet, uid: boolean): number[] | null {
    if (uid) return selectPositions(set, this.uids);
    if (!sequenceInRange(set, this.count)) return null;
    return selectSequence(set, this.count);
  }

  enqueue(n: ImapNotification): void {
    if (n.gen === this.gen) this.queue.push(n);
  }

  /** Remove messages the client already knows are gone (its own EXPUNGE or MOVE), telling it. */
  expungeNow(ids: Iterable<string>): string[] {
    for (const id of ids) this.held.add(id);
    return this.flush(true, false);
  }

  /** Apply queued changes; returns the untagged response lines to send. */
  flush(allowExpunge: boolean, withQueue = true): string[] {
    const out: string[] = [];
    if (withQueue) {
      for (const n of this.queue) {
        for (const a of n.added) {
          if (a.uid <= (this.uids[this.uids.length - 1] ?? 0) || this.position(a.id) >= 0) continue;
          this.uids.push(a.uid);
          this.ids.push(a.id);
          this.index?.set(a.id, this.ids.length - 1);
          this.uidNext = Math.max(this.uidNext, a.uid + 1);
        }
        for (const id of n.expunged) this.held.add(id);
        for (const f of n.flags) this.flagUpdates.set(f.id, f.flags);
      }
      this.queue = [];
    }
    if (allowExpunge && this.held.size) {
      const gone = new Set<number>();
      for (const id of this.held) {
        const p = this.position(id);
        if (p >= 0) gone.add(p);
      }
      this.held.clear();
      // Highest first: removing one never renumbers the ones still to be told.
      for (const p of [...gone].sort((a, b) => b - a)) {
        if (p < this.announced) (out.push(`* ${p + 1} EXPUNGE`), this.announced--);
      }
      if (gone.size) {
        this.uids = this.uids.filter((_, i) => !gone.has(i));
        this.ids = this.ids.filter((_, i) => !gone.has(i));
        this.index = null;
      }
    }
    if (this.count !== this.announced) {
      out.push(`* ${this.count} EXISTS`);
      this.announced = this.count;
    }
    for (const [id, flags] of this.flagUpdates) {
      const p = this.position(id);
      if (p >= 0) out.push(`* ${p + 1} FETCH (UID ${this.uids[p]} FLAGS (${flags.join(' ')}))`);
    }
    this.flagUpdates.clear();
    return out;
  }
}
