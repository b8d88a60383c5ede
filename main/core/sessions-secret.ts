// sessions.secret: the secret of one auth event, unmasked. The timeline keeps secrets masked
// (design.md, "Recording"); the wire log keeps the bytes. To reveal one, the leg's wire log is
// dissected again by the same dissector that built the timeline, and the auth event at the
// same position on that leg gives its secret, which never touches the store.
import type { AuthSecret } from '../../shared/api.js';
import type { Leg, Protocol, TimelineEvent } from '../../shared/types.js';
import { badRequest, notFound } from './errors.js';
import { createDissector } from './protocols/dissector.js';
import { unmaskedSecretOf } from './protocols/exchange-events.js';
import { LOGIN_LITERAL_LIMIT } from './protocols/imap/login-args.js';
import { BEARER_MECHANISMS } from './protocols/sasl-decode.js';
import type { SessionStore } from './store/session-store.js';
import type { WireRecord } from './store/session-records.js';

type AuthEvent = Extract<TimelineEvent, { kind: 'auth' }>;

/** Mechanisms whose secret proves knowledge of the password without being it. */
const DIGESTS: Record<string, string> = {
  'CRAM-MD5': 'an HMAC-MD5 digest of the server challenge (RFC 2195), not the password',
  APOP: 'an MD5 digest of the greeting timestamp and the password (RFC 1939 §7), not the password',
};

export interface UnmaskedAuth {
  mechanism: string;
  user: string | null;
  secret: string | null;
}

/**
 * Dissect one leg of a wire log again and list its auth events, each with its unmasked
 * secret, in order. TLS is noticed where the leg's chunks turn from plaintext to TLS, which is
 * where the recorder told the live dissector (RFC 3207 §4.2: the dialogue starts over).
 */
export function authSecretsFromWire(protocol: Protocol, leg: Leg, wire: readonly WireRecord[]): UnmaskedAuth[] {
  const d = createDissector(protocol, leg);
  const out: UnmaskedAuth[] = [];
  const take = (events: ReturnType<typeof d.onData>): void => {
    for (const e of events) if (e.kind === 'auth') out.push({ mechanism: e.mechanism, user: e.user, secret: unmaskedSecretOf(e) ?? null });
  };
  let tls = false;
  for (const r of wire) {
    if (r.leg !== leg) continue;
    if (r.tls && !tls) take(d.onTls());
    tls = r.tls;
    take(d.onData(r.direction, r.bytes, r.t));
  }
  return out;
}

/** Shape one unmasked auth as the API answers it: what the secret is, and what it is not. */
export function describeSecret(protocol: Protocol, seq: number, a: UnmaskedAuth): AuthSecret {
  const { secret } = a;
  const digest = DIGESTS[a.mechanism];
  const bearer = BEARER_MECHANISMS.includes(a.mechanism);
  let note: string | null = null;
  if (secret === null) {
    // IMAP LOGIN's password is an atom, a quoted string or a literal (RFC 3501 §6.2.3); the
    // dissector reads literals up to LOGIN_LITERAL_LIMIT octets.
    note =
      protocol === 'imap' && a.mechanism === 'LOGIN'
        ? `No password was decoded: none was sent, or it was an IMAP literal over ${LOGIN_LITERAL_LIMIT} octets; the wire log holds the bytes.`
        : `The ${a.mechanism} exchange carried no secret that mailtap can decode.`;
  } else if (digest) note = `This is ${digest}.`;
  else if (bearer) note = `This is an OAuth 2.0 bearer token (RFC 6750; ${a.mechanism === 'OAUTHBEARER' ? 'RFC 7628' : 'the XOAUTH2 profile'}), not a password: it grants access to the account until it expires.`;
  const kind = secret === null ? null : digest ? 'digest' : bearer ? 'token' : 'password';
  return { seq, mechanism: a.mechanism, user: a.user, secret, kind, note };
}

export async function sessionSecret(store: SessionStore, id: string, seq: number): Promise<AuthSecret> {
  const session = store.get(id);
  if (!session) throw notFound('session');
  if (!Number.isInteger(seq) || seq < 0) throw badRequest('seq must be the number of an auth event');
  const events = await store.allEvents(id);
  const target = events[seq];
  if (!target || target.seq !== seq) throw notFound(`event ${seq}`);
  if (target.kind !== 'auth') throw badRequest(`event ${seq} is a ${target.kind} event, not an auth event`);
  // Its position among the auth events of its leg; the dissector yields them in that order.
  const nth = events.filter((e): e is AuthEvent => e.kind === 'auth' && e.leg === target.leg && e.seq < seq).length;
  const found = authSecretsFromWire(session.protocol, target.leg, await store.wireRecords(id))[nth];
  if (!found) throw notFound(`the wire log of event ${seq}`);
  return describeSecret(session.protocol, seq, found);
}
