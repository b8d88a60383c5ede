// Mailbox name arguments (RFC 3501 §5.1): modified UTF-7 on the wire, Unicode inside; "INBOX"
// in any case is INBOX.
import type { Args } from '../args.js';
import { decodeMailboxName, encodeMailboxName } from '../mutf7.js';
import { astr } from '../encode.js';

export function readMailbox(args: Args): string | null {
  const wire = args.astring();
  if (wire === null) return null;
  const name = decodeMailboxName(wire);
  if (name === null) return null;
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** A mailbox name for a response. */
export const mailboxOut = (name: string): string => astr(encodeMailboxName(name));
