// Listing and searching the in-memory indexes, newest first.
import type { MessageQuery, SessionQuery } from '../../../shared/api.js';
import type { Address, MessageSummary, Page, SessionSummary } from '../../../shared/types.js';

/** `raw`, on an addition, is the message's bytes when they are at hand (so a listener need not read the file). */
export type IndexChange<T> = { type: 'added'; item: T; raw?: Buffer } | { type: 'updated'; item: T } | { type: 'deleted'; ids: string[] };

export const MAX_PAGE = 500;

/** Walk `order` from the newest end, keep matches, return one page and the total. */
export function paginate<T>(order: string[], byId: Map<string, T>, offset = 0, limit = 50, match?: (x: T) => boolean): Page<T> {
  const off = Math.max(0, Math.floor(Number(offset) || 0));
  const lim = Math.min(MAX_PAGE, Math.max(1, Math.floor(Number(limit) || 50)));
  const items: T[] = [];
  if (!match) {
    for (let i = order.length - 1 - off; i >= 0 && items.length < lim; i--) items.push(byId.get(order[i]!)!);
    return { total: order.length, offset: off, items };
  }
  let total = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const x = byId.get(order[i]!)!;
    if (!match(x)) continue;
    if (total >= off && items.length < lim) items.push(x);
    total++;
  }
  return { total, offset: off, items };
}

const addr = (a: Address | null): string => (a ? `${a.name} ${a.address}` : '');
const has = (hay: string, needle: string | undefined): boolean => !needle || hay.toLowerCase().includes(needle.toLowerCase());

export function matchesMessage(m: MessageSummary, q: MessageQuery): boolean {
  const from = `${addr(m.from)} ${m.envelope.mailFrom}`;
  const to = `${[...m.to, ...m.cc].map(addr).join(' ')} ${m.envelope.rcptTo.join(' ')}`;
  if (!has(from, q.from) || !has(to, q.to) || !has(m.subject, q.subject)) return false;
  if (q.sessionId && m.sessionId !== q.sessionId) return false;
  if (q.q) {
    const words = q.q.toLowerCase().split(/\s+/).filter(Boolean);
    const hay = `${from} ${to} ${m.subject} ${m.snippet} ${m.messageId ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  }
  return true;
}

export const hasMessageFilter = (q: MessageQuery): boolean => !!(q.q || q.from || q.to || q.subject || q.sessionId);

export function matchesSession(s: SessionSummary, q: SessionQuery): boolean {
  if (q.protocol && s.protocol !== q.protocol) return false;
  if (q.role && s.role !== q.role) return false;
  if (q.q) {
    const hay = `${s.id} ${s.client.address}:${s.client.port} ${s.user ?? ''} ${s.upstream ? `${s.upstream.address}:${s.upstream.port}` : ''}`.toLowerCase();
    return hay.includes(q.q.toLowerCase());
  }
  return true;
}

export const hasSessionFilter = (q: SessionQuery): boolean => !!(q.q || q.protocol || q.role);
