// Looking at the maildrop and marking messages (RFC 1939 §5). Numbers always refer to the
// snapshot taken at login; a message marked deleted cannot be named again until RSET.
import type { Pop3Server } from '../server.js';
import type { MaildropEntry } from '../maildrop.js';
import { parseMessageNumber } from '../maildrop.js';
import { listing } from '../reply.js';

/** The message an argument names, or -ERR (already answered) and null. */
export function messageArg(s: Pop3Server, arg: string, verb: string): [number, MaildropEntry] | null {
  const n = parseMessageNumber(arg);
  if (n === null) {
    s.fail(`Syntax: ${verb} message-number`);
    return null;
  }
  const e = s.maildrop!.get(n);
  if (!e) {
    s.fail(s.maildrop!.isDeleted(n) ? `message ${n} already deleted` : `no such message, only ${s.maildrop!.entries.length} in maildrop`);
    return null;
  }
  return [n, e];
}

/** STAT (RFC 1939 §5): "+OK count octets", deleted messages left out. */
export function stat(s: Pop3Server, args: string): void {
  if (args) return s.fail('Syntax: STAT');
  const { count, size } = s.maildrop!.stat();
  s.ok(`${count} ${size}`);
}

/** One line per message ("n size" or "n uid"), or just the one named (RFC 1939 §5, §7). */
function scanListing(s: Pop3Server, args: string, verb: string, field: (e: MaildropEntry) => string): void {
  if (args) {
    const m = messageArg(s, args, verb);
    if (m) s.ok(`${m[0]} ${field(m[1])}`);
    return;
  }
  const live = s.maildrop!.live();
  const { size } = s.maildrop!.stat();
  const first = verb === 'LIST' ? `${live.length} messages (${size} octets)` : 'unique-id listing follows';
  s.send(listing(first, live.map(([n, e]) => `${n} ${field(e)}`)));
}

export const list = (s: Pop3Server, args: string): void => scanListing(s, args, 'LIST', (e) => String(e.size));

/** UIDL (RFC 1939 §7): the store's message id, which never changes, even across restarts. */
export const uidl = (s: Pop3Server, args: string): void => scanListing(s, args, 'UIDL', (e) => e.id);

/** DELE n (RFC 1939 §5): marked now, removed only in UPDATE. */
export function dele(s: Pop3Server, args: string): void {
  const m = messageArg(s, args, 'DELE');
  if (!m) return;
  s.maildrop!.mark(m[0]);
  s.ok(`message ${m[0]} deleted`);
}

/** RSET (RFC 1939 §5): unmark every message. */
export function rset(s: Pop3Server, args: string): void {
  if (args) return s.fail('Syntax: RSET');
  s.maildrop!.reset();
  const { count, size } = s.maildrop!.stat();
  s.ok(`maildrop has ${count} message${count === 1 ? '' : 's'} (${size} octets)`);
}
