// The pcapng export's pure parts: addresses, the Internet checksum, synthesised TCP/IP and the
// pcapng blocks, each read back field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointPair, inetChecksum, parseIp } from '../../main/core/export/inet.js';
import { LINKTYPE_RAW, enhancedPacket, interfaceDescription, sectionHeader } from '../../main/core/export/pcapng.js';
import { MSS_V4, MSS_V6, TcpConversation } from '../../main/core/export/tcp-synth.js';

test('parseIp reads IPv4, IPv6 (compressed, embedded IPv4, zone) and IPv4-mapped addresses', () => {
  const hex = (s: string): string | undefined => parseIp(s)?.bytes.toString('hex');
  assert.equal(hex('127.0.0.1'), '7f000001');
  assert.equal(hex('::ffff:10.1.2.3'), '0a010203', 'a dual-stack socket names an IPv4 client this way');
  assert.equal(hex('::1'), '00000000000000000000000000000001');
  assert.equal(hex('::'), '00000000000000000000000000000000');
  assert.equal(hex('2001:db8::8:800:200c:417a'), '20010db80000000000080800200c417a');
  assert.equal(hex('64:ff9b::1.2.3.4'), '0064ff9b000000000000000001020304');
  assert.equal(hex('fe80::1%eth0'), 'fe800000000000000000000000000001');
  assert.equal(hex('[::1]'), '00000000000000000000000000000001');
  for (const bad of ['', 'localhost', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::']) assert.equal(parseIp(bad), null, bad);
});

test('endpointPair puts both ends in one family, falling back to loopback', () => {
  const p = endpointPair('::ffff:127.0.0.1', '127.0.0.1');
  assert.equal(p.client.family, 4);
  assert.equal(p.server.family, 4);
  const q = endpointPair('', '::1');
  assert.equal(q.client.family, 6);
  assert.equal(q.client.bytes.toString('hex'), '00000000000000000000000000000001');
});

test('inetChecksum matches RFC 1071 examples, across odd-length parts', () => {
  // The IPv4 header example from RFC 1071's usual worked example (checksum field zeroed).
  const h = Buffer.from('4500003c1c46400040060000ac100a63ac100a0c', 'hex');
  assert.equal(inetChecksum([h]), 0xb1e6);
  assert.equal(inetChecksum([h.subarray(0, 3), h.subarray(3, 10), h.subarray(10)]), 0xb1e6);
  h.writeUInt16BE(0xb1e6, 10);
  assert.equal(inetChecksum([h]), 0, 'a header with its checksum sums to zero');
  assert.equal(inetChecksum([Buffer.from([0x01])]), 0xfeff, 'an odd byte is padded with zero');
});

/** Decode what tcp-synth wrote, checking both checksums on the way. */
function decode(pkt: Buffer) {
  const v = pkt[0]! >> 4;
  const ipLen = v === 4 ? 20 : 40;
  if (v === 4) {
    assert.equal(inetChecksum([pkt.subarray(0, 20)]), 0, 'IPv4 header checksum');
    assert.equal(pkt.readUInt16BE(2), pkt.length, 'IPv4 total length');
  } else assert.equal(pkt.readUInt16BE(4), pkt.length - 40, 'IPv6 payload length');
  const tcp = pkt.subarray(ipLen);
  const pseudo = v === 4 ? Buffer.concat([pkt.subarray(12, 20), Buffer.from([0, 6]), u16(tcp.length)]) : Buffer.concat([pkt.subarray(8, 40), u32(tcp.length), Buffer.from([0, 0, 0, 6])]);
  assert.equal(inetChecksum([pseudo, tcp]), 0, 'TCP checksum');
  const off = (tcp[12]! >> 4) * 4;
  return { v, sport: tcp.readUInt16BE(0), dport: tcp.readUInt16BE(2), seq: tcp.readUInt32BE(4), ack: tcp.readUInt32BE(8), flags: tcp[13]!, payload: tcp.subarray(off), options: tcp.subarray(20, off) };
}
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

for (const family of [4, 6] as const) {
  test(`a TCP conversation over IPv${family}: handshake, MSS-sized segments, seq/ack, FIN`, () => {
    const ips = endpointPair(family === 4 ? '192.0.2.1' : '2001:db8::1', family === 4 ? '192.0.2.2' : '2001:db8::2');
    const c = new TcpConversation({ ip: ips.client, port: 40000 }, { ip: ips.server, port: 1025 });
    const big = Buffer.alloc(5000, 0x61);
    const pkts = [...c.open(1), ...c.send('server', Buffer.from('220 hi\r\n'), 2), ...c.send('client', big, 3), ...c.close('client', 4)].map((p) => decode(p.data));
    assert.ok(pkts.every((p) => p.v === family));
    const [syn, synAck, ack] = pkts;
    assert.equal(syn!.flags, 0x02);
    assert.deepEqual([...syn!.options], [2, 4, (family === 4 ? MSS_V4 : MSS_V6) >> 8, (family === 4 ? MSS_V4 : MSS_V6) & 0xff]);
    assert.equal(synAck!.flags, 0x12);
    assert.equal(synAck!.ack, (syn!.seq + 1) >>> 0);
    assert.equal(ack!.ack, (synAck!.seq + 1) >>> 0);
    // Data: every segment's seq follows the last, and acks carry the peer's next seq.
    const next = { c: (syn!.seq + 1) >>> 0, s: (synAck!.seq + 1) >>> 0 };
    const mss = family === 4 ? MSS_V4 : MSS_V6;
    let fromClient = Buffer.alloc(0);
    for (const p of pkts.slice(3)) {
      const fromC = p.sport === 40000;
      assert.equal(p.seq, fromC ? next.c : next.s, 'in-order sequence numbers');
      assert.equal(p.ack, fromC ? next.s : next.c, 'the ack is the peer’s next byte');
      assert.ok(p.payload.length <= mss, 'no segment over the MSS');
      const used = p.payload.length + (p.flags & 0x01 ? 1 : 0);
      if (fromC) (next.c = (next.c + used) >>> 0), (fromClient = Buffer.concat([fromClient, p.payload]));
      else next.s = (next.s + used) >>> 0;
    }
    assert.deepEqual(fromClient, big, 'the segments carry the chunk in order');
    const tail = pkts.slice(-3);
    assert.deepEqual(tail.map((p) => p.flags), [0x11, 0x11, 0x10], 'FIN-ACK, FIN-ACK, ACK');
    assert.throws(() => c.send('client', Buffer.from('x'), 5), /closed/);
  });
}

/** Blocks of a pcapng file: type, body, with the trailing length checked. */
function blocks(file: Buffer): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  for (let pos = 0; pos < file.length; ) {
    const type = file.readUInt32LE(pos);
    const len = file.readUInt32LE(pos + 4);
    assert.equal(len % 4, 0, 'blocks are 32-bit aligned');
    assert.equal(file.readUInt32LE(pos + len - 4), len, 'the trailing length repeats the leading one');
    out.push({ type, body: file.subarray(pos + 8, pos + len - 4) });
    pos += len;
  }
  return out;
}

test('pcapng: SHB with the byte-order magic, IDB with LINKTYPE_RAW, EPB with µs timestamp and comment', () => {
  const t = 1_700_000_000_123_456;
  const data = Buffer.from('45000014', 'hex');
  const file = Buffer.concat([sectionHeader({ application: 'mailtap test' }), interfaceDescription({ linkType: LINKTYPE_RAW, name: 'x' }), enhancedPacket(0, t, data, 'a note')]);
  const [shb, idb, epb] = blocks(file);
  assert.equal(shb!.type, 0x0a0d0d0a);
  assert.equal(shb!.body.readUInt32LE(0), 0x1a2b3c4d);
  assert.equal(shb!.body.readUInt16LE(4), 1);
  assert.equal(shb!.body.readBigInt64LE(8), -1n);
  assert.ok(shb!.body.includes(Buffer.from('mailtap test')));
  assert.equal(idb!.type, 1);
  assert.equal(idb!.body.readUInt16LE(0), 101);
  assert.equal(epb!.type, 6);
  const ts = (BigInt(epb!.body.readUInt32LE(4)) << 32n) | BigInt(epb!.body.readUInt32LE(8));
  assert.equal(ts, BigInt(t));
  assert.equal(epb!.body.readUInt32LE(12), 4);
  assert.equal(epb!.body.readUInt32LE(16), 4);
  assert.deepEqual(epb!.body.subarray(20, 24), data);
  // opt_comment (1), length 6, "a note", padding, then opt_endofopt.
  assert.equal(epb!.body.readUInt16LE(24), 1);
  assert.equal(epb!.body.readUInt16LE(26), 6);
  assert.equal(epb!.body.toString('utf8', 28, 34), 'a note');
  assert.throws(() => enhancedPacket(0, -1, data), /timestamp/);
});
