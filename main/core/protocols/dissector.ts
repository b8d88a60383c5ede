// A dissector watches both directions of one leg of a dialogue and turns the bytes into
// timeline events (exchanges, auth, warnings). It never answers anything, so the sink and the
// proxy share it, and it can be run again over a wire log at any time.
import type { Direction, Leg, Micros, Protocol, TimelineEventInput } from '../../../shared/types.js';
import { SmtpDissector } from './smtp/dissector.js';
import { Pop3Dissector } from './pop3/dissector.js';
import { ImapDissector } from './imap/dissector.js';

export interface Dissector {
  onData(direction: Direction, bytes: Uint8Array, t: Micros): TimelineEventInput[];
  /** TLS is up on this leg: the dialogue starts over (RFC 3207 §4.2 and its kin). */
  onTls(): TimelineEventInput[];
  /** The connection closed: exchanges still waiting are emitted as incomplete. */
  onClose(t: Micros): TimelineEventInput[];
}

const factories: Partial<Record<Protocol, (leg: Leg) => Dissector>> = {
  smtp: (leg) => new SmtpDissector(leg),
  pop3: (leg) => new Pop3Dissector(leg),
  imap: (leg) => new ImapDissector(leg),
};

export function createDissector(protocol: Protocol, leg: Leg): Dissector {
  const f = factories[protocol];
  if (!f) throw new Error(`no dissector for ${protocol}`);
  return f(leg);
}
