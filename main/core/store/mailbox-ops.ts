// The mailbox side of the message store (IMAP): folders, flags, moves and copies. Each change
// is journalled (see mailbox-journal.ts) and announced through the store's change events, so
// the API, the GUI and other IMAP sessions see it at once. UIDs are taken from the folder index
// before any I/O, so they ascend in the order the messages were given (RFC 4315, RFC 6851).
import type { MessageSummary } from '../../../shared/types.js';
import { type FolderIndex, type FolderState, INBOX } from './folder-index.js';
import { newId } from './ids.js';
import type { MailboxRecord } from './mailbox-journal.js';
import type { IndexChange } from './query.js';

/** What the operations need of the store; the store hands it over when it makes them. */
export interface StoreInternals {
  byId: Map<string, MessageSummary>;
  folders: FolderIndex;
  commit(r: MailboxRecord): Promise<void>;
  changed(c: IndexChange<MessageSummary>): void;
  /** Write a new message (its UID already taken) and index it. */
  persist(raw: Buffer, m: MessageSummary): Promise<void>;
  raw(id: string): Promise<Buffer>;
  delete(ids: string[]): Promise<string[]>;
}

const sameFlags = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((f, i) => f === b[i]);

export class MailboxOps {
  constructor(private readonly s: StoreInternals) {}

  async createFolder(name: string, specialUse: string | null = null): Promise<FolderState> {
    if (this.s.folders.has(name)) throw new Error(`folder ${name} exists`);
    const f = this.s.folders.fresh(name, specialUse);
    this.s.folders.put(f);
    await this.s.commit({ op: 'folder', f });
    return f;
  }

  /** Remove a folder and the messages in it. */
  async deleteFolder(name: string): Promise<string[]> {
    const gone = await this.s.delete([...(this.s.folders.membersOf(name)?.ids ?? [])]);
    this.s.folders.remove(name);
    await this.s.commit({ op: 'folder-del', name });
    return gone;
  }

  /** Rename folders, [from, to] pairs (a folder and its children); their messages go along. */
  async renameFolders(pairs: [string, string][]): Promise<void> {
    const map = new Map(pairs);
    for (const [from, to] of pairs) if (!this.s.folders.has(from) || this.s.folders.has(to)) throw new Error(`cannot rename ${from} to ${to}`);
    for (const [from, to] of pairs) this.s.folders.rename(from, to);
    const moved: MessageSummary[] = [];
    for (const m of this.s.byId.values()) {
      const to = map.get(m.folder ?? INBOX);
      if (to !== undefined) (m.folder = to, moved.push(m));
    }
    await this.s.commit({ op: 'folder-ren', pairs });
    for (const m of moved) this.s.changed({ type: 'updated', item: m });
  }

  async setSubscribed(name: string, subscribed: boolean): Promise<void> {
    const f = this.s.folders.get(name);
    if (!f || f.subscribed === subscribed) return;
    f.subscribed = subscribed;
    await this.s.commit({ op: 'folder', f: { ...f } });
  }

  /** Set flags (IMAP STORE): `read` is \Seen, `flags` the others. One journal record for all. */
  async setFlags(changes: { id: string; read: boolean; flags: string[] }[]): Promise<MessageSummary[]> {
    const done: MessageSummary[] = [];
    const set: [string, boolean, string[]][] = [];
    for (const c of changes) {
      const m = this.s.byId.get(c.id);
      if (!m || (m.read === c.read && sameFlags(m.flags ?? [], c.flags))) continue;
      m.read = c.read;
      m.flags = [...c.flags];
      set.push([c.id, c.read, m.flags]);
      done.push(m);
    }
    if (set.length) await this.s.commit({ op: 'flags', set });
    for (const m of done) this.s.changed({ type: 'updated', item: m });
    return done;
  }

  /**
   * Move messages to another folder (IMAP MOVE, RFC 6851). Each gets a new UID there, in the
   * order given; the returned list pairs each moved id with its new UID.
   */
  async move(ids: string[], folder: string): Promise<{ id: string; uid: number }[]> {
    if (!this.s.folders.has(folder)) throw new Error(`no folder ${folder}`);
    const moves: [string, string, number][] = ids.filter((id) => this.s.byId.has(id)).map((id) => [id, folder, this.s.folders.allocate(folder)]);
    try {
      await this.s.commit({ op: 'move', moves });
    } finally {
      for (const [, , uid] of moves) this.s.folders.settle(folder, uid);
    }
    const out: { id: string; uid: number }[] = [];
    for (const [id, , uid] of moves) {
      const m = this.s.byId.get(id);
      if (!m) continue; // deleted while the record was being written
      this.s.folders.unlink(m.folder ?? INBOX, [m.uid ?? 0]);
      m.folder = folder;
      m.uid = uid;
      this.s.folders.link(folder, uid, id);
      out.push({ id, uid });
      this.s.changed({ type: 'updated', item: m });
    }
    return out;
  }

  /**
   * Copy messages into a folder (IMAP COPY): each copy is a new message with its own file, and
   * keeps the original's flags and arrival time (RFC 3501 §6.4.7).
   */
  async copy(ids: string[], folder: string): Promise<{ from: string; to: MessageSummary }[]> {
    if (!this.s.folders.has(folder)) throw new Error(`no folder ${folder}`);
    // UIDs are taken in the order given, before any I/O, so they ascend in that order.
    const plan = ids
      .map((id) => this.s.byId.get(id))
      .filter((m): m is MessageSummary => !!m)
      .map((m) => ({ from: m.id, to: { ...m, id: newId(), folder, uid: this.s.folders.allocate(folder), flags: [...(m.flags ?? [])] } }));
    const done: { from: string; to: MessageSummary }[] = [];
    const results = await Promise.allSettled(plan.map(async (p) => this.s.persist(await this.s.raw(p.from), p.to)));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') done.push(plan[i]!);
      else this.s.folders.settle(folder, plan[i]!.to.uid!);
    });
    for (const d of done) this.s.changed({ type: 'added', item: d.to });
    if (done.length < plan.length) throw new Error(`copied ${done.length} of ${plan.length} messages`);
    return done;
  }
}
