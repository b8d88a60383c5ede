// A pcapng writer (draft-ietf-opsawg-pcapng, "PCAP Now Generic"): a Section Header Block, one
// Interface Description Block per interface, and Enhanced Packet Blocks with microsecond
// timestamps (the default if_tsresol of 6, §4.2) and optional comments. Little-endian; the
// byte-order magic tells readers so (§4.1). Pure: packets in, bytes out.
import type { Micros } from '../../../shared/types.js';

/** Link types (the tcpdump.org LINKTYPE_ registry). RAW: the packet starts at the IP header. */
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;

type Option = [code: number, value: string | Buffer];

const pad4 = (n: number): number => (n + 3) & ~3;

/** Options (§3.5): code, length, value padded to 32 bits; the list ends with opt_endofopt. */
function options(list: Option[]): Buffer {
  const present = list.filter(([, v]) => v.length > 0);
  if (!present.length) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const [code, v] of present) {
    const value = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    if (value.length > 0xffff) throw new Error('a pcapng option value is limited to 65535 bytes');
    const o = Buffer.alloc(4 + pad4(value.length));
    o.writeUInt16LE(code, 0);
    o.writeUInt16LE(value.length, 2);
    value.copy(o, 4);
    parts.push(o);
  }
  parts.push(Buffer.from([OPT_END, 0, 0, 0]));
  return Buffer.concat(parts);
}

/** A block (§3.1): type, total length, body, total length again. */
function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

export function sectionHeader(o: { application: string; os?: string; hardware?: string; comment?: string }): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  fixed.writeUInt16LE(1, 4); // major version
  fixed.writeUInt16LE(0, 6); // minor version
  fixed.writeBigInt64LE(-1n, 8); // section length not given (§4.1)
  const opts = options([
    [OPT_COMMENT, o.comment ?? ''],
    [SHB_HARDWARE, o.hardware ?? ''],
    [SHB_OS, o.os ?? ''],
    [SHB_USERAPPL, o.application],
  ]);
  return block(SHB, Buffer.concat([fixed, opts]));
}

export function interfaceDescription(o: { linkType: number; name?: string; description?: string; snapLength?: number }): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(o.linkType, 0);
  fixed.writeUInt32LE(o.snapLength ?? 0, 4); // 0: no limit (§4.2)
  return block(IDB, Buffer.concat([fixed, options([[IF_NAME, o.name ?? ''], [IF_DESCRIPTION, o.description ?? '']])]));
}

/** An Enhanced Packet Block (§4.3) with a µs timestamp split into its upper and lower 32 bits. */
export function enhancedPacket(interfaceId: number, t: Micros, data: Buffer, comment?: string): Buffer {
  if (!Number.isSafeInteger(t) || t < 0) throw new Error(`bad packet timestamp ${t}`);
  const fixed = Buffer.alloc(20 + pad4(data.length));
  const ts = BigInt(t);
  fixed.writeUInt32LE(interfaceId, 0);
  fixed.writeUInt32LE(Number(ts >> 32n), 4);
  fixed.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  fixed.writeUInt32LE(data.length, 12); // captured
  fixed.writeUInt32LE(data.length, 16); // original: nothing was cut
  data.copy(fixed, 20);
  return block(EPB, Buffer.concat([fixed, options([[OPT_COMMENT, comment ?? '']])]));
}
