// A session's plaintext streams as a pcapng capture (pcapng.ts) of synthesised TCP/IP
// (tcp-synth.ts), for Wireshark and tshark. Each leg is one TCP stream between the addresses
// and ports recorded on the session: the client leg between the client and the listener, and
// for the proxy also the upstream leg between the proxy's outgoing socket and the upstream.
//
// What travelled inside TLS is exported as its plaintext, which is the point: no packet capture
// can show it. After STARTTLS (RFC 3207 §4, RFC 2595 §4, RFC 3501 §6.2.1), though, Wireshark's
// SMTP, POP and IMAP dissectors hand the rest of the connection to the TLS dissector, which
// cannot read plaintext. So at the STARTTLS boundary the stream is closed and the plaintext
// from inside TLS continues in a new TCP stream with the same addresses and ports (like a
// reconnect); its first packet carries a comment with the handshake (version, cipher, SNI).
import type { Leg, Micros, Protocol, TimelineEvent, TlsInfo } from '../../../shared/types.js';
import type { SessionSource } from '../replay/source.js';
import { endpointPair } from './inet.js';
import { LINKTYPE_RAW, enhancedPacket, interfaceDescription, sectionHeader } from './pcapng.js';
import { type Packet, TcpConversation, type TcpEndpoint } from './tcp-synth.js';
import { tlsLine } from './transcript.js';

/** The plaintext ports whose dissectors Wireshark registers by default (RFC 5321, 1939, 3501). */
export const STANDARD_PORTS: Record<Protocol, number> = { smtp: 25, pop3: 110, imap: 143 };

export interface PcapOptions {
  /** 'standard' writes the server side as port 25, 110 or 143, so no "Decode As" is needed. */
  ports?: 'recorded' | 'standard';
  application?: string;
}

/** A stand-in client port when a session did not record one (an old or foreign session JSON). */
const FALLBACK_CLIENT_PORT = 49152;

interface LegEnds {
  client: { address: string; port: number };
  server: { address: string; port: number };
}

function legEnds(src: SessionSource, leg: Leg): LegEnds {
  const connect = src.events.find((e) => e.kind === 'connect' && e.leg === leg);
  if (connect?.kind === 'connect') return { client: connect.client, server: connect.server };
  const s = src.summary;
  if (leg === 'client') return { client: s.client, server: s.server };
  return { client: { address: s.server.address, port: FALLBACK_CLIENT_PORT }, server: s.upstream ?? s.server };
}

function endpoints(ends: LegEnds, serverPort: number): { client: TcpEndpoint; server: TcpEndpoint } {
  const ips = endpointPair(ends.client.address, ends.server.address);
  return {
    client: { ip: ips.client, port: ends.client.port || FALLBACK_CLIENT_PORT },
    server: { ip: ips.server, port: serverPort },
  };
}

const eventOf = <K extends TimelineEvent['kind']>(events: TimelineEvent[], kind: K, leg: Leg): Extract<TimelineEvent, { kind: K }>[] =>
  events.filter((e): e is Extract<TimelineEvent, { kind: K }> => e.kind === kind && (kind === 'tls' ? (e as { info: TlsInfo }).info.leg === leg : (e as { leg?: Leg }).leg === leg));

/** The packets of one leg: handshake, data, a new stream at STARTTLS, FIN. */
function legPackets(src: SessionSource, leg: Leg, o: PcapOptions): Packet[] {
  const wire = src.wire.filter((r) => r.leg === leg);
  const ends = legEnds(src, leg);
  const serverPort = o.ports === 'standard' ? STANDARD_PORTS[src.summary.protocol] : ends.server.port;
  const ep = endpoints(ends, serverPort);
  const tlsEvents = eventOf(src.events, 'tls', leg);
  const close = eventOf(src.events, 'close', leg)[0];
  const openedAt: Micros = eventOf(src.events, 'connect', leg)[0]?.t ?? wire[0]?.t ?? src.summary.startedAt;
  const out: Packet[] = [];
  let tcp = new TcpConversation(ep.client, ep.server);
  let streams = 1;
  const opening = tcp.open(Math.min(openedAt, wire[0]?.t ?? openedAt));
  const firstTls = wire[0]?.tls ? tlsEvents[0] : undefined;
  if (firstTls) opening[0]!.comment = `${tlsLine(firstTls.info)} (implicit TLS): this stream is the plaintext inside it`;
  out.push(...opening);
  let tls = wire[0]?.tls ?? false;
  let last = openedAt;
  for (const r of wire) {
    if (r.tls && !tls) {
      // STARTTLS: the rest goes into a new stream, so the dissector reads it as plaintext again.
      out.push(...tcp.close('client', r.t));
      tcp = new TcpConversation(ep.client, ep.server, { client: 0x30000000 + streams * 104729, server: 0x40000000 + streams * 130363 });
      streams++;
      const reopened = tcp.open(r.t);
      const info = tlsEvents.find((e) => e.t <= r.t + 1) ?? tlsEvents[0];
      reopened[0]!.comment = `${info ? tlsLine(info.info) : 'TLS'}: after STARTTLS this connection carried TLS; mailtap exports its plaintext as a new TCP stream`;
      out.push(...reopened);
    }
    tls = r.tls;
    out.push(...tcp.send(r.direction === 'c2s' ? 'client' : 'server', r.bytes, r.t));
    last = r.t;
  }
  const closedAt = Math.max(last, close?.t ?? src.summary.endedAt ?? last);
  out.push(...tcp.close(close?.by === 'server' ? 'server' : 'client', closedAt));
  return out;
}

/** The whole session as a pcapng file. */
export function sessionPcapng(src: SessionSource, o: PcapOptions = {}): Buffer {
  const legs: Leg[] = src.wire.some((r) => r.leg === 'upstream') ? ['client', 'upstream'] : ['client'];
  // Stable sort by time: the legs interleave as they happened, each leg's packets stay in order.
  const packets = legs.flatMap((leg) => legPackets(src, leg, o)).map((p, i) => ({ p, i }));
  packets.sort((a, b) => a.p.t - b.p.t || a.i - b.i);
  const s = src.summary;
  const parts: Buffer[] = [
    sectionHeader({
      application: o.application ?? 'mailtap',
      comment: `mailtap ${s.role} session ${s.id} (${s.protocol}): plaintext streams with synthesised TCP/IP`,
    }),
    interfaceDescription({ linkType: LINKTYPE_RAW, name: 'mailtap', description: `session ${s.id}` }),
  ];
  for (const { p } of packets) parts.push(enhancedPacket(0, p.t, p.data, p.comment));
  return Buffer.concat(parts);
}
