// Commands valid in any state (RFC 3501 §6.1) and ID (RFC 2971).
import type { ImapServer } from '../server.js';
import { str } from '../encode.js';
import type { Command } from './index.js';

export function capability(s: ImapServer, c: Command): void {
  if (!c.args.atEnd()) return s.bad(c, 'CAPABILITY takes no arguments');
  s.send(`* CAPABILITY ${s.capabilities().join(' ')}`);
  s.ok(c, 'CAPABILITY completed');
}

/** NOOP: the way to poll for updates (RFC 3501 §6.1.2). */
export function noop(s: ImapServer, c: Command): void {
  s.ok(c, 'NOOP completed');
}

export function logout(s: ImapServer, c: Command): void {
  if (!c.args.atEnd()) return s.bad(c, 'LOGOUT takes no arguments');
  s.send('* BYE mailtap logging out');
  s.send(`${c.tag} OK LOGOUT completed`);
  s.close();
}

/** ID (RFC 2971 §3.1): the client's fields are recorded on the wire; ours are name and version. */
export function id(s: ImapServer, c: Command): void {
  const a = c.args;
  const fields = a.take('(') ? readPairs(a) : a.nstring() === null ? [] : null;
  if (fields === null || !a.atEnd()) return s.bad(c, 'Syntax: ID (field value …) or ID NIL');
  s.send(`* ID (${str('name')} ${str('mailtap')} ${str('version')} ${str(s.config.version)})`);
  s.ok(c, 'ID completed');
}

function readPairs(a: Command['args']): string[] | null {
  const out: string[] = [];
  if (a.take(')')) return out;
  for (;;) {
    const k = a.string();
    if (k === null || !a.sp()) return null;
    const v = a.nstring();
    if (v === undefined) return null;
    out.push(k);
    if (a.take(')')) return out;
    if (!a.sp()) return null;
  }
}
