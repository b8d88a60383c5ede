// Recorded sessions: their records (summary, wire log, timeline; see session-records.ts) go to
// the shared session log in chunks, and an index of summaries with their chunk locations is
// journalled in sessions.jsonl when a session ends. Live sessions keep their timeline in memory;
// closed ones are read back on demand, with a small cache. A session whose end never reached
// the journal (a crash) is rebuilt from the newest log segments at startup.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionQuery } from '../../../shared/api.js';
import type { Page, SessionSummary, TimelineEvent, WireChunk } from '../../../shared/types.js';
import { Journal } from './journal.js';
import { type IndexChange, hasSessionFilter, matchesSession, paginate } from './query.js';
import { type ChunkLoc, LOG_MAGIC, SessionLog } from './session-log.js';
import { EventList, RecordBuffer, decodeRecords, wireChunks, type KeyLogRecord, type SessionRecords, type WireRecord } from './session-records.js';
import { countEvent } from './session-summary.js';

type Record = { op: 'end'; s: SessionSummary; locs: ChunkLoc[] } | { op: 'del'; ids: string[] };

/**
 * A session being recorded. Its events are not kept in memory: they go to the log like its wire
 * chunks, and reads (rare) write what is buffered and read it back, so a session that lives for
 * days (IMAP IDLE) or carries 10,000 messages costs a buffer, not its whole timeline.
 */
interface Live {
  buf: RecordBuffer;
  locs: ChunkLoc[];
  written: Promise<void>;
  timer: NodeJS.Timeout | null;
}

const CACHE_SESSIONS = 8;
/** A live session's records are written once they pass this size, or after FLUSH_MS. */
const FLUSH_BYTES = 256 * 1024;
const FLUSH_MS = 1000;
/** Segments scanned at startup for sessions the index lost. */
const REPAIR_SEGMENTS = 2;

