// Logging in (RFC 1939 §7, RFC 5034). A login that succeeds takes the maildrop snapshot.
import type { Pop3Server } from '../server.js';
import { utf8FromLatin1 } from '../../text.js';
import { SASL_MECHANISMS, checkApop, checkPassword, refuse, startSasl } from '../sasl.js';
import { listing } from '../reply.js';

/** USER name (RFC 1939 §7). */
export function user(s: Pop3Server, args: string): void {
  const name = utf8FromLatin1(args.trim());
  if (!name) return s.fail('Syntax: USER name');
  s.pendingUser = name;
  s.ok(`send PASS for ${name}`);
}

/** PASS string (RFC 1939 §7). The whole rest of the line is the password, spaces included. */
export function pass(s: Pop3Server, args: string): void {
  const name = s.pendingUser;
  if (name === null) return s.fail('send USER first');
  if (!args) return s.fail('Syntax: PASS string');
  if (!checkPassword(s, name, utf8FromLatin1(args))) return refuse(s, 'invalid user name or password');
  s.login(name);
}

/** APOP name digest (RFC 1939 §7). */
export function apop(s: Pop3Server, args: string): void {
  const m = /^(.+) (\S+)$/s.exec(args);
  if (!m) return s.fail('Syntax: APOP name digest');
  const name = utf8FromLatin1(m[1]!);
  if (!/^[0-9a-f]{32}$/i.test(m[2]!)) return s.fail('Syntax: the APOP digest is 32 hex digits');
  if (!checkApop(s, name, m[2]!)) return refuse(s, 'invalid user name or digest');
  s.login(name);
}

/** AUTH mechanism [initial-response] (RFC 5034 §4); bare AUTH lists the mechanisms (RFC 1734 clients). */
export function auth(s: Pop3Server, args: string): void {
  if (args.trim() === '') return void s.send(listing('SASL mechanisms follow', [...SASL_MECHANISMS]));
  const m = /^(\S+)(?: (\S+))?$/.exec(args);
  if (!m) return s.fail('Syntax: AUTH mechanism [initial-response]');
  startSasl(s, m[1]!.toUpperCase(), m[2] ?? null);
}
