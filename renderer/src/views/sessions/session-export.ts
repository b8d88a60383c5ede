// What the session export menu offers and says: file kinds, and the tshark options a pcapng
// needs when the server port is not the one Wireshark knows the protocol by.
import type { Protocol, SessionSummary } from '../../../../shared/types';

/** The ports Wireshark dissects each protocol on by default (`--ports standard` maps to these). */
export const STANDARD_PORT: Record<Protocol, number> = { smtp: 25, pop3: 110, imap: 143 };
/** Wireshark's dissector names for `-d tcp.port==N,NAME`. */
const DISSECTOR: Record<Protocol, string> = { smtp: 'smtp', pop3: 'pop', imap: 'imap' };

/** The recorded server ports Wireshark would not dissect as the session's protocol. */
export function nonStandardPorts(s: SessionSummary): number[] {
  const ports = [s.server.port, ...(s.upstream ? [s.upstream.port] : [])];
  return [...new Set(ports.filter((p) => p !== STANDARD_PORT[s.protocol]))];
}

/** The tshark command that dissects a pcapng export of this session, as the CLI prints it. */
export function tsharkHint(s: SessionSummary, file = `mailtap-${s.protocol}-${s.id}.pcapng`): string {
  const decode = nonStandardPorts(s)
    .map((p) => `-d tcp.port==${p},${DISSECTOR[s.protocol]} `)
    .join('');
  return `tshark -r ${file} ${decode}-Y ${DISSECTOR[s.protocol]}`;
}
