// SEARCH (RFC 3501 §6.4.4) over the messages of a session's view. Keys the index can answer
// (flags, dates, sizes, the summary's subject and addresses) cost no I/O; HEADER and BCC read
// the header, BODY and TEXT the whole message, decoded. Matching is case-insensitive substring,
// on decoded text (RFC 2047 words, transfer encodings and charsets undone), as clients expect.
import type { MessageSummary } from '../../../shared/types.js';
import { parseMessage } from '../mime/index.js';
import { decodeWords } from '../mime/header-block.js';
import type { RawField } from '../protocols/imap/header-fields.js';
import type { SearchKey } from '../protocols/imap/requests.js';
import type { MessageStore } from '../store/message-store.js';
import { type MessageFacts, flagsOf } from './message-facts.js';

interface Context {
  m: MessageSummary;
  size: number;
  fields: RawField[] | null;
  text: string | null;
}

type Need = 0 | 1 | 2; // 0: the index, 1: the header, 2: the whole message

/** Header fields the summary holds decoded, so searching them needs no file. */
const SUMMARY_FIELDS = new Set(['subject', 'from', 'to', 'cc']);

function need(k: SearchKey): Need {
  switch (k.type) {
    case 'header':
      return SUMMARY_FIELDS.has(k.field) ? 0 : 1;
    case 'body':
    case 'text':
      return 2;
    case 'not':
      return need(k.key);
    case 'or':
      return Math.max(need(k.a), need(k.b)) as Need;
    case 'and':
      return k.keys.reduce<Need>((n, x) => Math.max(n, need(x)) as Need, 0);
    default:
      return 0;
  }
}

const has = (hay: string, needle: string): boolean => hay.toLowerCase().includes(needle.toLowerCase());
const addr = (a: { name: string; address: string }): string => (a.name ? `${a.name} <${a.address}>` : a.address);
const day = (iso: string): string => iso.slice(0, 10);

function summaryField(m: MessageSummary, field: string): string {
  switch (field) {
    case 'subject':
      return m.subject;
    case 'from':
      return m.from ? addr(m.from) : '';
    case 'to':
      return m.to.map(addr).join(', ');
    default:
      return m.cc.map(addr).join(', ');
  }
}

function headerValue(ctx: Context, field: string): string | null {
  if (SUMMARY_FIELDS.has(field)) return summaryField(ctx.m, field);
  const values = (ctx.fields ?? []).filter((f) => f.key === field).map((f) => decodeWords(Buffer.from(f.value, 'latin1').toString('utf8')));
  return values.length ? values.join('\n') : null;
}

function match(k: SearchKey, ctx: Context): boolean {
  const { m } = ctx;
  switch (k.type) {
    case 'all':
      return true;
    case 'ids':
      return k.ids.has(m.id);
    case 'flag':
      return flagsOf(m).some((f) => f.toLowerCase() === k.flag.toLowerCase()) === k.set;
    case 'recent':
      return !k.set;
    case 'header': {
      const v = headerValue(ctx, k.field);
      // RFC 3501: HEADER with an empty string matches every message that has the field.
      return v !== null && (k.value === '' || has(v, k.value));
    }
    case 'body':
      return has(ctx.text ?? '', k.value);
    case 'text':
      return has(ctx.text ?? '', k.value) || (ctx.fields ?? []).some((f) => has(decodeWords(f.value), k.value));
    case 'date': {
      const d = k.which === 'internal' ? day(m.receivedAt) : m.date ? day(m.date) : null;
      if (d === null) return false;
      return k.op === 'on' ? d === k.date : k.op === 'since' ? d >= k.date : d < k.date;
    }
    case 'size':
      return k.op === 'larger' ? ctx.size > k.n : ctx.size < k.n;
    case 'not':
      return !match(k.key, ctx);
    case 'or':
      return match(k.a, ctx) || match(k.b, ctx);
    case 'and':
      return k.keys.every((x) => match(x, ctx));
  }
}

/** The positions in `ids` whose messages match. Messages gone from the store never match. */
export async function searchMessages(store: MessageStore, facts: MessageFacts, ids: readonly string[], key: SearchKey): Promise<number[]> {
  const level = need(key);
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const m = store.get(ids[i]!);
    if (!m) continue;
    const ctx: Context = { m, size: facts.knownSize(m) ?? (await facts.size(m)), fields: null, text: null };
    try {
      if (level === 2) {
        const { raw } = await facts.content(m.id);
        const parsed = await parseMessage(raw);
        ctx.fields = await facts.headerFields(m.id);
        ctx.text = [parsed.text ?? '', parsed.html ?? ''].join('\n');
      } else if (level === 1) ctx.fields = await facts.headerFields(m.id);
    } catch {
      continue; // the file went away while we searched
    }
    if (match(key, ctx)) out.push(i);
  }
  return out;
}
