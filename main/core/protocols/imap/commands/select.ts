// Selecting and leaving a mailbox: SELECT and EXAMINE (RFC 3501 §6.3.1-§6.3.2), CHECK, CLOSE,
// EXPUNGE (§6.4.1-§6.4.3), UNSELECT (RFC 3691) and UID EXPUNGE (RFC 4315 §2.1).
import type { SelectInfo } from '../requests.js';
import { parseSequenceSet } from '../sequence.js';
import type { ImapServer } from '../server.js';
import { Snapshot } from '../snapshot.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';
import { readMailbox } from './mailbox-name.js';

const FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

function* open(s: ImapServer, c: Command, folder: string, readOnly: boolean): Step {
  // RFC 3501 §6.3.1: a SELECT deselects first, even when it then fails.
  if (s.selected) {
    s.selected = null;
    s.state = 'authenticated';
  }
  const info = yield* ask<SelectInfo | null>({ op: 'select', folder, readOnly });
  if (!info) return s.no(c, 'Mailbox does not exist', 'NONEXISTENT');
  s.selected = new Snapshot(folder, readOnly, info.gen, info.uidValidity, info.uidNext, info.uids, info.ids);
  s.state = 'selected';
  const flags = [FLAGS, ...info.keywords].join(' ');
  s.send(`* FLAGS (${flags})`);
  s.send(`* OK [PERMANENTFLAGS (${readOnly ? '' : `${flags} \\*`})] Flags permitted`);
  s.send(`* ${info.uids.length} EXISTS`);
  s.send('* 0 RECENT');
  if (info.firstUnseen) s.send(`* OK [UNSEEN ${info.firstUnseen}] First unseen`);
  s.send(`* OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`);
  s.send(`* OK [UIDNEXT ${info.uidNext}] Predicted next UID`);
  s.ok(c, `${c.name} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

function opener(readOnly: boolean) {
  return (s: ImapServer, c: Command): Step | void => {
    const folder = readMailbox(c.args);
    // CONDSTORE-style parameters are not offered, so anything after the name is an error.
    if (folder === null || !c.args.atEnd()) return s.bad(c, `Syntax: ${c.name} mailbox`);
    return open(s, c, folder, readOnly);
  };
}

export const select = opener(false);
export const examine = opener(true);

export function check(s: ImapServer, c: Command): void {
  if (!c.args.atEnd()) return s.bad(c, 'CHECK takes no arguments');
  s.ok(c, 'CHECK completed'); // every change is on disk when it is answered
}

function* leave(s: ImapServer, c: Command, expungeFirst: boolean): Step {
  const sel = s.selected!;
  // CLOSE removes \Deleted messages silently (RFC 3501 §6.4.2); UNSELECT does not.
  if (expungeFirst && !sel.readOnly) yield* ask<string[]>({ op: 'expunge', ids: [...sel.ids] });
  yield* ask<null>({ op: 'unselect' });
  s.selected = null;
  s.state = 'authenticated';
  s.ok(c, `${c.name} completed`);
}

export function close(s: ImapServer, c: Command): Step | void {
  if (!c.args.atEnd()) return s.bad(c, 'CLOSE takes no arguments');
  return leave(s, c, true);
}

export function unselect(s: ImapServer, c: Command): Step | void {
  if (!c.args.atEnd()) return s.bad(c, 'UNSELECT takes no arguments');
  return leave(s, c, false);
}

/** EXPUNGE, or UID EXPUNGE set: remove the \Deleted messages (of the set). */
export function expunge(s: ImapServer, c: Command): Step | void {
  const sel = s.selected!;
  let ids = sel.ids;
  if (c.uid) {
    const set = parseSequenceSet(c.args.word() ?? '');
    if (!set || !c.args.atEnd()) return s.bad(c, 'Syntax: UID EXPUNGE uid-set');
    ids = sel.select(set, true)!.map((p) => sel.ids[p]!);
  } else if (!c.args.atEnd()) return s.bad(c, 'EXPUNGE takes no arguments');
  if (sel.readOnly) return s.no(c, 'Mailbox is read-only', 'READ-ONLY');
  return (function* (): Step {
    const gone = yield* ask<string[]>({ op: 'expunge', ids: [...ids] });
    for (const line of sel.expungeNow(gone)) s.send(line);
    s.ok(c, `${c.uid ? 'UID EXPUNGE' : 'EXPUNGE'} completed`);
  })();
}
