// The wire log: the lossless record of a session. Every chunk of bytes, with a microsecond
// timestamp, its direction, its leg and whether it travelled inside TLS, appended to one file
// per session. Everything else (the timeline, decoded messages) can be rebuilt from it.
//
// Format: the magic "MTWIRE1\n", then records of a 16-byte header and the bytes:
//   u8 flags (bit 0: s2c, bit 1: upstream leg, bit 2: inside TLS), u8[3] zero,
//   u32le length, f64le timestamp in microseconds.
import { open, readFile } from 'node:fs/promises';
import { BufferedFile } from '../store/buffered-file.js';
import type { Direction, Leg, Micros, WireChunk } from '../../../shared/types.js';

export const WIRE_MAGIC = Buffer.from('MTWIRE1\n');
const HEADER = 16;

export interface WireRecord {
  t: Micros;
  direction: Direction;
  leg: Leg;
  tls: boolean;
  bytes: Buffer;
}

export function encodeRecord(r: WireRecord): Buffer {
  const h = Buffer.alloc(HEADER);
  h[0] = (r.direction === 's2c' ? 1 : 0) | (r.leg === 'upstream' ? 2 : 0) | (r.tls ? 4 : 0);
  h.writeUInt32LE(r.bytes.length, 4);
  h.writeDoubleLE(r.t, 8);
  return Buffer.concat([h, r.bytes]);
}

export function decodeWireLog(file: Buffer): { records: WireRecord[]; truncated: boolean } {
  const records: WireRecord[] = [];
  if (file.length < WIRE_MAGIC.length || !file.subarray(0, WIRE_MAGIC.length).equals(WIRE_MAGIC)) return { records, truncated: file.length > 0 };
  let pos = WIRE_MAGIC.length;
  while (pos + HEADER <= file.length) {
    const flags = file[pos]!;
    const len = file.readUInt32LE(pos + 4);
    const t = file.readDoubleLE(pos + 8);
    if (pos + HEADER + len > file.length) break; // a record cut by a crash: keep what is whole
    records.push({
      t,
      direction: flags & 1 ? 's2c' : 'c2s',
      leg: flags & 2 ? 'upstream' : 'client',
      tls: !!(flags & 4),
      bytes: file.subarray(pos + HEADER, pos + HEADER + len),
    });
    pos += HEADER + len;
  }
  return { records, truncated: pos !== file.length };
}

/** Appends records to a session's wire log file, in batches. */
export class WireLogWriter {
  private readonly file: BufferedFile;
  private started = false;
  /** Per leg and direction: bytes so far, so a record knows its stream offset. */
  readonly offsets = new Map<string, number>();
  count = 0;

  constructor(readonly path: string) {
    this.file = new BufferedFile(path);
  }

  append(r: WireRecord): { index: number; offset: number } {
    const key = `${r.leg}:${r.direction}`;
    const offset = this.offsets.get(key) ?? 0;
    this.offsets.set(key, offset + r.bytes.length);
    if (!this.started) {
      this.started = true;
      this.file.append(WIRE_MAGIC);
    }
    this.file.append(encodeRecord(r));
    return { index: this.count++, offset };
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}

/** Read a page of a wire log as API chunks (base64 data, with stream offsets). */
export async function readWireChunks(path: string, offset: number, limit: number): Promise<{ total: number; items: WireChunk[] }> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch {
    return { total: 0, items: [] };
  }
  const { records } = decodeWireLog(file);
  const offsets = new Map<string, number>();
  const items: WireChunk[] = [];
  records.forEach((r, index) => {
    const key = `${r.leg}:${r.direction}`;
    const off = offsets.get(key) ?? 0;
    offsets.set(key, off + r.bytes.length);
    if (index >= offset && index < offset + limit)
      items.push({ index, t: r.t, direction: r.direction, leg: r.leg, tls: r.tls, offset: off, data: r.bytes.toString('base64') });
  });
  return { total: records.length, items };
}

/** Whole streams of one leg, for payload references and re-dissection. */
export async function readStreams(path: string): Promise<WireRecord[]> {
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return [];
  try {
    return decodeWireLog(await fh.readFile()).records;
  } finally {
    await fh.close();
  }
}
