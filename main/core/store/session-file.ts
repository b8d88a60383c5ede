// One append-only file per recorded session (sessions/<id>.mts), holding both levels of the
// recording: the wire log (every chunk, byte-exact, with a microsecond timestamp, direction,
// leg and TLS state) and the timeline events the dissectors made of it. The file starts with
// the session's summary, so a session cut off by a crash can be rebuilt from its file alone.
// One file rather than two halves the file operations per session, which is what a burst of
// short SMTP sessions spends its time on.
//
// Format: the magic "MTSESS1\n", then records of a 16-byte header and a payload:
//   u8 type (0 wire chunk, 1 timeline events as JSON lines, 2 summary as JSON)
//   u8 flags (wire: bit 0 s2c, bit 1 upstream leg, bit 2 inside TLS), u16 zero,
//   u32le payload length, f64le timestamp in microseconds.
import { readFile } from 'node:fs/promises';
import type { Direction, Leg, Micros, SessionSummary, TimelineEvent, WireChunk } from '../../../shared/types.js';
import { BufferedFile } from './buffered-file.js';

export const SESSION_MAGIC = Buffer.from('MTSESS1\n');
const HEADER = 16;
const WIRE = 0;
const EVENTS = 1;
const SUMMARY = 2;

export interface WireRecord {
  t: Micros;
  direction: Direction;
  leg: Leg;
  tls: boolean;
  bytes: Buffer;
}

export interface SessionFileContents {
  summary: SessionSummary | null;
  wire: WireRecord[];
  events: TimelineEvent[];
  /** The file ended inside a record (a crash while writing): what was whole is kept. */
  truncated: boolean;
}

function record(type: number, flags: number, t: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(HEADER);
  h[0] = type;
  h[1] = flags;
  h.writeUInt32LE(payload.length, 4);
  h.writeDoubleLE(t, 8);
  return Buffer.concat([h, payload]);
}

export function encodeWire(r: WireRecord): Buffer {
  const flags = (r.direction === 's2c' ? 1 : 0) | (r.leg === 'upstream' ? 2 : 0) | (r.tls ? 4 : 0);
  return record(WIRE, flags, r.t, r.bytes);
}

export function decodeSessionFile(file: Buffer): SessionFileContents {
  const out: SessionFileContents = { summary: null, wire: [], events: [], truncated: false };
  if (file.length < SESSION_MAGIC.length || !file.subarray(0, SESSION_MAGIC.length).equals(SESSION_MAGIC)) {
    out.truncated = file.length > 0;
    return out;
  }
  let pos = SESSION_MAGIC.length;
  while (pos + HEADER <= file.length) {
    const type = file[pos]!;
    const flags = file[pos + 1]!;
    const len = file.readUInt32LE(pos + 4);
    const t = file.readDoubleLE(pos + 8);
    if (pos + HEADER + len > file.length) break;
    const payload = file.subarray(pos + HEADER, pos + HEADER + len);
    if (type === WIRE) {
      out.wire.push({ t, direction: flags & 1 ? 's2c' : 'c2s', leg: flags & 2 ? 'upstream' : 'client', tls: !!(flags & 4), bytes: payload });
    } else if (type === EVENTS) {
      for (const line of payload.toString('utf8').split('\n')) if (line) out.events.push(JSON.parse(line) as TimelineEvent);
    } else if (type === SUMMARY) {
      out.summary = JSON.parse(payload.toString('utf8')) as SessionSummary;
    }
    pos += HEADER + len;
  }
  out.truncated = pos !== file.length;
  return out;
}

export async function readSessionFile(path: string): Promise<SessionFileContents> {
  try {
    return decodeSessionFile(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { summary: null, wire: [], events: [], truncated: false };
    throw e;
  }
}

/** The wire records as API chunks, with each chunk's offset in its leg and direction's stream. */
export function wireChunks(records: WireRecord[], offset: number, limit: number): WireChunk[] {
  const offsets = new Map<string, number>();
  const items: WireChunk[] = [];
  records.forEach((r, index) => {
    const key = `${r.leg}:${r.direction}`;
    const off = offsets.get(key) ?? 0;
    offsets.set(key, off + r.bytes.length);
    if (index >= offset && index < offset + limit)
      items.push({ index, t: r.t, direction: r.direction, leg: r.leg, tls: r.tls, offset: off, data: r.bytes.toString('base64') });
  });
  return items;
}

/** Appends a live session's records in batches (see BufferedFile). */
export class SessionFileWriter {
  private readonly file: BufferedFile;

  constructor(
    readonly path: string,
    summary: SessionSummary,
  ) {
    this.file = new BufferedFile(path);
    this.file.append(SESSION_MAGIC);
    this.file.append(record(SUMMARY, 0, summary.startedAt, Buffer.from(JSON.stringify(summary))));
  }

  wire(r: WireRecord): void {
    this.file.append(encodeWire(r));
  }

  events(events: TimelineEvent[]): void {
    if (!events.length) return;
    const json = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    this.file.append(record(EVENTS, 0, events[0]!.t, Buffer.from(json)));
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}
