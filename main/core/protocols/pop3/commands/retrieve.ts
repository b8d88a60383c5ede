// RETR and TOP (RFC 1939 §5, §7): the message comes from the store through a request, and goes
// out byte-stuffed exactly as stored.
import type { Pop3Server } from '../server.js';
import { messageArg } from './maildrop.js';
import { multiline, topOf } from '../reply.js';

function read(s: Pop3Server, n: number, id: string, seen: boolean, then: (raw: Uint8Array) => void): void {
  s.ask(
    { op: 'read', id, seen },
    (value) => {
      if (!(value instanceof Uint8Array)) return s.err(`message ${n} could not be read`, 'SYS/TEMP');
      then(value);
    },
    // Deleted through the API or the GUI since the snapshot: the number stays, the bytes are gone.
    () => s.err(`message ${n} is no longer available`),
  );
}

/** RETR n. */
export function retr(s: Pop3Server, args: string): void {
  const m = messageArg(s, args, 'RETR');
  if (!m) return;
  const [n, e] = m;
  read(s, n, e.id, true, (raw) => s.send(multiline(`${raw.length} octets`, raw)));
}

/** TOP n lines: the header, the blank line and the first lines of the body. */
export function top(s: Pop3Server, args: string): void {
  const a = /^(\S+) (\d{1,20})$/.exec(args); // fetchmail asks for "TOP n 99999999"
  if (!a) return s.fail('Syntax: TOP message-number lines');
  const m = messageArg(s, a[1]!, 'TOP');
  if (!m) return;
  const [n, e] = m;
  const lines = Number(a[2]);
  read(s, n, e.id, false, (raw) => s.send(multiline('top of message follows', topOf(raw, lines))));
}
