// Session-wide commands of an authenticated client: ENABLE (RFC 5161), NAMESPACE (RFC 2342)
// and IDLE (RFC 2177).
import type { ImapServer, LineMode } from '../server.js';
import type { Command } from './index.js';

/** Nothing mailtap offers needs enabling, so ENABLE enables nothing and says so. */
export function enable(s: ImapServer, c: Command): void {
  const a = c.args;
  let n = 0;
  for (; a.sp() || n === 0; n++) if (!a.atom()) return s.bad(c, 'Syntax: ENABLE capability …');
  if (!a.atEnd()) return s.bad(c, 'Syntax: ENABLE capability …');
  s.send('* ENABLED');
  s.ok(c, 'ENABLE completed');
}

/** One personal namespace, no prefix, "/" between levels. */
export function namespace(s: ImapServer, c: Command): void {
  if (!c.args.atEnd()) return s.bad(c, 'NAMESPACE takes no arguments');
  s.send('* NAMESPACE (("" "/")) NIL NIL');
  s.ok(c, 'NAMESPACE completed');
}

class Idling implements LineMode {
  constructor(private readonly c: Command) {}

  onLine(s: ImapServer, line: string): void {
    s.enterLineMode(null);
    if (line.toUpperCase() !== 'DONE') return s.bad(this.c, 'Expected DONE to end IDLE');
    s.ok(this.c, 'IDLE terminated');
  }
}

/** IDLE: updates are told as they happen until the client sends DONE (RFC 2177 §3). */
export function idle(s: ImapServer, c: Command): void {
  if (!c.args.atEnd()) return s.bad(c, 'IDLE takes no arguments');
  s.send('+ idling');
  s.tellUpdates(true);
  s.enterLineMode(new Idling(c), 'idle');
}
