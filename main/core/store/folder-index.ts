// The folders of the message index and which messages each one holds, in UID order. This is
// the part of the mailbox model that must change atomically with the journal: a UID is taken
// here when a message is added or moved, and written in that message's journal record, so UIDs
// and UIDVALIDITY survive restarts (RFC 3501 §2.3.1.1). What the folders mean to IMAP (names,
// hierarchy, special use, per-user views) is main/core/mailbox/'s business.

export interface FolderState {
  /** The folder's name, as Unicode (IMAP's modified UTF-7 is a wire form only). */
  name: string;
  uidValidity: number;
  /** The UID the next message put in this folder gets. Never goes down. */
  uidNext: number;
  subscribed: boolean;
  /** RFC 6154 attribute, such as "\\Sent", or null. */
  specialUse: string | null;
}

export const INBOX = 'INBOX';

/** The folders every store has: INBOX for the caught mail and the RFC 6154 special-use ones. */
export const DEFAULT_FOLDERS: ReadonlyArray<[string, string | null]> = [
  [INBOX, null],
  ['Archive', '\\Archive'],
  ['Drafts', '\\Drafts'],
  ['Junk', '\\Junk'],
  ['Sent', '\\Sent'],
  ['Trash', '\\Trash'],
];

/** The messages of one folder, sorted by UID. */
export class FolderMembers {
  uids: number[] = [];
  ids: string[] = [];

  insert(uid: number, id: string): void {
    const n = this.uids.length;
    if (n === 0 || this.uids[n - 1]! < uid) {
      this.uids.push(uid);
      this.ids.push(id);
      return;
    }
    const i = lowerBound(this.uids, uid);
    if (this.uids[i] === uid) return;
    this.uids.splice(i, 0, uid);
    this.ids.splice(i, 0, id);
  }

  /** Remove these UIDs; one pass for many, a splice for a few. */
  remove(uids: number[]): void {
    if (uids.length > 16) {
      const gone = new Set(uids);
      const keepU: number[] = [];
      const keepI: string[] = [];
      this.uids.forEach((u, i) => {
        if (!gone.has(u)) (keepU.push(u), keepI.push(this.ids[i]!));
      });
      this.uids = keepU;
      this.ids = keepI;
      return;
    }
    for (const uid of uids) {
      const i = lowerBound(this.uids, uid);
      if (this.uids[i] === uid) (this.uids.splice(i, 1), this.ids.splice(i, 1));
    }
  }

  /** Index of the first UID greater than `uid`. */
  after(uid: number): number {
    return lowerBound(this.uids, uid + 1);
  }
}

export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class FolderIndex {
  private readonly states = new Map<string, FolderState>();
  private readonly members = new Map<string, FolderMembers>();
  /** UIDs handed out whose journal record is not yet on disk, per folder. */
  private readonly pending = new Map<string, Set<number>>();
  /** The highest UIDVALIDITY ever given, so a re-created name never reuses one. */
  lastUidValidity = 0;

  list(): FolderState[] {
    return [...this.states.values()];
  }

  get(name: string): FolderState | undefined {
    return this.states.get(name);
  }

  has(name: string): boolean {
    return this.states.has(name);
  }

  /** Set or replace a folder's state, as loaded from the journal or newly made. */
  put(f: FolderState): void {
    const old = this.states.get(f.name);
    this.states.set(f.name, { ...f, uidNext: Math.max(f.uidNext, old?.uidNext ?? 1) });
    this.lastUidValidity = Math.max(this.lastUidValidity, f.uidValidity);
    if (!this.members.has(f.name)) this.members.set(f.name, new FolderMembers());
  }

  /** A new folder's state; UIDVALIDITY grows with time and never repeats. */
  fresh(name: string, specialUse: string | null, now = Date.now()): FolderState {
    const uidValidity = Math.min(0xffffffff, Math.max(this.lastUidValidity + 1, Math.floor(now / 1000)));
    return { name, uidValidity, uidNext: 1, subscribed: true, specialUse };
  }

  remove(name: string): void {
    this.states.delete(name);
    this.members.delete(name);
    this.pending.delete(name);
  }

  rename(from: string, to: string): void {
    const f = this.states.get(from);
    if (!f) return;
    this.states.delete(from);
    this.states.set(to, { ...f, name: to });
    this.members.set(to, this.members.get(from) ?? new FolderMembers());
    this.members.delete(from);
    const p = this.pending.get(from);
    this.pending.delete(from);
    if (p) this.pending.set(to, p);
  }

  /** A UID seen in the journal: the folder's next UID must be above it. */
  saw(name: string, uid: number): void {
    let f = this.states.get(name);
    if (!f) {
      // A message in a folder the journal never declared (written before folders existed).
      f = this.fresh(name, null);
      this.put(f);
    }
    if (uid >= f.uidNext) f.uidNext = uid + 1;
  }

  /** Take the next UID of a folder; it stays pending until commit() or abandon(). */
  allocate(name: string): number {
    const f = this.states.get(name);
    if (!f) throw new Error(`no folder ${name}`);
    const uid = f.uidNext++;
    let p = this.pending.get(name);
    if (!p) this.pending.set(name, (p = new Set()));
    p.add(uid);
    return uid;
  }

  settle(name: string, uid: number): void {
    this.pending.get(name)?.delete(uid);
  }

  /**
   * Messages below this UID are all either visible or gone for good. A message whose UID was
   * taken but whose record is not yet written holds the horizon back, so nobody is told about
   * UID 6 before UID 5 (RFC 3501 §2.3.1.1: UIDs ascend in the mailbox).
   */
  horizon(name: string): number {
    const p = this.pending.get(name);
    let h = this.states.get(name)?.uidNext ?? 1;
    if (p) for (const u of p) h = Math.min(h, u);
    return h;
  }

  membersOf(name: string): FolderMembers | undefined {
    return this.members.get(name);
  }

  link(name: string, uid: number, id: string): void {
    let m = this.members.get(name);
    if (!m) this.members.set(name, (m = new FolderMembers()));
    m.insert(uid, id);
  }

  unlink(name: string, uids: number[]): void {
    this.members.get(name)?.remove(uids);
  }
}
