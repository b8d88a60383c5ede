// COPY and MOVE (RFC 3501 §6.4.7, RFC 6851), with their UID forms, answered with COPYUID
// (RFC 4315 §3). MOVE tells the client of the moved messages as expunged before its OK.
import { formatSet, parseSequenceSet } from '../sequence.js';
import type { Outcome } from '../requests.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';
import { readMailbox } from './mailbox-name.js';

type Copied = { uidValidity: number; pairs: { id: string; uid: number }[] };

function transfer(move: boolean) {
  return (s: ImapServer, c: Command): Step | void => {
    const a = c.args;
    const sel = s.selected!;
    const set = parseSequenceSet(a.word() ?? '');
    const folder = set && a.sp() ? readMailbox(a) : null;
    if (!set || folder === null || !a.atEnd()) return s.bad(c, `Syntax: ${c.name} set mailbox`);
    const positions = sel.select(set, c.uid);
    if (!positions) return s.bad(c, 'Invalid message sequence number');
    if (move && sel.readOnly) return s.no(c, 'Mailbox is read-only', 'READ-ONLY');
    return (function* (): Step {
      const ids = positions.map((p) => sel.ids[p]!);
      const r = yield* ask<Copied | Outcome>({ op: 'copy', ids, folder, move });
      if ('ok' in r) return s.no(c, r.ok ? `${c.name} failed` : r.text, r.ok ? undefined : r.code);
      const srcUid = new Map(positions.map((p) => [sel.ids[p]!, sel.uids[p]!]));
      const code = r.pairs.length
        ? `COPYUID ${r.uidValidity} ${r.pairs.map((x) => srcUid.get(x.id)).join(',')} ${formatSet(r.pairs.map((x) => x.uid))}`
        : undefined;
      const verb = `${c.uid ? 'UID ' : ''}${c.name}`;
      if (!move) return s.ok(c, `${verb} completed`, code);
      // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
      if (code) s.send(`* OK [${code}] Moved`);
      for (const line of sel.expungeNow(r.pairs.map((x) => x.id))) s.send(line);
      s.ok(c, `${verb} completed`);
    })();
  };
}

export const copyCmd = transfer(false);
export const moveCmd = transfer(true);
