// A captured session as replay and export need it: its summary, its wire log and its timeline,
// from the running store, from a data directory read without writing (the CLI, while a server
// may be running on it), or from a session JSON file. Also: the timeline derived again from
// the wire log by the dissectors, which is what replay compares.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExchangeEvent, Leg, Protocol, SessionSummary, TimelineEvent, TimelineEventInput } from '../../../shared/types.js';
import { createDissector } from '../protocols/dissector.js';
import { type ChunkLoc, SessionLog } from '../store/session-log.js';
import { decodeRecords, type WireRecord } from '../store/session-records.js';
import type { SessionStore } from '../store/session-store.js';

export interface SessionSource {
  summary: SessionSummary;
  wire: WireRecord[];
  events: TimelineEvent[];
}

export async function sourceFromStore(store: SessionStore, id: string): Promise<SessionSource | null> {
  const summary = store.get(id);
  if (!summary) return null;
  const [wire, events] = await Promise.all([store.wireRecords(id), store.allEvents(id)]);
  return { summary: { ...summary }, wire, events: [...events] };
}

type IndexRecord = { op: 'end'; s: SessionSummary; locs: ChunkLoc[] } | { op: 'del'; ids: string[] };

/**
 * Read one closed session from a data directory without opening it for writing: the index
 * (sessions.jsonl) and the log segments are append-only and written in whole chunks, so a
 * reader alongside a running server sees each session either whole or not yet.
 */
export async function sourceFromDataDir(dataDir: string, id: string): Promise<SessionSource> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'sessions.jsonl'), 'utf8');
  } catch {
    throw new Error(`no session index in ${dataDir}`);
  }
  let found: { s: SessionSummary; locs: ChunkLoc[] } | null = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: IndexRecord;
    try {
      r = JSON.parse(line) as IndexRecord;
    } catch {
      continue; // a line being written
    }
    if (r.op === 'end' && r.s.id === id) found = { s: r.s, locs: r.locs };
    else if (r.op === 'del' && r.ids.includes(id)) found = null;
  }
  if (!found) throw new Error(`session ${id} is not in ${dataDir} (unknown, deleted, or still live)`);
  const buf = await new SessionLog(join(dataDir, 'sessions')).read(found.locs);
  const r = decodeRecords(buf, 0, id).get(id);
  return { summary: found.s, wire: r?.wire ?? [], events: r?.events.all() ?? [] };
}

/** The timeline the dissectors make of a wire log again, leg by leg, as the recorder did. */
export function dissect(protocol: Protocol, wire: WireRecord[]): TimelineEventInput[] {
  const legs = new Map<Leg, { d: ReturnType<typeof createDissector>; tls: boolean }>();
  const out: TimelineEventInput[] = [];
  let t = 0;
  for (const r of wire) {
    let l = legs.get(r.leg);
    if (!l) legs.set(r.leg, (l = { d: createDissector(protocol, r.leg), tls: false }));
    if (r.tls && !l.tls) out.push(...l.d.onTls());
    l.tls = r.tls;
    out.push(...l.d.onData(r.direction, r.bytes, r.t));
    t = r.t;
  }
  for (const l of legs.values()) out.push(...l.d.onClose(t));
  return out;
}

/** The exchanges of one leg, from the dissectors' view of the wire log. */
export function exchangesOf(protocol: Protocol, wire: WireRecord[], leg: Leg): ExchangeEvent[] {
  return dissect(
    protocol,
    wire.filter((r) => r.leg === leg),
  ).filter((e): e is Omit<ExchangeEvent, 'seq'> => e.kind === 'exchange').map((e, seq) => ({ ...e, seq }));
}