export class SessionStore {
  private readonly byId = new Map<string, SessionSummary>();
  private readonly locs = new Map<string, ChunkLoc[]>();
  private order: string[] = [];
  private readonly live = new Map<string, Live>();
  private readonly cache = new Map<string, SessionRecords>();
  private readonly journal: Journal<Record>;
  private readonly log: SessionLog;
  readonly dir: string;
  onChange: (c: IndexChange<SessionSummary>) => void = () => {};

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sessions');
    this.log = new SessionLog(this.dir);
    // Not fsynced per batch: sessions are rebuilt from the log after a crash.
    this.journal = new Journal<Record>(join(dataDir, 'sessions.jsonl'), false);
  }

  async open(): Promise<{ recovered: number }> {
    await mkdir(this.dir, { recursive: true });
    const deleted = new Set<string>();
    for (const r of await this.journal.load()) {
      if (r.op === 'del') for (const id of r.ids) (this.byId.delete(id), this.locs.delete(id), deleted.add(id));
      else (this.byId.set(r.s.id, r.s), this.locs.set(r.s.id, r.locs));
    }
    const segments = await this.log.open();
    for (const seg of segments) this.log.ref(seg, 0);
    let recovered = 0;
    for (const seg of segments.slice(-REPAIR_SEGMENTS)) recovered += await this.repair(seg, deleted);
    for (const l of this.locs.values()) for (const [seg] of l) this.log.ref(seg, 1);
    await this.log.release([]); // segments no session refers to any more
    this.order = [...this.byId.keys()].sort();
    if (recovered || this.journal.lines > this.order.length * 2 + 1000)
      await this.journal.rewrite(this.order.map((id) => ({ op: 'end', s: this.byId.get(id)!, locs: this.locs.get(id) ?? [] })));
    await this.journal.openForAppend();
    return { recovered };
  }

  /** Rebuild sessions the index does not know from one log segment. */
  private async repair(seg: number, deleted: Set<string>): Promise<number> {
    const buf = await this.log.readSegment(seg);
    const found = new Map<string, ChunkLoc[]>();
    const records = decodeRecords(buf, LOG_MAGIC.length, undefined, (id, offset, length) => {
      if (this.byId.has(id) || deleted.has(id)) return;
      const l = found.get(id) ?? [];
      l.push([seg, offset, length]);
      found.set(id, l);
    });
    let n = 0;
    for (const [id, locs] of found) {
      const r = records.get(id);
      if (!r?.summary) continue;
      const s: SessionSummary = { ...r.summary, messageIds: [], exchanges: 0, warnings: 0, errors: 0, bytesIn: 0, bytesOut: 0 };
      const events = r.events.all();
      for (const e of events) countEvent(s, e);
      for (const w of r.wire) if (w.direction === 'c2s') s.bytesIn += w.bytes.length;
      else s.bytesOut += w.bytes.length;
      s.endedAt = Math.max(s.startedAt, events.at(-1)?.t ?? 0, r.wire.at(-1)?.t ?? 0);
      this.byId.set(id, s);
      this.locs.set(id, locs);
      n++;
    }
    return n;
  }

  get count(): number {
    return this.order.length;
  }

  get liveCount(): number {
    return this.live.size;
  }

  start(s: SessionSummary): void {
    this.byId.set(s.id, s);
    this.order.push(s.id);
    const buf = new RecordBuffer(s.id);
    buf.summary(s);
    this.live.set(s.id, { buf, locs: [], written: Promise.resolve(), timer: null });
    this.onChange({ type: 'added', item: s });
  }

  appendEvents(id: string, events: TimelineEvent[]): void {
    const l = this.live.get(id);
    if (!l || !events.length) return;
    l.buf.events(events);
    this.schedule(l);
  }

  appendWire(id: string, r: WireRecord): void {
    const l = this.live.get(id);
    if (!l) return;
    l.buf.wire(r);
    this.schedule(l);
  }

  /** TLS key material of a live session (SSLKEYLOGFILE line); never part of a view. */
  appendKeyLog(id: string, r: KeyLogRecord): void {
    const l = this.live.get(id);
    if (!l) return;
    l.buf.keyLog(r);
    this.schedule(l);
  }

  /** The session's TLS key log lines, in order (for the key log export only). */
  async keyLog(id: string): Promise<KeyLogRecord[]> {
    const l = this.live.get(id);
    if (l) {
      this.write(l);
      await l.written.catch(() => undefined);
      return decodeRecords(await this.log.read(l.locs), 0, id).get(id)?.keyLog ?? [];
    }
    return (await this.records(id)).keyLog;
  }

  /** The summary changed (counters, user, TLS): tell listeners; it is journalled at the end. */
  touch(s: SessionSummary): void {
    this.onChange({ type: 'updated', item: s });
  }

  async end(s: SessionSummary): Promise<void> {
    const l = this.live.get(s.id);
    if (l) {
      this.live.delete(s.id);
      this.write(l);
      this.locs.set(s.id, l.locs);
      await l.written.catch(() => undefined);
    }
    await this.journal.commit({ op: 'end', s: { ...s }, locs: this.locs.get(s.id) ?? [] }).catch(() => undefined);
    this.onChange({ type: 'updated', item: s });
  }

  get(id: string): SessionSummary | undefined {
    return this.byId.get(id);
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  list(q: SessionQuery): Page<SessionSummary> {
    return paginate(this.order, this.byId, q.offset, q.limit, hasSessionFilter(q) ? (s) => matchesSession(s, q) : undefined);
  }

  async events(id: string, offset = 0, limit = 500): Promise<Page<TimelineEvent>> {
    const off = Math.max(0, Math.floor(Number(offset) || 0));
    const lim = Math.min(5000, Math.max(1, Math.floor(Number(limit) || 500)));
    const events = await this.eventList(id);
    return { total: events.length, offset: off, items: events.slice(off, off + lim) };
  }

  async allEvents(id: string): Promise<TimelineEvent[]> {
    return (await this.eventList(id)).all();
  }

  private async eventList(id: string): Promise<EventList> {
    const l = this.live.get(id);
    if (!l) return (await this.records(id)).events;
    // A live session: write what it has so far, then read it back like any other.
    this.write(l);
    await l.written.catch(() => undefined);
    return decodeRecords(await this.log.read(l.locs), 0, id).get(id)?.events ?? new EventList();
  }

  async wire(id: string, offset = 0, limit = 1000): Promise<Page<WireChunk>> {
    const records = await this.wireRecords(id);
    const off = Math.max(0, Math.floor(Number(offset) || 0));
    const lim = Math.min(10000, Math.max(1, Math.floor(Number(limit) || 1000)));
    return { total: records.length, offset: off, items: wireChunks(records, off, lim) };
  }

  async wireRecords(id: string): Promise<WireRecord[]> {
    const l = this.live.get(id);
    if (l) {
      // A live session: write what it has so far, then read it back like any other.
      this.write(l);
      await l.written.catch(() => undefined);
      return (decodeRecords(await this.log.read(l.locs), 0, id).get(id)?.wire ?? []);
    }
    return (await this.records(id)).wire;
  }

  /** Delete closed sessions (live ones are kept). */
  async delete(ids: string[]): Promise<string[]> {
    const gone = ids.filter((id) => this.byId.has(id) && !this.live.has(id));
    if (!gone.length) return [];
    await this.journal.commit({ op: 'del', ids: gone });
    const set = new Set(gone);
    const released: ChunkLoc[] = [];
    for (const id of gone) {
      this.byId.delete(id);
      this.cache.delete(id);
      released.push(...(this.locs.get(id) ?? []));
      this.locs.delete(id);
    }
    this.order = this.order.filter((id) => !set.has(id));
    await this.log.release(released);
    this.onChange({ type: 'deleted', ids: gone });
    return gone;
  }

  /** Oldest closed sessions over the count. */
  overRetention(maxCount: number): string[] {
    if (maxCount <= 0 || this.order.length <= maxCount) return [];
    return this.order.slice(0, this.order.length - maxCount).filter((id) => !this.live.has(id));
  }

  async close(): Promise<void> {
    for (const l of this.live.values()) this.write(l);
    await Promise.all([...this.live.values()].map((l) => l.written.catch(() => undefined)));
    await this.log.close();
    await this.journal.close();
  }

  private async records(id: string): Promise<SessionRecords> {
    const cached = this.cache.get(id);
    if (cached) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const buf = await this.log.read(this.locs.get(id) ?? []);
    const r = decodeRecords(buf, 0, id).get(id) ?? { summary: null, wire: [], events: new EventList(), keyLog: [] };
    this.cache.set(id, r);
    for (const key of this.cache.keys()) {
      if (this.cache.size <= CACHE_SESSIONS) break;
      this.cache.delete(key);
    }
    return r;
  }

  /** Write a live session's buffered records as one chunk of the log. */
  private write(l: Live): void {
    if (l.timer) clearTimeout(l.timer);
    l.timer = null;
    const chunk = l.buf.take();
    if (!chunk) return;
    const { loc, written } = this.log.append(chunk);
    l.locs.push(loc);
    l.written = written;
  }

  private schedule(l: Live): void {
    if (l.buf.bytes >= FLUSH_BYTES) this.write(l);
    else if (!l.timer) {
      l.timer = setTimeout(() => this.write(l), FLUSH_MS);
      l.timer.unref();
    }
  }
}
