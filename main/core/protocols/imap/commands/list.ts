// LIST and LSUB (RFC 3501 §6.3.8-§6.3.9): names matched against reference + pattern, "*"
// matching anything and "%" anything but the delimiter. Attributes: \HasChildren or
// \HasNoChildren (RFC 3348), and the special-use ones (RFC 6154). The selection and return
// options of LIST-EXTENDED (RFC 5258) that clients send anyway (SPECIAL-USE, SUBSCRIBED) are
// understood.
import type { FolderListing } from '../requests.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';
import { mailboxOut } from './mailbox-name.js';
import { decodeMailboxName } from '../mutf7.js';

const DELIM = '/';

export function patternRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'su');
}

interface Listing {
  subscribedOnly: boolean;
  specialOnly: boolean;
  returnSubscribed: boolean;
  lsub: boolean;
}

function* listing(s: ImapServer, c: Command, ref: string, patterns: string[], o: Listing): Step {
  const folders = yield* ask<FolderListing[]>({ op: 'folders' });
  const names = new Set(folders.map((f) => f.name));
  // Parents that do not exist but have children are listed as \NonExistent (RFC 5258 §3).
  for (const f of folders) {
    const parts = f.name.split(DELIM);
    for (let i = 1; i < parts.length; i++) names.add(parts.slice(0, i).join(DELIM));
  }
  const byName = new Map(folders.map((f) => [f.name, f]));
  const lines: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '' && !o.lsub) {
      // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root.
      lines.push(`* LIST (\\Noselect) "${DELIM}" ""`);
      continue;
    }
    const re = patternRegex(ref + pattern);
    // INBOX is case-insensitive (RFC 3501 §5.1), in patterns too.
    const inbox = new RegExp(re.source, 'isu');
    for (const name of [...names].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : 1))) {
      const f = byName.get(name);
      if (!(name === 'INBOX' ? inbox : re).test(name)) continue;
      if ((o.lsub || o.subscribedOnly) && !f?.subscribed) continue;
      if (o.specialOnly && !f?.specialUse) continue;
      const attrs: string[] = [];
      if (!f) attrs.push(o.lsub ? '\\Noselect' : '\\NonExistent');
      const children = [...names].some((n) => n.startsWith(name + DELIM));
      attrs.push(children ? '\\HasChildren' : '\\HasNoChildren');
      if (f?.specialUse) attrs.push(f.specialUse);
      if ((o.returnSubscribed || o.subscribedOnly) && f?.subscribed) attrs.push('\\Subscribed');
      lines.push(`* ${o.lsub ? 'LSUB' : 'LIST'} (${attrs.join(' ')}) "${DELIM}" ${mailboxOut(name)}`);
    }
  }
  for (const l of lines) s.send(l);
  s.ok(c, `${o.lsub ? 'LSUB' : 'LIST'} completed`);
}

export function list(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const o: Listing = { subscribedOnly: false, specialOnly: false, returnSubscribed: false, lsub: false };
  if (a.peek() === '(') {
    const sel = a.list(() => a.atom()?.toUpperCase() ?? null);
    if (!sel || !a.sp()) return s.bad(c, 'Syntax: LIST [(options)] reference pattern');
    o.subscribedOnly = sel.includes('SUBSCRIBED');
    o.specialOnly = sel.includes('SPECIAL-USE');
  }
  const ref = a.astring() ?? (a.take('"') && a.take('"') ? '' : null);
  if (ref === null || !a.sp()) return s.bad(c, 'Syntax: LIST reference pattern');
  const patterns = a.peek() === '(' ? a.list(() => a.listPattern()) : [a.listPattern() ?? ''];
  if (patterns === null) return s.bad(c, 'Syntax: LIST reference pattern');
  if (a.sp()) {
    const kw = a.atom()?.toUpperCase();
    const ret = kw === 'RETURN' && a.sp() ? a.list(() => a.word()?.toUpperCase() ?? null) : null;
    if (!ret) return s.bad(c, 'Syntax: LIST reference pattern [RETURN (options)]');
    o.returnSubscribed = ret.includes('SUBSCRIBED');
  }
  if (!a.atEnd()) return s.bad(c, 'Syntax: LIST reference pattern');
  const decoded = [decodeMailboxName(ref), ...patterns.map(decodeMailboxName)];
  if (decoded.some((d) => d === null)) return s.bad(c, 'Invalid modified UTF-7 in LIST');
  return listing(s, c, decoded[0]!, decoded.slice(1) as string[], o);
}

export function lsub(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const ref = a.astring();
  const pattern = a.sp() ? a.listPattern() : null;
  if (ref === null || pattern === null || !a.atEnd()) return s.bad(c, 'Syntax: LSUB reference pattern');
  const r = decodeMailboxName(ref);
  const p = decodeMailboxName(pattern);
  if (r === null || p === null) return s.bad(c, 'Invalid modified UTF-7 in LSUB');
  return listing(s, c, r, [p], { subscribedOnly: true, specialOnly: false, returnSubscribed: false, lsub: true });
}
