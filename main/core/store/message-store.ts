// Caught messages: each one an .eml file holding exactly the bytes received, plus an in-memory
// index kept durable by an append-only journal. add() resolves only after the file and its
// journal record are fsynced, so SMTP's 250 always means "on disk". Startup rebuilds the index
// from the journal and repairs it from the files: a crash loses no acknowledged message.
import { mkdir, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageQuery } from '../../../shared/api.js';
import type { Envelope, MessageSummary, Page } from '../../../shared/types.js';
import { summarizeMessage } from '../mime/index.js';
import { DurableWriter } from './durable-writer.js';
import { ShardedMap } from './sharded-map.js';
import { newId, isId } from './ids.js';
import { Journal } from './journal.js';
import { FolderIndex, INBOX } from './folder-index.js';
import { type MailboxRecord, folderRecords, isMailboxRecord, replayAdded, replayMailboxRecord, settleMailbox } from './mailbox-journal.js';
import { MailboxOps } from './mailbox-ops.js';
import { type IndexChange, hasMessageFilter, matchesMessage, paginate } from './query.js';

export interface NewMessage {
  chunks: Uint8Array[];
  envelope: Envelope;
  sessionId: string | null;
  source: MessageSummary['source'];
  warnings: string[];
  receivedAt?: Date;
  /** The folder to put it in (IMAP APPEND); caught mail goes to INBOX. */
  folder?: string;
  /** IMAP flags besides \Seen, and \Seen itself as `read` (APPEND). */
  flags?: string[];
  read?: boolean;
  /** The From_ line of a message imported from an mbox (latin1), kept for a byte-exact export. */
  mboxFrom?: string;
  /** The one chunk is this message's alone (DeliveryMeta.owned): it is kept, not copied. */
  owned?: boolean;
}

/**
 * One frozen empty array for every summary field that is empty (Cc, warnings, flags): most
 * messages have none, and an index of 100,000 summaries then holds 300,000 fewer objects for
 * V8 to mark. Fields are replaced, never changed in place (mailbox-ops.ts), so sharing is safe;
 * freezing makes a change in place fail loudly rather than touch every message.
 */
const NONE = Object.freeze([]) as unknown as never[];
const orNone = <T>(a: T[]): T[] => (a.length ? a : NONE);

/** A summary read back from the journal, its empty fields shared like a new one's. */
function shareEmpty(m: MessageSummary): MessageSummary {
  m.to = orNone(m.to ?? []);
  m.cc = orNone(m.cc ?? []);
  m.warnings = orNone(m.warnings ?? []);
  if (m.flags) m.flags = orNone(m.flags);
  return m;
}

/** Messages this large are handed over to the file writer rather than copied to it. */
const LARGE_MESSAGE = 64 * 1024;

type Record =
  | { op: 'add'; m: MessageSummary }
  | { op: 'del'; ids: string[] }
  | { op: 'read'; id: string; read: boolean }
  | MailboxRecord;

