// sessions.payload: the bytes of one exchange's payload (a DATA or BDAT body, an IMAP literal,
// a POP3 multi-line body), cut from the wire log. A payload reference is an offset and length
// in one direction's byte stream of one leg, counted the way sessions.wire counts chunk offsets.
import type { BinaryResult } from '../../shared/api.js';
import type { Direction, Leg } from '../../shared/types.js';
import { badRequest, notFound } from './errors.js';
import type { SessionStore } from './store/session-store.js';
import type { WireRecord } from './store/session-records.js';

/** Bytes [offset, offset + length) of the stream of one leg and direction. */
export function sliceStream(wire: readonly WireRecord[], leg: Leg, direction: Direction, offset: number, length: number): Buffer {
  const parts: Buffer[] = [];
  const end = offset + length;
  let pos = 0;
  for (const r of wire) {
    if (r.leg !== leg || r.direction !== direction) continue;
    const next = pos + r.bytes.length;
    if (next > offset && pos < end) parts.push(r.bytes.subarray(Math.max(0, offset - pos), Math.min(r.bytes.length, end - pos)));
    pos = next;
    if (pos >= end) break;
  }
  return Buffer.concat(parts);
}

export async function sessionPayload(store: SessionStore, id: string, seq: number, limit?: number): Promise<BinaryResult> {
  if (!store.get(id)) throw notFound('session');
  if (!Number.isInteger(seq) || seq < 0) throw badRequest('seq must be the number of an exchange');
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest('limit must be a whole number of bytes');
  const e = (await store.events(id, seq, 1)).items[0];
  if (!e || e.seq !== seq) throw notFound(`event ${seq}`);
  if (e.kind !== 'exchange' || !e.payload) throw badRequest(`event ${seq} has no payload`);
  const p = e.payload;
  const data = sliceStream(await store.wireRecords(id), e.leg, p.direction, p.offset, Math.min(p.length, limit ?? p.length));
  // Bytes as they crossed the wire (a DATA body still dot-stuffed): the decoded message, if any,
  // is messages.raw of p.messageId.
  return { contentType: 'application/octet-stream', filename: `${id}-${seq}-${p.kind}.bin`, data };
}
