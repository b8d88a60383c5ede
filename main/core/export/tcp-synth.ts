// Synthesised TCP/IP for a recorded byte stream, so a packet analyser can read a session that
// mailtap recorded at the socket level: the three-way handshake, data segments split at the MSS
// with sequence and acknowledgement numbers that add up, an ACK for each burst, and the FIN
// exchange at the end (RFC 9293 §3.5, §3.6). IPv4 (RFC 791) or IPv6 (RFC 8200) headers carry
// correct checksums, so Wireshark has nothing to flag. Pure: bytes in, packets out.
import type { Micros } from '../../../shared/types.js';
import { inetChecksum, type IpAddress } from './inet.js';

export interface Packet {
  t: Micros;
  /** A raw IP packet (LINKTYPE_RAW). */
  data: Buffer;
  /** A note for the packet's pcapng comment. */
  comment?: string;
}

export interface TcpEndpoint {
  ip: IpAddress;
  port: number;
}

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;
const WINDOW = 65535;
/** Ethernet's 1500-byte MTU less the IP and TCP headers (RFC 9293 §3.7.1; RFC 8200 §5). */
export const MSS_V4 = 1460;
export const MSS_V6 = 1440;
const TTL = 64;
const PROTO_TCP = 6;

type Side = 'client' | 'server';

/** One TCP connection between two endpoints, turned into packets as the bytes go by. */
export class TcpConversation {
  private readonly seq: Record<Side, number>;
  private ipId: Record<Side, number> = { client: 1, server: 1 };
  private readonly mss: number;
  private state: 'new' | 'open' | 'closed' = 'new';

  constructor(
    private readonly client: TcpEndpoint,
    private readonly server: TcpEndpoint,
    /** Initial sequence numbers; deterministic, so an export is reproducible. */
    isn: { client: number; server: number } = { client: 0x10000000 + client.port * 7919, server: 0x20000000 + server.port * 7877 },
  ) {
    if (client.ip.family !== server.ip.family) throw new Error('both ends of a TCP stream must be in one address family');
    this.seq = { client: isn.client >>> 0, server: isn.server >>> 0 };
    this.mss = client.ip.family === 4 ? MSS_V4 : MSS_V6;
  }

  /** SYN, SYN-ACK, ACK; the SYNs carry the MSS option (RFC 9293 §3.7.1). */
  open(t: Micros): Packet[] {
    if (this.state !== 'new') throw new Error('the TCP stream is already open');
    this.state = 'open';
    const mssOpt = Buffer.from([2, 4, this.mss >> 8, this.mss & 0xff]);
    const out = [this.segment('client', t, SYN, Buffer.alloc(0), mssOpt, false)];
    this.seq.client = (this.seq.client + 1) >>> 0;
    out.push(this.segment('server', t, SYN | ACK, Buffer.alloc(0), mssOpt));
    this.seq.server = (this.seq.server + 1) >>> 0;
    out.push(this.segment('client', t, ACK, Buffer.alloc(0)));
    return out;
  }

  /** One recorded chunk: segments of at most the MSS, PSH on the last, then the peer's ACK. */
  send(from: Side, bytes: Buffer, t: Micros): Packet[] {
    if (this.state !== 'open') throw new Error(`cannot send on a TCP stream that is ${this.state}`);
    if (!bytes.length) return [];
    const out: Packet[] = [];
    for (let off = 0; off < bytes.length; off += this.mss) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + this.mss));
      const last = off + this.mss >= bytes.length;
      out.push(this.segment(from, t, ACK | (last ? PSH : 0), part));
      this.seq[from] = (this.seq[from] + part.length) >>> 0;
    }
    out.push(this.segment(other(from), t, ACK, Buffer.alloc(0)));
    return out;
  }

  /** FIN from the side that closed first, FIN-ACK from the other, and the last ACK. */
  close(first: Side, t: Micros): Packet[] {
    if (this.state !== 'open') return [];
    this.state = 'closed';
    const second = other(first);
    const out = [this.segment(first, t, FIN | ACK, Buffer.alloc(0))];
    this.seq[first] = (this.seq[first] + 1) >>> 0;
    out.push(this.segment(second, t, FIN | ACK, Buffer.alloc(0)));
    this.seq[second] = (this.seq[second] + 1) >>> 0;
    out.push(this.segment(first, t, ACK, Buffer.alloc(0)));
    return out;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  private segment(from: Side, t: Micros, flags: number, payload: Buffer, options = Buffer.alloc(0), withAck = true): Packet {
    const src = from === 'client' ? this.client : this.server;
    const dst = from === 'client' ? this.server : this.client;
    const tcp = Buffer.alloc(20 + options.length + payload.length);
    tcp.writeUInt16BE(src.port, 0);
    tcp.writeUInt16BE(dst.port, 2);
    tcp.writeUInt32BE(this.seq[from], 4);
    tcp.writeUInt32BE(withAck && flags & ACK ? this.seq[other(from)] : 0, 8);
    tcp[12] = ((20 + options.length) / 4) << 4; // data offset in 32-bit words (RFC 9293 §3.1)
    tcp[13] = flags;
    tcp.writeUInt16BE(WINDOW, 14);
    options.copy(tcp, 20);
    payload.copy(tcp, 20 + options.length);
    tcp.writeUInt16BE(inetChecksum([pseudoHeader(src.ip, dst.ip, tcp.length), tcp]), 16);
    const id = this.ipId[from];
    this.ipId[from] = (id + 1) & 0xffff;
    return { t, data: ipPacket(src.ip, dst.ip, tcp, id) };
  }
}

const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

/** The pseudo-header the TCP checksum covers: RFC 9293 §3.1 (IPv4), RFC 8200 §8.1 (IPv6). */
function pseudoHeader(src: IpAddress, dst: IpAddress, tcpLength: number): Buffer {
  if (src.family === 4) {
    const p = Buffer.alloc(12);
    src.bytes.copy(p, 0);
    dst.bytes.copy(p, 4);
    p[9] = PROTO_TCP;
    p.writeUInt16BE(tcpLength, 10);
    return p;
  }
  const p = Buffer.alloc(40);
  src.bytes.copy(p, 0);
  dst.bytes.copy(p, 16);
  p.writeUInt32BE(tcpLength, 32);
  p[39] = PROTO_TCP;
  return p;
}

function ipPacket(src: IpAddress, dst: IpAddress, tcp: Buffer, id: number): Buffer {
  if (src.family === 4) {
    // RFC 791 §3.1: version 4, IHL 5, total length, identification, DF, TTL, protocol, checksum.
    const h = Buffer.alloc(20);
    h[0] = 0x45;
    h.writeUInt16BE(20 + tcp.length, 2);
    h.writeUInt16BE(id, 4);
    h.writeUInt16BE(0x4000, 6);
    h[8] = TTL;
    h[9] = PROTO_TCP;
    src.bytes.copy(h, 12);
    dst.bytes.copy(h, 16);
    h.writeUInt16BE(inetChecksum([h]), 10);
    return Buffer.concat([h, tcp]);
  }
  // RFC 8200 §3: version 6, payload length, next header, hop limit; IPv6 has no header checksum.
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(tcp.length, 4);
  h[6] = PROTO_TCP;
  h[7] = TTL;
  src.bytes.copy(h, 8);
  dst.bytes.copy(h, 24);
  return Buffer.concat([h, tcp]);
}
