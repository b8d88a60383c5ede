// The maildrop of one POP3 session, and the requests the codec makes of its host to fill and
// empty it. RFC 1939 §5: messages are numbered from 1 when the session enters TRANSACTION, and
// the numbers do not change for the rest of the session; DELE only marks a message, which
// keeps its number and is removed in the UPDATE state.

/** One message as the codec sees it: its store id (also the UIDL, RFC 1939 §7) and size. */
export interface MaildropEntry {
  id: string;
  size: number;
}

/** What the POP3 codec asks of its host through `request` commands (see ../types.ts). */
export type Pop3Request =
  /** The snapshot of the user's messages, oldest first. Value: MaildropEntry[]. */
  | { op: 'maildrop'; user: string }
  /** One message's bytes; `seen` (RETR, not TOP) marks it read. Value: Uint8Array. */
  | { op: 'read'; id: string; seen: boolean }
  /** Remove messages for good (the UPDATE state). Value: the number removed. */
  | { op: 'delete'; ids: string[] };

export class Maildrop {
  private readonly deleted = new Set<number>();

  constructor(readonly entries: readonly MaildropEntry[]) {}

  /** The message with number n, or null if there is none or it is marked deleted. */
  get(n: number): MaildropEntry | null {
    if (!Number.isInteger(n) || n < 1 || n > this.entries.length || this.deleted.has(n)) return null;
    return this.entries[n - 1]!;
  }

  isDeleted(n: number): boolean {
    return this.deleted.has(n);
  }

  mark(n: number): void {
    this.deleted.add(n);
  }

  /** RSET (RFC 1939 §5): unmark everything. */
  reset(): void {
    this.deleted.clear();
  }

  /** Messages not marked deleted, with their numbers. */
  live(): [number, MaildropEntry][] {
    const out: [number, MaildropEntry][] = [];
    this.entries.forEach((e, i) => {
      if (!this.deleted.has(i + 1)) out.push([i + 1, e]);
    });
    return out;
  }

  /** STAT's figures: messages not marked deleted, and their octets (RFC 1939 §5). */
  stat(): { count: number; size: number } {
    let count = 0;
    let size = 0;
    for (const [, e] of this.live()) (count++, (size += e.size));
    return { count, size };
  }

  markedIds(): string[] {
    return [...this.deleted].sort((a, b) => a - b).map((n) => this.entries[n - 1]!.id);
  }
}

/** A message-number argument (RFC 1939 §3): digits only; range is checked against the maildrop. */
export function parseMessageNumber(arg: string): number | null {
  return /^\d{1,9}$/.test(arg) ? Number(arg) : null;
}

export function isMaildrop(v: unknown): v is MaildropEntry[] {
  return Array.isArray(v) && v.every((e) => typeof e === 'object' && e !== null && typeof (e as MaildropEntry).id === 'string' && typeof (e as MaildropEntry).size === 'number');
}
