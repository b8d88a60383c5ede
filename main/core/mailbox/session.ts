// The host side of one IMAP connection: it serves the codec's requests (see
// protocols/imap/requests.ts) over the message store, and watches the store so that changes
// made by anyone else (the sink catching mail, the API, another session) reach the client as
// untagged responses. What the client has been told is tracked here (`known`, `told`), so a
// session's own changes do not come back to it as news.
import type { MessageSummary } from '../../../shared/types.js';
import type { FolderListing, ImapNotification, ImapRequest, Outcome, SelectInfo, StatusInfo } from '../protocols/imap/requests.js';
import { INBOX } from '../store/folder-index.js';
import { type MessageStore, type NewMessage, emptyEnvelope } from '../store/message-store.js';
import type { IndexChange } from '../store/query.js';
import { createFolder, deleteFolder, renameFolder } from './folders.js';
import { type MessageFacts, flagsOf } from './message-facts.js';
import { searchMessages } from './search.js';
import { applyFlags } from './flags.js';

export interface MailboxSessionOptions {
  store: MessageStore;
  facts: MessageFacts;
  /** Keep an APPENDed message (the service's storeMessage: it records it and applies retention). */
  keep: (m: NewMessage) => Promise<MessageSummary>;
  /** Messages deleted: drop them from other caches. */
  forget: (ids: string[]) => void;
  /** Changes for the selected folder, pushed to the codec as a `notify` event. */
  notify: (n: ImapNotification) => void;
}

interface Selected {
  folder: string;
  gen: number;
}

const flagKey = (m: MessageSummary): string => flagsOf(m).join(' ');

/** Caught by the POP3 or IMAP proxy as it was fetched: nobody sent it (proxy-fetch-capture.ts). */
const fetchedThroughProxy = (m: MessageSummary): boolean => m.source === 'proxy' && m.envelope.mailFrom === '' && m.envelope.rcptTo.length === 0;

export class MailboxSession {
  private user: string | null = null;
  private address: string | null = null;
  private selected: Selected | null = null;
  private gen = 0;
  /** Ids the client has been (or is being) told about in the selected folder. */
  private known = new Set<string>();
  /** The flags the client last saw, per id. */
  private told = new Map<string, string>();
  /** Every UID of the folder up to this one has been looked at. */
  private seenUpTo = 0;
  private pending: ImapNotification | null = null;
  private readonly unwatch: () => void;

  constructor(private readonly o: MailboxSessionOptions) {
    this.unwatch = o.store.watch((c) => this.onChange(c));
  }

  close(): void {
    this.unwatch();
  }

  /**
   * A user who logs in with an email address sees only the mail sent to that address (its
   * envelope recipients) and what they appended themselves; any other name sees everything.
   * A message the proxy caught as someone fetched it names that user too, but it is not theirs
   * to see here: it would come back through the proxy and be caught again.
   */
  visible(m: MessageSummary): boolean {
    const a = this.address;
    if (!a) return true;
    return m.envelope.rcptTo.some((r) => r.toLowerCase() === a) || (!fetchedThroughProxy(m) && (m.envelope.user ?? '').toLowerCase() === a);
  }

  async serve(request: unknown): Promise<unknown> {
    const r = request as ImapRequest;
    const { store } = this.o;
    switch (r.op) {
      case 'login':
        this.user = r.user;
        this.address = r.user.includes('@') ? r.user.trim().toLowerCase() : null;
        return null;
      case 'folders':
        return store.folders.list().map((f): FolderListing => ({ name: f.name, specialUse: f.specialUse, subscribed: f.subscribed }));
      case 'select':
        return this.select(r.folder);
      case 'unselect':
        this.selected = null;
        this.pending = null;
        this.known.clear();
        this.told.clear();
        return null;
      case 'status':
        return this.status(r.folder);
      case 'create':
        return createFolder(store, r.folder);
      case 'delete':
        return deleteFolder(store, r.folder, this.o.forget);
      case 'rename':
        return renameFolder(store, r.from, r.to);
      case 'subscribe':
        await store.mailbox.setSubscribed(r.folder, r.on);
        return { ok: true } satisfies Outcome;
      case 'append':
        return this.append(r);
      case 'fetch':
        return Promise.all(r.ids.map((id) => {
          const m = store.get(id);
          return m ? this.o.facts.fetch(m, r.want).catch(() => null) : null;
        }));
      case 'search':
        return searchMessages(store, this.o.facts, r.ids, r.key);
      case 'store':
        return this.store(r.ids, r.mode, r.flags);
      case 'copy':
        return this.copy(r.ids, r.folder, r.move);
      case 'expunge':
        return this.expunge(r.ids);
      default:
        throw new Error('unknown request');
    }
  }

  // ------------------------------------------------------------ requests

  private viewOf(folder: string): MessageSummary[] {
    const { store } = this.o;
    const members = store.folders.membersOf(folder);
    if (!members) return [];
    const horizon = store.folders.horizon(folder);
    const out: MessageSummary[] = [];
    for (let i = 0; i < members.uids.length && members.uids[i]! < horizon; i++) {
      const m = store.get(members.ids[i]!);
      if (m && this.visible(m)) out.push(m);
    }
    return out;
  }

