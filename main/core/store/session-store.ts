// Recorded sessions: per session a wire log (<id>.wire) and a timeline (<id>.events.jsonl),
// both append-only, plus an index of summaries journalled in sessions.jsonl. Live sessions keep
// their timeline in memory; closed ones are read back from disk on demand, with a small cache.
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionQuery } from '../../../shared/api.js';
import type { Page, SessionSummary, TimelineEvent, WireChunk } from '../../../shared/types.js';
import { WireLogWriter, readStreams, readWireChunks, type WireRecord } from '../net/wire-log.js';
import { BufferedFile } from './buffered-file.js';
import { isId } from './ids.js';
import { Journal } from './journal.js';
import { type IndexChange, hasSessionFilter, matchesSession, paginate } from './query.js';

type Record = { op: 'start' | 'end'; s: SessionSummary } | { op: 'del'; ids: string[] };

interface Live {
  events: TimelineEvent[];
  eventsFile: BufferedFile;
  wire: WireLogWriter;
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

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const r of await this.journal.load()) {
      if (r.op === 'del') for (const id of r.ids) this.byId.delete(id);
      else this.byId.set(r.s.id, r.s);
    }
    // A session that never got its 'end' record was cut off by a crash: close it now.
    for (const s of this.byId.values()) if (s.endedAt === null) s.endedAt = s.startedAt;
    const files = new Set((await readdir(this.dir)).map((f) => f.split('.')[0]!));
    for (const id of files) if (isId(id) && !this.byId.has(id)) await this.removeFiles(id);
    this.order = [...this.byId.keys()].sort();
    if (this.journal.lines > this.order.length * 2 + 1000) await this.journal.rewrite(this.order.map((id) => ({ op: 'end', s: this.byId.get(id)! })));
    await this.journal.openForAppend();
  }

  get count(): number {
    return this.order.length;
  }

  start(s: SessionSummary): void {
    this.byId.set(s.id, s);
    this.order.push(s.id);
    this.live.set(s.id, {
      events: [],
      eventsFile: new BufferedFile(this.path(s.id, 'events.jsonl')),
      wire: new WireLogWriter(this.path(s.id, 'wire')),
    });
    void this.journal.commit({ op: 'start', s: { ...s } }).catch(() => undefined);
    this.onChange({ type: 'added', item: s });
  }

  appendEvents(id: string, events: TimelineEvent[]): void {
    const l = this.live.get(id);
    if (!l || !events.length) return;
    l.events.push(...events);
    l.eventsFile.append(Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join('')));
  }

  appendWire(id: string, r: WireRecord): { index: number; offset: number } | null {
    return this.live.get(id)?.wire.append(r) ?? null;
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
      await Promise.all([l.eventsFile.flush(), l.wire.flush()]);
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
    let text = '';
    try {
      text = await readFile(this.path(id, 'events.jsonl'), 'utf8');
    } catch {
      /* a session with no events yet */
    }
    const events: TimelineEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as TimelineEvent);
      } catch {
        /* torn last line */
      }
    }
    this.remember(id, events);
    return events;
  }

  async wire(id: string, offset = 0, limit = 1000): Promise<Page<WireChunk>> {
    await this.live.get(id)?.wire.flush();
    const off = Math.max(0, Math.floor(Number(offset) || 0));
    const lim = Math.min(10000, Math.max(1, Math.floor(Number(limit) || 1000)));
    const { total, items } = await readWireChunks(this.path(id, 'wire'), off, lim);
    return { total, offset: off, items };
  }

  async wireRecords(id: string): Promise<WireRecord[]> {
    await this.live.get(id)?.wire.flush();
    return readStreams(this.path(id, 'wire'));
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
    await Promise.all([...this.live.values()].flatMap((l) => [l.eventsFile.flush(), l.wire.flush()]));
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

  private path(id: string, ext: string): string {
    return join(this.dir, `${id}.${ext}`);
  }

  private async removeFiles(id: string): Promise<void> {
    await Promise.all(['events.jsonl', 'wire'].map((ext) => unlink(this.path(id, ext)).catch(() => undefined)));
  }
}
