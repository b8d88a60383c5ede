// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8).
import { readSearch } from '../search-parse.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';

export function searchCmd(s: ImapServer, c: Command): Step | void {
  const sel = s.selected!;
  const key = readSearch(c.args, (set, uid) => {
    // A sequence number past the end matches nothing here rather than failing the search.
    const ps = uid ? sel.select(set, true)! : sel.select(set, false) ?? [];
    return new Set(ps.map((p) => sel.ids[p]!));
  });
  if (key === 'badcharset') return s.no(c, 'Only UTF-8 and US-ASCII are supported', 'BADCHARSET (UTF-8 US-ASCII)');
  if (!key) return s.bad(c, 'Invalid search criteria');
  return (function* (): Step {
    const ids = [...sel.ids];
    const hits = yield* ask<number[]>({ op: 'search', ids, key });
    // Positions are in this snapshot, which does not change while a command runs.
    const nums = hits.map((p) => (c.uid ? sel.uids[p]! : p + 1));
    s.send(`* SEARCH${nums.map((n) => ` ${n}`).join('')}`);
    s.ok(c, `${c.uid ? 'UID SEARCH' : 'SEARCH'} completed`);
  })();
}
