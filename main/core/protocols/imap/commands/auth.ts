// Logging in: STARTTLS (RFC 3501 §6.2.1), LOGIN (§6.2.3) and AUTHENTICATE (§6.2.2) with PLAIN
// (RFC 4616) and LOGIN, initial responses allowed (SASL-IR, RFC 4959). Any credentials log in
// unless some are configured; then only those do.
import { timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../../../../../shared/types.js';
import { decodeBase64Text, decodePlain } from '../../sasl-decode.js';
import type { ImapServer, LineMode } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';

function passwordOk(creds: readonly Credentials[], user: string, password: string): boolean {
  if (creds.length === 0) return true;
  const p = Buffer.from(password);
  return creds.some((c) => {
    const want = Buffer.from(c.password);
    return c.user === user && want.length === p.length && timingSafeEqual(want, p);
  });
}

function* finishLogin(s: ImapServer, c: Command, user: string, password: string): Step {
  if (!passwordOk(s.config.credentials, user, password)) {
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
  return finishLogin(s, c, user, password);
}

/** The client's side of an AUTHENTICATE exchange, one base64 line at a time. */
class Exchange implements LineMode {
  private user: string | null = null;

  constructor(
    private readonly c: Command,
    private readonly mechanism: 'PLAIN' | 'LOGIN',
  ) {}

  onLine(s: ImapServer, line: string): void {
    // RFC 3501 §6.2.2: "*" cancels, and the server answers BAD.
    if (line === '*') return this.end(s, 'Authentication cancelled');
    const text = decodeBase64Text(line === '=' ? '' : line);
    if (text === null) return this.end(s, 'Invalid base64 in the AUTHENTICATE response');
    if (this.mechanism === 'PLAIN') {
      const p = decodePlain(text);
      if (!p) return this.end(s, 'Malformed PLAIN response');
      return this.login(s, p.user, p.password);
    }
    if (this.user === null) {
      this.user = text;
      s.send(`+ ${Buffer.from('Password:').toString('base64')}`);
      s.enterLineMode(this);
      return;
    }
    this.login(s, this.user, text);
  }

  private end(s: ImapServer, text: string): void {
    s.enterLineMode(null);
    s.bad(this.c, text);
  }

  private login(s: ImapServer, user: string, password: string): void {
    s.enterLineMode(null);
    s.run(this.c, finishLogin(s, this.c, user, password));
  }
}

export function authenticate(s: ImapServer, c: Command): void {
  const a = c.args;
  const mechanism = (a.atom() ?? '').toUpperCase();
  const initial = a.sp() ? a.atom() ?? (a.take('=') ? '=' : null) : undefined;
  if (!mechanism || initial === null || !a.atEnd()) return s.bad(c, 'Syntax: AUTHENTICATE mechanism [initial-response]');
  if (mechanism !== 'PLAIN' && mechanism !== 'LOGIN') return s.no(c, `Unsupported mechanism ${mechanism}`, 'CANNOT');
  const ex = new Exchange(c, mechanism);
  if (initial !== undefined) return ex.onLine(s, initial);
  s.send(mechanism === 'PLAIN' ? '+ ' : `+ ${Buffer.from('Username:').toString('base64')}`);
  s.enterLineMode(ex);
}
