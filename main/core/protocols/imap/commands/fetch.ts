// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8). The host is asked in batches, so a FETCH 1:*
// over ten thousand messages streams out instead of being built whole; a batch that carries
// message bytes is small, one that carries only index data is large.
import { type FetchItem, readFetchItems, setsSeen, wantsOf } from '../fetch-items.js';
import { fetchResponse } from '../fetch-response.js';
import type { FetchData } from '../requests.js';
import { parseSequenceSet } from '../sequence.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';

export function fetchCmd(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const set = parseSequenceSet(a.word() ?? '');
  const items = set && a.sp() ? readFetchItems(a) : null;
  if (!set || !items || !a.atEnd()) return s.bad(c, `Syntax: ${c.uid ? 'UID ' : ''}FETCH set items`);
  const positions = s.selected!.select(set, c.uid);
  if (!positions) return s.bad(c, 'Invalid message sequence number');
  // RFC 3501 §6.4.8: UID FETCH always returns the UID.
  if (c.uid && !items.some((i) => i.kind === 'UID')) items.unshift({ kind: 'UID' });
  return run(s, c, positions, items);
}

function* run(s: ImapServer, c: Command, positions: number[], items: FetchItem[]): Step {
  const sel = s.selected!;
  const ids = (ps: number[]): string[] => ps.map((p) => sel.ids[p]!);
  const markSeen = setsSeen(items) && !sel.readOnly;
  if (markSeen && positions.length) {
    // Set \Seen first, so the flags sent with the data are the new ones (RFC 3501 §6.4.5).
    yield* ask<unknown>({ op: 'store', ids: ids(positions), mode: 'add', flags: ['\\Seen'] });
  }
  const want = wantsOf(items);
  const batch = want.content ? s.config.contentBatch : s.config.fetchBatch;
  for (let i = 0; i < positions.length; i += batch) {
    const chunk = positions.slice(i, i + batch);
    const data = yield* ask<(FetchData | null)[]>({ op: 'fetch', ids: ids(chunk), want });
    chunk.forEach((p, j) => {
      const d = data[j];
      // A message removed meanwhile is skipped; its EXPUNGE comes later (RFC 2180 §4.1.2).
      if (d) s.sendParts(fetchResponse(p + 1, items, d, markSeen));
    });
  }
  s.ok(c, `${c.uid ? 'UID FETCH' : 'FETCH'} completed`);
}
