// Recorded sessions: one append-only file per session (<id>.mts: summary, wire log and timeline,
// see session-file.ts), plus an index of summaries journalled in sessions.jsonl when a session
// ends. Live sessions keep their timeline in memory; closed ones are read back on demand, with
// a small cache. A session whose end never reached the journal (a crash) is rebuilt from its
// file at startup.
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionQuery } from '../../../shared/api.js';
import type { Page, SessionSummary, TimelineEvent, WireChunk } from '../../../shared/types.js';
import { SessionFileWriter, readSessionFile, wireChunks, type WireRecord } from './session-file.js';
import { countEvent } from './session-summary.js';
import { isId } from './ids.js';
import { Journal } from './journal.js';
import { type IndexChange, hasSessionFilter, matchesSession, paginate } from './query.js';

type Record = { op: 'end'; s: SessionSummary } | { op: 'del'; ids: string[] };

interface Live {
  events: TimelineEvent[];
  file: SessionFileWriter;
}

const CACHE_SESSIONS = 8;

export class SessionStore {
  private readonly byId = new Map<string, SessionSummary>();
  private order: string[] = [];
  private readonly live = new Map<string, Live>();
  private readonly cache = new Map<string, TimelineEvent[]>();
  private readonly journal: Journal<Record>;
  readonly dir: string;
  onChange: (c: IndexChange<SessionSummary>) => void = () => {};

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sessions');
    this.journal = new Journal<Record>(join(dataDir, 'sessions.jsonl'), false);
  }

  async open(): Promise<{ recovered: number }> {
    await mkdir(this.dir, { recursive: true });
    const deleted = new Set<string>();
    for (const r of await this.journal.load()) {
      if (r.op === 'del') for (const id of r.ids) (this.byId.delete(id), deleted.add(id));
      else this.byId.set(r.s.id, r.s);
    }
    let recovered = 0;
    for (const name of await readdir(this.dir)) {
      const id = name.split('.')[0]!;
      if (!isId(id) || this.byId.has(id)) continue;
      if (deleted.has(id) || !name.endsWith('.mts')) {
        await unlink(join(this.dir, name)).catch(() => undefined);
        continue;
      }
      const s = await this.recover(id);
      if (s) (this.byId.set(id, s), recovered++);
    }
    this.order = [...this.byId.keys()].sort();
    if (recovered || this.journal.lines > this.order.length * 2 + 1000) await this.journal.rewrite(this.order.map((id) => ({ op: 'end', s: this.byId.get(id)! })));
    await this.journal.openForAppend();
    return { recovered };
  }

  /** Rebuild the summary of a session cut off by a crash from its own file. */
  private async recover(id: string): Promise<SessionSummary | null> {
    const f = await readSessionFile(this.path(id)).catch(() => null);
    if (!f?.summary) return null;
    const s: SessionSummary = { ...f.summary, messageIds: [], exchanges: 0, warnings: 0, errors: 0, bytesIn: 0, bytesOut: 0 };
    for (const e of f.events) countEvent(s, e);
    for (const w of f.wire) if (w.direction === 'c2s') s.bytesIn += w.bytes.length;
    else s.bytesOut += w.bytes.length;
    const last = Math.max(s.startedAt, f.events.at(-1)?.t ?? 0, f.wire.at(-1)?.t ?? 0);
    s.endedAt = last;
    return s;
  }

  get count(): number {
    return this.order.length;
  }

  start(s: SessionSummary): void {
    this.byId.set(s.id, s);
    this.order.push(s.id);
    this.live.set(s.id, { events: [], file: new SessionFileWriter(this.path(s.id), s) });
    this.onChange({ type: 'added', item: s });
  }

  appendEvents(id: string, events: TimelineEvent[]): void {
    const l = this.live.get(id);
    if (!l || !events.length) return;
    for (const e of events) l.events.push(e);
    l.file.events(events);
  }

  appendWire(id: string, r: WireRecord): void {
    this.live.get(id)?.file.wire(r);
  }

  /** The summary changed (counters, user, TLS): tell listeners; it is journalled at the end. */
  touch(s: SessionSummary): void {
    this.onChange({ type: 'updated', item: s });
  }

  async end(s: SessionSummary): Promise<void> {
    const l = this.live.get(s.id);
    if (l) {
      this.live.delete(s.id);
      this.remember(s.id, l.events);
      await l.file.flush();
    }
    await this.journal.commit({ op: 'end', s: { ...s } }).catch(() => undefined);
    this.onChange({ type: 'updated', item: s });
  }

  get(id: string): SessionSummary | undefined {
    return this.byId.get(id);
  }

  get liveCount(): number {
    return this.live.size;
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  list(q: SessionQuery): Page<SessionSummary> {
    return paginate(this.order, this.byId, q.offset, q.limit, hasSessionFilter(q) ? (s) => matchesSession(s, q) : undefined);
  }

  async events(id: string, offset = 0, limit = 500): Promise<Page<TimelineEvent>> {
    const all = await this.allEvents(id);
    const off = Math.max(0, Math.floor(Number(offset) || 0));
    const lim = Math.min(5000, Math.max(1, Math.floor(Number(limit) || 500)));
    return { total: all.length, offset: off, items: all.slice(off, off + lim) };
  }

  async allEvents(id: string): Promise<TimelineEvent[]> {
    const l = this.live.get(id);
    if (l) return l.events;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const { events } = await readSessionFile(this.path(id));
    this.remember(id, events);
    return events;
  }

  async wire(id: string, offset = 0, limit = 1000): Promise<Page<WireChunk>> {
    const records = await this.wireRecords(id);
    const off = Math.max(0, Math.floor(Number(offset) || 0));
    const lim = Math.min(10000, Math.max(1, Math.floor(Number(limit) || 1000)));
    return { total: records.length, offset: off, items: wireChunks(records, off, lim) };
  }

  async wireRecords(id: string): Promise<WireRecord[]> {
    await this.live.get(id)?.file.flush();
    return (await readSessionFile(this.path(id))).wire;
  }

  /** Delete closed sessions (live ones are kept). */
  async delete(ids: string[]): Promise<string[]> {
    const gone = ids.filter((id) => this.byId.has(id) && !this.live.has(id));
    if (!gone.length) return [];
    await this.journal.commit({ op: 'del', ids: gone });
    const set = new Set(gone);
    for (const id of gone) (this.byId.delete(id), this.cache.delete(id));
    this.order = this.order.filter((id) => !set.has(id));
    await Promise.all(gone.map((id) => this.removeFiles(id)));
    this.onChange({ type: 'deleted', ids: gone });
    return gone;
  }

  /** Oldest closed sessions over the count. */
  overRetention(maxCount: number): string[] {
    if (maxCount <= 0 || this.order.length <= maxCount) return [];
    return this.order.slice(0, this.order.length - maxCount).filter((id) => !this.live.has(id));
  }

  async close(): Promise<void> {
    await Promise.all([...this.live.values()].map((l) => l.file.flush()));
    await this.journal.close();
  }

  private remember(id: string, events: TimelineEvent[]): void {
    this.cache.delete(id);
    this.cache.set(id, events);
    // Evict the least recently used beyond the limit.
    for (const key of this.cache.keys()) {
      if (this.cache.size <= CACHE_SESSIONS) break;
      this.cache.delete(key);
    }
  }

  private path(id: string): string {
    return join(this.dir, `${id}.mts`);
  }

  private async removeFiles(id: string): Promise<void> {
    await unlink(this.path(id)).catch(() => undefined);
  }
}
