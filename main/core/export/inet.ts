// Addresses and checksums for the synthesised IP packets of a pcapng export. Pure: strings in,
// bytes out; no sockets.
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  family: 4 | 6;
  bytes: Buffer;
}

/** "127.0.0.1", "::1", "::ffff:127.0.0.1" (an IPv4 client of a dual-stack socket) as bytes. */
export function parseIp(text: string): IpAddress | null {
  const s = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped) return parseIp(mapped[1]!);
  if (isIPv4(s)) return { family: 4, bytes: Buffer.from(s.split('.').map(Number)) };
  if (!isIPv6(s)) return null;
  // RFC 4291 §2.2: at most one "::", and maybe a dotted quad for the last 32 bits.
  let body = s;
  const tail: number[] = [];
  const quad = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (quad) {
    const b = quad[2]!.split('.').map(Number);
    tail.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
    body = quad[1]!.endsWith('::') ? quad[1]! : quad[1]!.slice(0, -1);
  }
  const words = (part: string): number[] => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const gap = body.indexOf('::');
  const h = words(gap < 0 ? body : body.slice(0, gap));
  const r = gap < 0 ? [] : words(body.slice(gap + 2));
  const fill = gap < 0 ? 0 : 8 - tail.length - h.length - r.length;
  const all = [...h, ...new Array<number>(Math.max(0, fill)).fill(0), ...r, ...tail];
  if (all.length !== 8 || all.some((w) => !(w >= 0 && w <= 0xffff))) return null;
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return { family: 6, bytes: out };
}

/**
 * The endpoints of one stream in one family. A session recorded on a dual-stack socket can name
 * its client as ::ffff:a.b.c.d and its server as a.b.c.d; both become IPv4. An address that is
 * missing or unparsable (a session JSON from elsewhere) falls back to loopback, so the export
 * still dissects.
 */
export function endpointPair(client: string, server: string): { client: IpAddress; server: IpAddress } {
  let c = parseIp(client);
  let s = parseIp(server);
  const family = c?.family ?? s?.family ?? 4;
  const loop = (f: 4 | 6): IpAddress => (f === 4 ? { family: 4, bytes: Buffer.from([127, 0, 0, 1]) } : { family: 6, bytes: Buffer.from('00000000000000000000000000000001', 'hex') });
  if (!c || c.family !== family) c = loop(family);
  if (!s || s.family !== family) s = loop(family);
  return { client: c, server: s };
}

/** The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words. */
export function inetChecksum(parts: Buffer[]): number {
  let sum = 0;
  let odd: number | null = null;
  for (const p of parts) {
    let i = 0;
    if (odd !== null && p.length) {
      sum += (odd << 8) | p[0]!;
      odd = null;
      i = 1;
    }
    for (; i + 1 < p.length; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
    if (i < p.length) odd = p[i]!;
    // Fold now and then so the sum stays a small integer.
    if (sum > 0x7fffffff) sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (odd !== null) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
