// STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8): FLAGS, +FLAGS, -FLAGS, each with .SILENT.
// \Seen is the API's "read": a client marking a message read is the GUI's change too.
import { parseSequenceSet } from '../sequence.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';

export function storeCmd(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const sel = s.selected!;
  const set = parseSequenceSet(a.word() ?? '');
  const m = set && a.sp() ? /^([+-]?)FLAGS(\.SILENT)?$/i.exec(a.word() ?? '') : null;
  if (!set || !m || !a.sp()) return s.bad(c, 'Syntax: STORE set [+|-]FLAGS[.SILENT] (flags)');
  const flags = a.peek() === '(' ? a.list(() => a.flag()) : readFlagWords(a);
  if (!flags || !a.atEnd() || flags.some((f) => f === '\\*')) return s.bad(c, 'Invalid flag list');
  const positions = sel.select(set, c.uid);
  if (!positions) return s.bad(c, 'Invalid message sequence number');
  if (sel.readOnly) return s.no(c, 'Mailbox is read-only', 'READ-ONLY');
  const mode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  const silent = !!m[2];
  return (function* (): Step {
    const changed = yield* ask<{ id: string; flags: string[] }[]>({ op: 'store', ids: positions.map((p) => sel.ids[p]!), mode, flags });
    if (!silent) {
      for (const ch of changed) {
        const p = sel.position(ch.id);
        if (p >= 0) s.send(`* ${p + 1} FETCH (${c.uid ? `UID ${sel.uids[p]} ` : ''}FLAGS (${ch.flags.join(' ')}))`);
      }
    }
    s.ok(c, `${c.uid ? 'UID STORE' : 'STORE'} completed`);
  })();
}

/** Flags without parentheses, space-separated (RFC 3501 store-att-flags). */
function readFlagWords(a: Command['args']): string[] | null {
  const out: string[] = [];
  for (;;) {
    const f = a.flag();
    if (!f) return null;
    out.push(f);
    if (!a.sp()) return out;
  }
}
