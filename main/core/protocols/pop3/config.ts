import type { Credentials } from '../../../../shared/types.js';

export interface Pop3ServerConfig {
  hostname: string;
  /**
   * Command line limit in octets. RFC 2449 §4 holds clients to 255 octets, but SASL responses
   * (RFC 5034 §4) and real clients' long user names go beyond that, so the sink is generous.
   */
  maxLineLength: number;
  /** Empty: any login is accepted. Otherwise a wrong one gets -ERR [AUTH] (RFC 3206 §4). */
  credentials: Credentials[];
  /** STLS is offered only when the adapter can do TLS (RFC 2595 §4). */
  tlsAvailable: boolean;
  /** The connection is TLS from the start (POP3S on its own port, RFC 8314 §3). */
  implicitTls: boolean;
  /** Failed commands in a row before the server gives up and closes. */
  maxErrors: number;
  /** The APOP timestamp of the greeting (RFC 1939 §7); made per connection when not given. */
  timestamp: string | null;
}

export const defaultPop3ServerConfig: Pop3ServerConfig = {
  hostname: 'mailtap.local',
  maxLineLength: 4096,
  credentials: [],
  tlsAvailable: false,
  implicitTls: false,
  maxErrors: 20,
  timestamp: null,
};

let counter = 0;

/**
 * RFC 1939 §7: the greeting's timestamp is a msg-id, "<process-ID.clock@hostname>", different
 * every time, so that an APOP digest seen once cannot be replayed. A counter keeps two
 * connections within one millisecond apart.
 */
export function apopTimestamp(hostname: string, now = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  return `<${process.pid}.${now}.${counter}@${hostname}>`;
}
