// Folder operations with IMAP's rules (RFC 3501 §6.3.3-§6.3.5, RFC 6154): names are
// hierarchical with "/" as the delimiter; CREATE makes missing parents; RENAME takes the
// children along, and RENAME of INBOX moves its messages into a new folder and leaves INBOX
// empty; INBOX and the special-use folders cannot be deleted or renamed away, so clients can
// rely on them being there.
import type { Outcome } from '../protocols/imap/requests.js';
import { INBOX } from '../store/folder-index.js';
import type { MessageStore } from '../store/message-store.js';

export const DELIMITER = '/';

const fail = (text: string, code?: string): Outcome => ({ ok: false, text, ...(code ? { code } : {}) });

/** A folder name as given, checked: no empty levels, no control characters. */
export function checkName(name: string): string | null {
  if (name === '' || name.length > 512) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name) || name.split(DELIMITER).some((p) => p === '')) return null;
  return name;
}

const childrenOf = (store: MessageStore, name: string): string[] =>
  store.folders.list().map((f) => f.name).filter((n) => n.startsWith(name + DELIMITER));

export async function createFolder(store: MessageStore, given: string): Promise<Outcome> {
  // RFC 3501 §6.3.3: a trailing delimiter only says children are planned.
  const name = checkName(given.endsWith(DELIMITER) ? given.slice(0, -1) : given);
  if (name === null) return fail('Invalid mailbox name', 'CANNOT');
  if (name.toUpperCase() === INBOX || store.folders.has(name)) return fail('Mailbox already exists', 'ALREADYEXISTS');
  const levels = name.split(DELIMITER);
  for (let i = 1; i <= levels.length; i++) {
    const n = levels.slice(0, i).join(DELIMITER);
    if (!store.folders.has(n)) await store.mailbox.createFolder(n);
  }
  return { ok: true };
}

export async function deleteFolder(store: MessageStore, name: string, forget: (ids: string[]) => void): Promise<Outcome> {
  const f = store.folders.get(name);
  if (name === INBOX) return fail('INBOX cannot be deleted', 'CANNOT');
  if (!f) return fail('Mailbox does not exist', 'NONEXISTENT');
  if (f.specialUse) return fail(`${name} is a special-use folder (${f.specialUse}) and stays`, 'CANNOT');
  if (childrenOf(store, name).length) return fail('Mailbox has children, delete them first', 'INUSE');
  forget(await store.mailbox.deleteFolder(name));
  return { ok: true };
}

export async function renameFolder(store: MessageStore, from: string, given: string): Promise<Outcome> {
  const to = checkName(given);
  if (to === null) return fail('Invalid mailbox name', 'CANNOT');
  if (!store.folders.has(from)) return fail('Mailbox does not exist', 'NONEXISTENT');
  if (to.toUpperCase() === INBOX || store.folders.has(to)) return fail('Target mailbox already exists', 'ALREADYEXISTS');
  if (to.startsWith(from + DELIMITER)) return fail('Cannot rename a mailbox under itself', 'CANNOT');
  const slash = to.lastIndexOf(DELIMITER);
  if (slash > 0 && !store.folders.has(to.slice(0, slash))) await createFolder(store, to.slice(0, slash));
  if (from === INBOX) {
    // RFC 3501 §6.3.5: INBOX's messages move to the new name; INBOX stays, empty.
    await store.mailbox.createFolder(to);
    await store.mailbox.move([...(store.folders.membersOf(INBOX)?.ids ?? [])], to);
    return { ok: true };
  }
  if (store.folders.get(from)?.specialUse) return fail(`${from} is a special-use folder and keeps its name`, 'CANNOT');
  const pairs: [string, string][] = [[from, to], ...childrenOf(store, from).map((c): [string, string] => [c, to + c.slice(from.length)])];
  await store.mailbox.renameFolders(pairs);
  return { ok: true };
}
