// Logging in: STARTTLS (RFC 3501 §6.2.1), LOGIN (§6.2.3) and AUTHENTICATE (§6.2.2) with PLAIN
// (RFC 4616), LOGIN, XOAUTH2 and OAUTHBEARER (RFC 7628), initial responses allowed (SASL-IR,
// RFC 4959). The mechanisms are ../../sasl-server.ts's. Any credentials log in unless some are
// configured; then only those do (a bearer token is then checked as the user's password).
import { SaslServer, checkPassword, type SaslResult } from '../../sasl-server.js';
import type { ImapServer, LineMode } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';

/** Advertised as AUTH=… (RFC 3501 §6.1.1); CRAM-MD5 is the SMTP and POP3 sinks' only. */
export const IMAP_SASL_MECHANISMS = ['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER'] as const;

function* finishLogin(s: ImapServer, c: Command, user: string, ok: boolean): Step {
  if (!ok) {
    s.no(c, 'Invalid credentials', 'AUTHENTICATIONFAILED');
    return;
  }
  yield* ask<null>({ op: 'login', user });
  s.user = user;
  s.state = 'authenticated';
  // RFC 3501 §7.1: the capabilities change at login, so they come with the OK.
  s.ok(c, 'Logged in', `CAPABILITY ${s.capabilities().join(' ')}`);
}

export function starttls(s: ImapServer, c: Command): void {
  if (!c.args.atEnd()) return s.bad(c, 'STARTTLS takes no arguments');
  if (s.tls) return s.bad(c, 'TLS is active already');
  if (!s.config.tlsAvailable) return s.no(c, 'TLS is not available');
  s.ok(c, 'Begin TLS negotiation now');
  s.startTls();
}

export function login(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const user = a.astring();
  const password = a.sp() ? a.astring() : null;
  if (user === null || password === null || !a.atEnd()) return s.bad(c, 'Syntax: LOGIN user password');
  return finishLogin(s, c, user, checkPassword(s.config.credentials, user, password));
}

/** The client's side of an AUTHENTICATE exchange, one base64 line at a time. */
class Exchange implements LineMode {
  constructor(
    private readonly c: Command,
    private readonly sasl: SaslServer,
  ) {}

  onLine(s: ImapServer, line: string): void {
    this.apply(s, this.sasl.respond(line));
  }

  apply(s: ImapServer, r: SaslResult): void {
    if (r.type === 'challenge') {
      s.send(`+ ${r.challenge}`);
      s.enterLineMode(this);
      return;
    }
    s.enterLineMode(null);
    if (r.type === 'done') return s.run(this.c, finishLogin(s, this.c, r.user, r.ok));
    switch (r.reason) {
      case 'cancelled':
        return s.bad(this.c, 'Authentication cancelled'); // RFC 3501 §6.2.2: "*" cancels, the server answers BAD
      case 'bad-base64':
        return s.bad(this.c, 'Invalid base64 in the AUTHENTICATE response');
      case 'malformed':
        return s.bad(this.c, `Malformed ${this.sasl.mechanism} response`);
      case 'no-initial-response':
        return s.bad(this.c, `${this.sasl.mechanism} takes no initial response`);
      case 'unsupported':
        return s.no(this.c, `Unsupported mechanism ${this.sasl.mechanism}`, 'CANNOT');
    }
  }
}

export function authenticate(s: ImapServer, c: Command): void {
  const a = c.args;
  const mechanism = (a.atom() ?? '').toUpperCase();
  const initial = a.sp() ? a.atom() ?? (a.take('=') ? '=' : null) : undefined;
  if (!mechanism || initial === null || !a.atEnd()) return s.bad(c, 'Syntax: AUTHENTICATE mechanism [initial-response]');
  if (!SaslServer.supports(mechanism, IMAP_SASL_MECHANISMS)) return s.no(c, `Unsupported mechanism ${mechanism}`, 'CANNOT');
  // CRAM-MD5 is not offered here, so the challenge maker is never called.
  const sasl = new SaslServer(mechanism, s.config.credentials, () => '');
  new Exchange(c, sasl).apply(s, sasl.begin(initial ?? null));
}
