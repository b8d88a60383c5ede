// ENVELOPE (RFC 3501 §7.4.2, RFC 9051 §7.5.2): date, subject, from, sender, reply-to, to, cc,
// bcc, in-reply-to and message-id, from the raw header. Values are sent as written, encoded
// words included; the client decodes them. Where the RFC leaves room, mailtap answers as
// Dovecot does: a field given twice uses its last value (address fields join all theirs), and
// the subject and display names have whitespace runs folded to one space ("for humans").
import { type EnvelopeAddress, parseAddressList } from './address.js';
import { nstr, str } from './encode.js';
import { type RawField, lastField } from './header-fields.js';

/** Collapse whitespace runs, drop CR/LF and the ends' whitespace; NUL becomes 0x80. */
export function forHumans(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\r\n]/g, '').replace(/\x00/g, '\x80').replace(/[ \t]+/g, ' ').trim();
}

function addresses(fields: readonly RawField[], key: string): EnvelopeAddress[] | null {
  let all: EnvelopeAddress[] | null = null;
  for (const f of fields) {
    if (f.key !== key) continue;
    const list = parseAddressList(f.value);
    if (list) all = [...(all ?? []), ...list];
  }
  return all;
}

function writeAddresses(list: EnvelopeAddress[] | null): string {
  if (!list || list.length === 0) return 'NIL';
  return `(${list.map((a) => `(${a.name === null ? 'NIL' : str(forHumans(a.name))} ${nstr(a.route)} ${nstr(a.mailbox)} ${nstr(a.domain)})`).join('')})`;
}

/** The ENVELOPE of a message or of an encapsulated one, from its header fields. */
export function encodeEnvelope(fields: readonly RawField[]): string {
  const subject = lastField(fields, 'subject');
  const from = addresses(fields, 'from');
  const sender = addresses(fields, 'sender') ?? from;
  const replyTo = addresses(fields, 'reply-to') ?? from;
  return `(${[
    nstr(lastField(fields, 'date')),
    subject === null ? 'NIL' : str(forHumans(subject)),
    writeAddresses(from),
    writeAddresses(sender),
    writeAddresses(replyTo),
    writeAddresses(addresses(fields, 'to')),
    writeAddresses(addresses(fields, 'cc')),
    writeAddresses(addresses(fields, 'bcc')),
    nstr(lastField(fields, 'in-reply-to')),
    nstr(lastField(fields, 'message-id')),
  ].join(' ')})`;
}

export const EMPTY_ENVELOPE = '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)';
