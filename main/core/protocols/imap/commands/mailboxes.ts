// Mailbox management (RFC 3501 §6.3.3-§6.3.7, §6.3.10) and STATUS (§6.3.10, SIZE from
// RFC 8438). The rules for names and hierarchy are the host's (main/core/mailbox/folders.ts).
import type { Outcome, StatusInfo } from '../requests.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';
import { mailboxOut, readMailbox } from './mailbox-name.js';

function* outcome(s: ImapServer, c: Command, request: Parameters<typeof ask>[0]): Step {
  const r = yield* ask<Outcome>(request);
  if (r.ok) s.ok(c, `${c.name} completed`);
  else s.no(c, r.text, r.code);
}

function oneName(s: ImapServer, c: Command): string | null {
  const name = readMailbox(c.args);
  if (name === null || !c.args.atEnd()) {
    s.bad(c, `Syntax: ${c.name} mailbox`);
    return null;
  }
  return name;
}

export function create(s: ImapServer, c: Command): Step | void {
  const folder = oneName(s, c);
  if (folder !== null) return outcome(s, c, { op: 'create', folder });
}

export function deleteCmd(s: ImapServer, c: Command): Step | void {
  const folder = oneName(s, c);
  if (folder === null) return;
  if (s.selected?.name === folder) return s.no(c, 'Cannot delete the selected mailbox; select another first', 'INUSE');
  return outcome(s, c, { op: 'delete', folder });
}

export function rename(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const from = readMailbox(a);
  const to = a.sp() ? readMailbox(a) : null;
  if (from === null || to === null || !a.atEnd()) return s.bad(c, 'Syntax: RENAME from to');
  return outcome(s, c, { op: 'rename', from, to });
}

export function subscribe(s: ImapServer, c: Command): Step | void {
  const folder = oneName(s, c);
  if (folder !== null) return outcome(s, c, { op: 'subscribe', folder, on: true });
}

export function unsubscribe(s: ImapServer, c: Command): Step | void {
  const folder = oneName(s, c);
  if (folder !== null) return outcome(s, c, { op: 'subscribe', folder, on: false });
}

const STATUS_ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE'] as const;
type StatusItem = (typeof STATUS_ITEMS)[number];

export function status(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const folder = readMailbox(a);
  const items = folder !== null && a.sp() ? a.list(() => a.atom()?.toUpperCase() ?? null) : null;
  if (folder === null || !items?.length || !a.atEnd() || items.some((i) => !STATUS_ITEMS.includes(i as StatusItem)))
    return s.bad(c, `Syntax: STATUS mailbox (${STATUS_ITEMS.join(' ')})`);
  return (function* (): Step {
    const st = yield* ask<StatusInfo | null>({ op: 'status', folder });
    if (!st) return s.no(c, 'Mailbox does not exist', 'NONEXISTENT');
    const value: Record<StatusItem, number> = {
      MESSAGES: st.messages,
      RECENT: 0,
      UIDNEXT: st.uidNext,
      UIDVALIDITY: st.uidValidity,
      UNSEEN: st.unseen,
      SIZE: st.size,
    };
    s.send(`* STATUS ${mailboxOut(folder)} (${items.map((i) => `${i} ${value[i as StatusItem]}`).join(' ')})`);
    s.ok(c, 'STATUS completed');
  })();
}
