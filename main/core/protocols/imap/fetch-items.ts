// FETCH data items (RFC 3501 §6.4.5, RFC 9051 §6.4.5): parsed from the command into a list,
// with what the host must supply for them.
import type { Args } from './args.js';
import type { FetchWants } from './requests.js';

export interface Section {
  /** Part numbers, e.g. [1, 2] for "1.2"; empty for the whole message. */
  part: number[];
  spec: '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Field names, upper-cased, for HEADER.FIELDS (.NOT). */
  fields: string[];
}

export type FetchItem =
  | { kind: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; section: Section; partial: { start: number; length: number } | null };

const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);
const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

/** "1.2.HEADER.FIELDS (FROM TO)" → Section; null when malformed. */
function readSection(a: Args): Section | null {
  const spec = a.read(/[A-Za-z0-9.]/);
  const m = /^((?:[1-9]\d{0,8})(?:\.[1-9]\d{0,8})*)?(?:\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?$/i.exec(spec);
  if (!m || (m[1] && spec.length > m[1].length && spec[m[1].length] !== '.')) return null;
  const part = m[1] ? m[1].split('.').map(Number) : [];
  const kind = (m[2]?.toUpperCase() ?? '') as Section['spec'];
  if (kind === 'MIME' && part.length === 0) return null; // MIME needs a part (RFC 3501 §6.4.5)
  let fields: string[] = [];
  if (kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT') {
    const list = a.sp() ? a.list(() => a.astring()) : null;
    if (!list?.length) return null;
    fields = list.map((f) => f.toUpperCase());
  }
  return { part, spec: kind, fields };
}

function readItem(a: Args): FetchItem | null {
  const name = a.read(/[A-Za-z0-9.]/).toUpperCase();
  if ((name === 'BODY' || name === 'BODY.PEEK') && a.take('[')) {
    let section: Section | null = { part: [], spec: '', fields: [] };
    if (!a.take(']')) {
      section = readSection(a);
      if (!section || !a.take(']')) return null;
    }
    let partial: { start: number; length: number } | null = null;
    if (a.take('<')) {
      const start = a.number();
      const length = a.take('.') ? a.number() : null;
      if (start === null || length === null || length === 0 || !a.take('>')) return null;
      partial = { start, length };
    }
    return { kind: 'section', peek: name === 'BODY.PEEK', section, partial };
  }
  if (SIMPLE.has(name)) return { kind: name } as FetchItem;
  return null;
}

/** The item list of a FETCH: a macro, one item, or a parenthesised list. */
export function readFetchItems(a: Args): FetchItem[] | null {
  if (a.peek() === '(') return a.list(() => readItem(a));
  const macro = MACROS[a.peekWord().toUpperCase()];
  if (macro) {
    a.read(/[A-Za-z]/);
    return macro.map((k) => ({ kind: k }) as FetchItem);
  }
  const item = readItem(a);
  return item ? [item] : null;
}

/** Reading a message's bytes other than with PEEK sets \Seen (RFC 3501 §6.4.5). */
export const setsSeen = (items: FetchItem[]): boolean =>
  items.some((i) => (i.kind === 'section' && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT');

export function wantsOf(items: FetchItem[]): FetchWants {
  const w: FetchWants = {};
  for (const i of items) {
    if (i.kind === 'ENVELOPE') w.envelope = true;
    else if (i.kind === 'BODYSTRUCTURE') w.bodystructure = true;
    else if (i.kind === 'BODY') w.body = true;
    else if (i.kind === 'section' || i.kind.startsWith('RFC822') && i.kind !== 'RFC822.SIZE') w.content = true;
  }
  return w;
}
