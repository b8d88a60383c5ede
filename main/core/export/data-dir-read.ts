// Reading a data directory for an export without opening it for writing, so `mailtap export`
// and `mailtap export-messages` are safe while a server runs on the same directory: the
// indexes (sessions.jsonl, messages.jsonl) are append-only JSON lines, the session log is
// written in whole chunks before a session's index record, and a message whose file is not
// whole yet is left out (readWholeMessage), so a reader sees each session or message either
// whole or not yet.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageSummary, SessionSummary } from '../../../shared/types.js';
import type { SessionSource } from '../replay/source.js';
import { isId } from '../store/ids.js';
import { parseJsonLines } from '../store/journal.js';
import { type ChunkLoc, SessionLog } from '../store/session-log.js';
import { decodeRecords, type KeyLogRecord } from '../store/session-records.js';

async function jsonLines<T>(path: string, what: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`no ${what} in ${path.replace(/\/[^/]+$/, '')}`);
  }
  // A last line cut short is the one being written right now.
  return parseJsonLines<T>(text);
}

type SessionIndexRecord = { op: 'end'; s: SessionSummary; locs: ChunkLoc[] } | { op: 'del'; ids: string[] };

/** One closed session: summary, wire log, timeline and its TLS key log lines. */
export async function readSession(dataDir: string, id: string): Promise<SessionSource & { keyLog: KeyLogRecord[] }> {
  let found: { s: SessionSummary; locs: ChunkLoc[] } | null = null;
  for (const r of await jsonLines<SessionIndexRecord>(join(dataDir, 'sessions.jsonl'), 'session index')) {
    if (r.op === 'end' && r.s.id === id) found = { s: r.s, locs: r.locs };
    else if (r.op === 'del' && r.ids.includes(id)) found = null;
  }
  if (!found) throw new Error(`session ${id} is not in ${dataDir} (unknown, deleted, or still live)`);
  const r = decodeRecords(await new SessionLog(join(dataDir, 'sessions')).read(found.locs), 0, id).get(id);
  return { summary: found.s, wire: r?.wire ?? [], events: r?.events.all() ?? [], keyLog: r?.keyLog ?? [] };
}

type MessageIndexRecord = { op: 'add'; m: MessageSummary } | { op: 'del'; ids: string[] } | { op: string };

/** The message index as the journal holds it now, oldest first. */
export async function readMessageIndex(dataDir: string): Promise<MessageSummary[]> {
  const byId = new Map<string, MessageSummary>();
  for (const r of await jsonLines<MessageIndexRecord>(join(dataDir, 'messages.jsonl'), 'message index')) {
    if (r.op === 'add' && 'm' in r) byId.set(r.m.id, r.m);
    else if (r.op === 'del' && 'ids' in r) for (const id of r.ids) byId.delete(id);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A message's bytes as a reader beside a running server may take them: null while its file is
 * missing or shorter than the index says, which is a message still being written (its index
 * record and its file are made durable at the same time, message-store.ts).
 */
export async function readWholeMessage(dataDir: string, m: MessageSummary): Promise<Buffer | null> {
  const raw = await readFile(messageFile(dataDir, m.id)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  return raw && raw.length === m.size ? raw : null;
}

function messageFile(dataDir: string, id: string): string {
  if (!isId(id)) throw new Error(`not a message id: ${id}`);
  return join(dataDir, 'messages', `${id}.eml`);
}
