// Turning one finished (or cut-off) command/reply pair into timeline events, the same way for
// every dissector: the exchange, and for an AUTH exchange the auth event with the secret masked.
import type { Command, Leg, Micros, PayloadRef, Reply, TimelineEventInput } from '../../../shared/types.js';
import { maskSecret, type SaslSeen } from './sasl-decode.js';

export interface PendingExchange {
  command: Command;
  t: Micros;
  replies: Reply[];
  payload?: PayloadRef;
  auth?: SaslSeen;
}

export interface ExchangeOptions {
  /** Whether the final reply says the login succeeded (235, +OK, OK…). */
  authOk: (last: Reply | undefined) => boolean;
  /** Report a latency for an exchange cut off by a close (to its last reply so far). */
  latencyWhenIncomplete: boolean;
}

/**
 * The unmasked secret of each auth event built here, beside the event rather than in it, so it
 * never reaches the store or a view. Only sessions.secret reads it, after dissecting the wire
 * log again (main/core/sessions-secret.ts); entries go with their events.
 */
const secrets = new WeakMap<object, string>();
export const unmaskedSecretOf = (authEvent: object): string | undefined => secrets.get(authEvent);

export function exchangeEvents(p: PendingExchange, leg: Leg, t: Micros, incomplete: boolean, o: ExchangeOptions): TimelineEventInput[] {
  const last = p.replies[p.replies.length - 1];
  const out: TimelineEventInput[] = [
    {
      kind: 'exchange',
      t: p.t,
      leg,
      command: p.command,
      replies: p.replies,
      latencyUs: last && (!incomplete || o.latencyWhenIncomplete) ? Math.max(0, last.t - p.t) : null,
      ...(p.payload ? { payload: p.payload } : {}),
      ...(incomplete ? { incomplete: true } : {}),
    },
  ];
  if (p.auth && !incomplete) {
    const auth: TimelineEventInput = {
      kind: 'auth',
      t: last?.t ?? t,
      leg,
      mechanism: p.auth.mechanism,
      user: p.auth.user,
      secretMasked: p.auth.secret !== null ? maskSecret(p.auth.secret) : null,
      ok: o.authOk(last),
    };
    if (p.auth.secret !== null) secrets.set(auth, p.auth.secret);
    out.push(auth);
  }
  return out;
}