export class MessageStore {
  /** Every stored message by id; sharded, so growing it never rehashes it whole (sharded-map.ts). */
  private readonly byId = new ShardedMap<MessageSummary>();
  /** Oldest first; ids sort by arrival. */
  private order: string[] = [];
  private readonly journal: Journal<Record>;
  private readonly writer = new DurableWriter();
  readonly dir: string;
  /** Folders, their UIDs and which messages each holds (see folder-index.ts). */
  readonly folders = new FolderIndex();
  /** Folder, flag, move and copy operations for IMAP (see mailbox-ops.ts). */
  readonly mailbox: MailboxOps = new MailboxOps({
    byId: this.byId,
    folders: this.folders,
    commit: (r) => this.journal.commit(r),
    changed: (c) => this.changed(c),
    persist: (raw, m) => this.persist(raw, m),
    raw: (id) => this.raw(id),
    delete: (ids) => this.delete(ids),
  });
  onChange: (c: IndexChange<MessageSummary>) => void = () => {};
  private readonly watchers = new Set<(c: IndexChange<MessageSummary>) => void>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'messages');
    this.journal = new Journal<Record>(join(dataDir, 'messages.jsonl'), true, this.writer);
  }

  get count(): number {
    return this.order.length;
  }

  async open(): Promise<{ recovered: number; dropped: number }> {
    await mkdir(this.dir, { recursive: true });
    const deleted = new Set<string>();
    for (const r of await this.journal.load()) {
      if (r.op === 'add') (this.byId.set(r.m.id, shareEmpty(r.m)), replayAdded(r.m, this.folders));
      else if (isMailboxRecord(r)) replayMailboxRecord(r, this.byId, this.folders);
      else if (r.op === 'del') for (const id of r.ids) (this.byId.delete(id), deleted.add(id));
      else if (r.op === 'read') {
        const m = this.byId.get(r.id);
        if (m) m.read = r.read;
      }
    }
    // Repair: files the index does not know (written, then a crash before the journal), and
    // index entries whose file is gone.
    const files = new Set((await readdir(this.dir)).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)));
    let recovered = 0;
    let dropped = 0;
    for (const id of files) {
      if (this.byId.has(id) || !isId(id)) continue;
      if (deleted.has(id)) {
        await unlink(this.file(id)).catch(() => undefined);
        continue;
      }
      const raw = await readFile(this.file(id));
      const m = this.summarize(id, raw, emptyEnvelope(), null, 'import', ['recovered at startup: the file was not in the index'], new Date(idTime(id)));
      // The envelope went with the crash; the headers are the best evidence left.
      m.envelope.mailFrom = m.from?.address ?? '';
      m.envelope.rcptTo = [...m.to, ...m.cc].map((a) => a.address);
      this.byId.set(id, m);
      recovered++;
    }
    for (const id of [...this.byId.keys()]) if (!files.has(id)) (this.byId.delete(id), dropped++);
    // Defence in depth: a newest entry whose file has the wrong size (a disk that lied about
    // a sync) is dropped rather than served half-written.
    for (const id of [...this.byId.keys()].sort().slice(-1000)) {
      const st = await stat(this.file(id)).catch(() => null);
      if (!st || st.size !== this.byId.get(id)!.size) (this.byId.delete(id), dropped++, await unlink(this.file(id)).catch(() => undefined));
    }
    this.order = [...this.byId.keys()].sort();
    const invented = settleMailbox(this.order, this.byId, this.folders);
    // Compact when the journal holds much more than the live index, or when UIDs were given
    // that must be kept.
    if (invented || recovered || dropped || this.journal.lines > this.order.length * 2 + 1000)
      await this.journal.rewrite([...folderRecords(this.folders), ...this.order.map((id): Record => ({ op: 'add', m: this.byId.get(id)! }))]);
    await this.journal.openForAppend();
    return { recovered, dropped };
  }

  async add(m: NewMessage): Promise<MessageSummary> {
    const receivedAt = m.receivedAt ?? new Date();
    const id = newId(receivedAt.getTime());
    // A buffer of the message's own (a proxy capture's) is kept as it is. Socket data is copied:
    // the wire log may still hold it (a large message's buffer moves to a worker, detached), and
    // a view would keep a whole read buffer alive in the index.
    const one = m.chunks.length === 1 ? m.chunks[0]! : null;
    const raw = one && m.owned ? Buffer.from(one.buffer, one.byteOffset, one.byteLength) : one ? Buffer.from(one) : Buffer.concat(m.chunks);
    const summary = this.summarize(id, raw, m.envelope, m.sessionId, m.source, m.warnings, receivedAt);
    const folder = m.folder ?? INBOX;
    if (!this.folders.has(folder)) throw new Error(`no folder ${folder}`);
    summary.folder = folder;
    summary.uid = this.folders.allocate(folder);
    summary.flags = orNone(m.flags ?? []);
    summary.read = m.read ?? false;
    if (m.mboxFrom) summary.mboxFrom = m.mboxFrom;
    // A large message goes to the writer without a copy; the IMAP facts then read its header
    // from the file, when an IMAP client asks.
    const handOver = raw.length >= LARGE_MESSAGE;
    await this.persist(raw, summary, handOver);
    this.changed({ type: 'added', item: summary, ...(handOver ? {} : { raw }) });
    return summary;
  }

  /**
   * Write a new message's file and journal record, then index it. Its UID is already taken;
   * it stays pending (holding back the folder's horizon) until this settles.
   */
  private async persist(raw: Buffer, summary: MessageSummary, handOver = false): Promise<void> {
    const { id, folder = INBOX, uid = 0 } = summary;
    try {
      // The file (with its directory entry) and the journal record are made durable at the
      // same time, on worker threads: the file and its fsyncs on one, the record in the next
      // group commit on another. Neither needs the other first: startup drops a record whose
      // file is missing or short, and recovers a file without a record (open()), and the
      // message is acknowledged only when both are done.
      await Promise.all([this.writer.write(this.file(id), raw, 0o600, handOver, this.dir), this.journal.commit({ op: 'add', m: summary })]);
      this.byId.set(id, summary);
      this.order.push(id);
      this.folders.link(folder, uid, id);
    } finally {
      this.folders.settle(folder, uid);
    }
  }

  get(id: string): MessageSummary | undefined {
    return this.byId.get(id);
  }

  list(q: MessageQuery): Page<MessageSummary> {
    return paginate(this.order, this.byId, q.offset, q.limit, hasMessageFilter(q) ? (m) => !!matchesMessage(m, q) : undefined);
  }

  async raw(id: string): Promise<Buffer> {
    return readFile(this.file(id));
  }

  async markRead(id: string, read: boolean): Promise<MessageSummary | undefined> {
    const m = this.byId.get(id);
    if (!m) return undefined;
    if (m.read !== read) {
      m.read = read;
      await this.journal.commit({ op: 'read', id, read });
      this.changed({ type: 'updated', item: m });
    }
    return m;
  }

  async delete(ids: string[]): Promise<string[]> {
    const gone = ids.filter((id) => this.byId.has(id));
    if (!gone.length) return [];
    // Journal first: if a crash comes before the unlink, startup still knows they were deleted.
    await this.journal.commit({ op: 'del', ids: gone });
    const set = new Set(gone);
    const byFolder = new Map<string, number[]>();
    for (const id of gone) {
      const m = this.byId.get(id)!;
      const f = m.folder ?? INBOX;
      let uids = byFolder.get(f);
      if (!uids) byFolder.set(f, (uids = []));
      uids.push(m.uid ?? 0);
      this.byId.delete(id);
    }
    for (const [f, uids] of byFolder) this.folders.unlink(f, uids);
    this.order = this.order.filter((id) => !set.has(id));
    await Promise.all(gone.map((id) => unlink(this.file(id)).catch(() => undefined)));
    this.changed({ type: 'deleted', ids: gone });
    return gone;
  }

  clear(): Promise<string[]> {
    return this.delete([...this.order]);
  }

  // ------------------------------------------------------------ mailboxes (IMAP)

  /** Hear about every change, besides `onChange` (the service's); returns the unsubscribe. */
  watch(fn: (c: IndexChange<MessageSummary>) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  private changed(c: IndexChange<MessageSummary>): void {
    this.onChange(c);
    for (const w of this.watchers) w(c);
  }

  /** Ids to prune, oldest first: over the count, or older than the age (hours). */
  overRetention(maxCount: number, maxAgeHours: number, now = Date.now()): string[] {
    const out: string[] = [];
    const excess = maxCount > 0 ? this.order.length - maxCount : 0;
    for (let i = 0; i < this.order.length; i++) {
      const id = this.order[i]!;
      if (i < excess) out.push(id);
      else if (maxAgeHours > 0 && idTime(id) < now - maxAgeHours * 3600_000) out.push(id);
      else break;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.journal.close();
    await this.writer.close();
  }

  file(id: string): string {
    return join(this.dir, `${id}.eml`);
  }

  private summarize(
    id: string,
    raw: Buffer,
    envelope: Envelope,
    sessionId: string | null,
    source: MessageSummary['source'],
    warnings: string[],
    receivedAt: Date,
  ): MessageSummary {
    const s = summarizeMessage(raw);
    return {
      id,
      sessionId,
      receivedAt: receivedAt.toISOString(),
      envelope,
      from: s.from,
      to: orNone(s.to),
      cc: orNone(s.cc),
      subject: s.subject,
      messageId: s.messageId,
      date: s.date,
      size: raw.length,
      attachmentCount: s.attachmentCount,
      snippet: s.snippet,
      read: false,
      warnings: orNone([...warnings, ...s.warnings]),
      source,
    };
  }
}

export const emptyEnvelope = (): Envelope => ({ mailFrom: '', rcptTo: [], params: {}, helo: null, user: null, tls: false });

/** The arrival time an id encodes (ms). */
export const idTime = (id: string): number => parseInt(id.slice(0, 9), 36);