  private select(folder: string): SelectInfo | null {
    const f = this.o.store.folders.get(folder);
    this.selected = null;
    // Changes gathered for the previous selection mean nothing to the new one.
    this.pending = null;
    this.known.clear();
    this.told.clear();
    if (!f) return null;
    const view = this.viewOf(folder);
    this.selected = { folder, gen: ++this.gen };
    this.seenUpTo = this.o.store.folders.horizon(folder) - 1;
    const keywords = new Set<string>();
    let firstUnseen = 0;
    view.forEach((m, i) => {
      this.known.add(m.id);
      this.told.set(m.id, flagKey(m));
      for (const k of m.flags ?? []) if (!k.startsWith('\\')) keywords.add(k);
      if (!m.read && firstUnseen === 0) firstUnseen = i + 1;
    });
    return {
      gen: this.gen,
      uidValidity: f.uidValidity,
      uidNext: f.uidNext,
      uids: view.map((m) => m.uid!),
      ids: view.map((m) => m.id),
      keywords: [...keywords],
      firstUnseen,
    };
  }

  private status(folder: string): StatusInfo | null {
    const f = this.o.store.folders.get(folder);
    if (!f) return null;
    const view = this.viewOf(folder);
    return {
      messages: view.length,
      unseen: view.filter((m) => !m.read).length,
      uidNext: f.uidNext,
      uidValidity: f.uidValidity,
      size: view.reduce((n, m) => n + (this.o.facts.knownSize(m) ?? m.size), 0),
    };
  }

  private async append(r: Extract<ImapRequest, { op: 'append' }>): Promise<unknown> {
    const f = this.o.store.folders.get(r.folder);
    if (!f) return { ok: false, code: 'TRYCREATE', text: 'Mailbox does not exist' } satisfies Outcome;
    const m = await this.o.keep({
      chunks: [r.message],
      envelope: { ...emptyEnvelope(), user: this.user },
      sessionId: null,
      source: 'import',
      warnings: [],
      ...(r.date ? { receivedAt: new Date(r.date) } : {}),
      folder: r.folder,
      flags: r.flags.filter((x) => x !== '\\Seen' && x !== '\\Recent'),
      read: r.flags.includes('\\Seen'),
    });
    return { uidValidity: f.uidValidity, uid: m.uid };
  }

  private async store(ids: string[], mode: 'set' | 'add' | 'remove', flags: string[]): Promise<unknown> {
    const changes: { id: string; read: boolean; flags: string[]; all: string[] }[] = [];
    for (const id of ids) {
      const m = this.o.store.get(id);
      if (!m) continue;
      const all = applyFlags(flagsOf(m), mode, flags);
      changes.push({ id, read: all.includes('\\Seen'), flags: all.filter((x) => x !== '\\Seen'), all });
      // The client hears the new flags in the STORE response; the change must not echo back.
      if (this.known.has(id)) this.told.set(id, all.join(' '));
    }
    await this.o.store.mailbox.setFlags(changes);
    return changes.map((c) => ({ id: c.id, flags: c.all }));
  }

  private async copy(ids: string[], folder: string, move: boolean): Promise<unknown> {
    const f = this.o.store.folders.get(folder);
    if (!f) return { ok: false, code: 'TRYCREATE', text: 'Mailbox does not exist' } satisfies Outcome;
    if (move) {
      // The client hears of these as expunged in the MOVE response itself (RFC 6851 §3.3).
      for (const id of ids) this.known.delete(id);
      const moved = await this.o.store.mailbox.move(ids, folder);
      return { uidValidity: f.uidValidity, pairs: moved };
    }
    const copied = await this.o.store.mailbox.copy(ids, folder);
    return { uidValidity: f.uidValidity, pairs: copied.map((c) => ({ id: c.from, uid: c.to.uid })) };
  }

  private async expunge(ids: string[]): Promise<string[]> {
    const doomed = ids.filter((id) => this.o.store.get(id)?.flags?.includes('\\Deleted'));
    for (const id of doomed) this.known.delete(id);
    const gone = await this.o.store.delete(doomed);
    this.o.forget(gone);
    return gone;
  }

  // ------------------------------------------------------------ notifications

  private onChange(c: IndexChange<MessageSummary>): void {
    const sel = this.selected;
    if (!sel) return;
    const n = (this.pending ??= { gen: sel.gen, added: [], expunged: [], flags: [] });
    if (c.type === 'deleted') {
      for (const id of c.ids) if (this.known.delete(id)) n.expunged.push(id);
    } else if (this.known.has(c.item.id)) {
      const m = c.item;
      if ((m.folder ?? INBOX) !== sel.folder) (this.known.delete(m.id), n.expunged.push(m.id));
      else if (this.told.get(m.id) !== flagKey(m)) {
        this.told.set(m.id, flagKey(m));
        n.flags.push({ id: m.id, flags: flagsOf(m) });
      }
    }
    // New arrivals are found by scanning past what was seen, in UID order; a burst of changes
    // in one tick is sent as one notification.
    if (n.expunged.length + n.flags.length === 0 && c.type === 'updated' && this.known.has(c.item.id)) return;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const sel = this.selected;
    const n = this.pending;
    this.pending = null;
    if (!sel || !n || n.gen !== sel.gen) return;
    const { store } = this.o;
    const members = store.folders.membersOf(sel.folder);
    const horizon = store.folders.horizon(sel.folder);
    if (members) {
      for (let i = members.after(this.seenUpTo); i < members.uids.length && members.uids[i]! < horizon; i++) {
        const m = store.get(members.ids[i]!);
        if (!m || this.known.has(m.id) || !this.visible(m)) continue;
        this.known.add(m.id);
        this.told.set(m.id, flagKey(m));
        n.added.push({ uid: m.uid!, id: m.id });
      }
      this.seenUpTo = Math.max(this.seenUpTo, horizon - 1);
    }
    n.flags = n.flags.filter((x) => this.known.has(x.id));
    if (n.added.length || n.expunged.length || n.flags.length) this.o.notify(n);
  }
}
