// SEARCH criteria (RFC 3501 §6.4.4) into a SearchKey tree. Message sets are resolved here, by
// the codec, which knows the client's sequence numbers; the host sees only ids.
import type { Args } from './args.js';
import { parseImapDate } from './encode.js';
import type { SearchKey } from './requests.js';
import { type SequenceSet, parseSequenceSet } from './sequence.js';

export type SetResolver = (set: SequenceSet, uid: boolean) => ReadonlySet<string> | null;

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const HEADER_KEYS = new Set(['BCC', 'CC', 'FROM', 'SUBJECT', 'TO']);
const DATE_KEYS: Record<string, [ 'internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

/** Search strings are UTF-8 (or US-ASCII) text. */
const text = (s: string | null): string | null => (s === null ? null : Buffer.from(s, 'latin1').toString('utf8'));

class SearchParser {
  constructor(
    private readonly a: Args,
    private readonly resolve: SetResolver,
    private depth = 0,
  ) {}

  keys(close: boolean): SearchKey | null {
    const keys: SearchKey[] = [];
    for (;;) {
      const k = this.key();
      if (!k) return null;
      keys.push(k);
      if (close && this.a.take(')')) break;
      if (!close && this.a.atEnd()) break;
      if (!this.a.sp()) return null;
    }
    return keys.length === 1 ? keys[0]! : { type: 'and', keys };
  }

  key(): SearchKey | null {
    const a = this.a;
    if (a.take('(')) {
      if (++this.depth > 50) return null;
      const k = this.keys(true);
      this.depth--;
      return k;
    }
    if (/^[0-9*]/.test(a.peek())) {
      const set = parseSequenceSet(a.word() ?? '');
      const ids = set && this.resolve(set, false);
      return ids ? { type: 'ids', ids } : null;
    }
    const name = (a.atom() ?? '').toUpperCase();
    const arg = (): boolean => a.sp();
    if (name === 'ALL') return { type: 'all' };
    if (FLAG_KEYS[name]) return { type: 'flag', flag: FLAG_KEYS[name]![0], set: FLAG_KEYS[name]![1] };
    if (name === 'NEW' || name === 'RECENT') return { type: 'recent', set: true };
    if (name === 'OLD') return { type: 'recent', set: false };
    if (name === 'KEYWORD' || name === 'UNKEYWORD') {
      const flag = arg() ? a.atom() : null;
      return flag ? { type: 'flag', flag, set: name === 'KEYWORD' } : null;
    }
    if (HEADER_KEYS.has(name)) {
      const value = arg() ? text(a.astring()) : null;
      return value === null ? null : { type: 'header', field: name.toLowerCase(), value };
    }
    if (name === 'HEADER') {
      const field = arg() ? a.astring() : null;
      const value = field !== null && arg() ? text(a.astring()) : null;
      return field === null || value === null ? null : { type: 'header', field: field.toLowerCase(), value };
    }
    if (name === 'BODY' || name === 'TEXT') {
      const value = arg() ? text(a.astring()) : null;
      return value === null ? null : { type: name === 'BODY' ? 'body' : 'text', value };
    }
    if (DATE_KEYS[name]) {
      const raw = arg() ? (a.peek() === '"' ? a.string() : a.word()) : null;
      const d = raw === null ? null : parseImapDate(raw, false);
      if (!d) return null;
      const [which, op] = DATE_KEYS[name]!;
      return { type: 'date', which, op, date: d.toISOString().slice(0, 10) };
    }
    if (name === 'LARGER' || name === 'SMALLER') {
      const n = arg() ? a.number() : null;
      return n === null ? null : { type: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', n };
    }
    if (name === 'NOT') {
      const k = arg() ? this.key() : null;
      return k ? { type: 'not', key: k } : null;
    }
    if (name === 'OR') {
      const x = arg() ? this.key() : null;
      const y = x && arg() ? this.key() : null;
      return x && y ? { type: 'or', a: x, b: y } : null;
    }
    if (name === 'UID') {
      const set = arg() ? parseSequenceSet(a.word() ?? '') : null;
      const ids = set && this.resolve(set, true);
      return ids ? { type: 'ids', ids } : null;
    }
    return null;
  }
}

/**
 * "[CHARSET name] key…". Returns the key, 'badcharset' for a charset other than UTF-8 and
 * US-ASCII (RFC 3501: NO [BADCHARSET]), or null for bad syntax.
 */
export function readSearch(a: Args, resolve: SetResolver): SearchKey | 'badcharset' | null {
  if (/^CHARSET$/i.test(a.peekWord())) {
    a.atom();
    const cs = a.sp() ? a.astring() : null;
    if (cs === null || !a.sp()) return null;
    if (!/^(utf-8|us-ascii)$/i.test(cs)) return 'badcharset';
  }
  if (a.atEnd()) return null;
  return new SearchParser(a, resolve).keys(false);
}
