// What a listener says to a connection over its limit, in place of the greeting, before it
// closes: each protocol's own way of saying "not now, try again later".
import type { Protocol } from '../../../shared/types.js';

export function busyGreeting(protocol: Protocol, hostname: string): Uint8Array {
  const line =
    protocol === 'smtp'
      ? // RFC 5321 §3.8 and §4.2.3: 421 closes the channel; RFC 3463 §3.5: X.4.5 system congestion.
        `421 4.4.5 ${hostname} Too many connections, try again later\r\n`
      : protocol === 'pop3'
        ? // RFC 3206 §4: SYS/TEMP, a problem that may go away.
          '-ERR [SYS/TEMP] Too many connections, try again later\r\n'
        : // RFC 3501 §7.1.5: BYE as the greeting; RFC 5530 §3: UNAVAILABLE.
          '* BYE [UNAVAILABLE] Too many connections, try again later\r\n';
  return Buffer.from(line, 'latin1');
}
