// Session JSON: one captured session, complete, as a file. It holds the summary, the TLS
// handshakes, every wire chunk (µs timestamp, direction, leg, TLS flag, base64 bytes) and the
// timeline as recorded. The wire log is the ground truth: without `events`, import derives the
// timeline again with the dissectors. Import keeps the session's id when the store does not
// have it yet (re-importing an export of a deleted session restores it as it was), and gives
// a new id otherwise, so an import never overwrites or doubles a session.
import type { Direction, Leg, Protocol, SessionJson, SessionSummary, TimelineEvent, TimelineEventInput } from '../../../shared/types.js';
import { newId, isId } from '../store/ids.js';
import type { SessionStore } from '../store/session-store.js';
import type { WireRecord } from '../store/session-records.js';
import { countEvent } from '../store/session-summary.js';
import { dissect, type SessionSource } from '../replay/source.js';

export const SESSION_JSON_FORMAT = 'mailtap-session';
export const SESSION_JSON_VERSION = 1;
/** Chunks per imported session; a real session that long would be a 10 GB dialogue. */
const MAX_CHUNKS = 5_000_000;

export function toSessionJson(src: SessionSource, now = new Date()): SessionJson {
  return {
    format: SESSION_JSON_FORMAT,
    version: SESSION_JSON_VERSION,
    exportedAt: now.toISOString(),
    session: src.summary,
    tls: src.events.flatMap((e) => (e.kind === 'tls' ? [e.info] : [])),
    wire: src.wire.map((r) => ({ t: r.t, direction: r.direction, leg: r.leg, tls: r.tls, data: r.bytes.toString('base64') })),
    events: src.events,
  };
}

const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];
const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];
const LEGS: readonly Leg[] = ['client', 'upstream'];

function fail(why: string): never {
  throw new Error(`not a mailtap session JSON: ${why}`);
}

/** Check a parsed (or textual) session JSON and turn it into a session source. */
export function parseSessionJson(input: unknown): SessionSource {
  let j = input;
  if (typeof j === 'string' || Buffer.isBuffer(j)) {
    try {
      j = JSON.parse(j.toString());
    } catch (e) {
      fail((e as Error).message);
    }
  }
  if (typeof j !== 'object' || j === null) fail('not an object');
  const o = j as Partial<SessionJson>;
  if (o.format !== SESSION_JSON_FORMAT) fail(`format is ${JSON.stringify(o.format)}, not "${SESSION_JSON_FORMAT}"`);
  if (o.version !== SESSION_JSON_VERSION) fail(`version ${String(o.version)} is not supported (this mailtap reads ${SESSION_JSON_VERSION})`);
  const s = o.session;
  if (typeof s !== 'object' || s === null || typeof s.id !== 'string' || !PROTOCOLS.includes(s.protocol) || typeof s.startedAt !== 'number') fail('session summary missing or malformed');
  if (!Array.isArray(o.wire) || o.wire.length > MAX_CHUNKS) fail('wire log missing or too long');
  const wire: WireRecord[] = o.wire.map((w, i) => {
    if (typeof w !== 'object' || w === null || !Number.isFinite(w.t) || !DIRECTIONS.includes(w.direction) || !LEGS.includes(w.leg) || typeof w.data !== 'string')
      fail(`wire chunk ${i} malformed`);
    return { t: w.t, direction: w.direction, leg: w.leg, tls: w.tls === true, bytes: Buffer.from(w.data, 'base64') };
  });
  const events = Array.isArray(o.events) ? (o.events as TimelineEvent[]).filter((e) => typeof e === 'object' && e !== null && typeof e.kind === 'string') : [];
  return { summary: { ...s, messageIds: Array.isArray(s.messageIds) ? s.messageIds : [] }, wire, events };
}

/** The timeline of a session given without one: connect, the dissected dialogue, close. */
function derivedTimeline(src: SessionSource): TimelineEvent[] {
  const s = src.summary;
  const first = src.wire[0]?.t ?? s.startedAt;
  const last = src.wire.at(-1)?.t ?? s.endedAt ?? s.startedAt;
  const inputs: TimelineEventInput[] = [
    { kind: 'connect', t: Math.min(first, s.startedAt), leg: 'client', client: s.client, server: s.server },
    ...dissect(s.protocol, src.wire),
    { kind: 'close', t: last, leg: 'client', by: 'client' },
  ];
  return inputs.map((e, seq) => ({ ...e, seq }) as TimelineEvent);
}

/** Add a session to the store exactly as the source has it; returns its summary. */
export async function importSession(store: SessionStore, src: SessionSource): Promise<SessionSummary> {
  const id = isId(src.summary.id) && !store.get(src.summary.id) ? src.summary.id : newId();
  const events = src.events.length ? src.events : derivedTimeline(src);
  const summary: SessionSummary = { ...src.summary, id, endedAt: src.summary.endedAt ?? src.wire.at(-1)?.t ?? src.summary.startedAt };
  if (!src.events.length) {
    Object.assign(summary, { messageIds: [], exchanges: 0, warnings: 0, errors: 0, bytesIn: 0, bytesOut: 0 });
    for (const e of events) countEvent(summary, e);
    for (const w of src.wire) if (w.direction === 'c2s') summary.bytesIn += w.bytes.length;
    else summary.bytesOut += w.bytes.length;
  }
  store.start(summary);
  for (const w of src.wire) store.appendWire(id, w);
  // In slices, so the log's chunks stay of a reasonable size.
  for (let i = 0; i < events.length; i += 1000) store.appendEvents(id, events.slice(i, i + 1000));
  await store.end(summary);
  return summary;
}
