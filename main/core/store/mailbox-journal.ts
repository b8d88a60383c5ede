// The journal records of the mailbox model (folders, UIDs, flags, moves), and how the message
// index is rebuilt from them at startup. Journals written before these records existed load
// with every message in INBOX, UIDs given in arrival order, and no flags but `read`; the store
// then rewrites the journal once so that those UIDs stay what they were first given.
import type { MessageSummary } from '../../../shared/types.js';
import { DEFAULT_FOLDERS, type FolderIndex, type FolderState, INBOX } from './folder-index.js';

export type MailboxRecord =
  | { op: 'folder'; f: FolderState }
  | { op: 'folder-del'; name: string }
  | { op: 'folder-ren'; pairs: [string, string][] }
  /** Flags of many messages at once: [id, read, other flags]. */
  | { op: 'flags'; set: [string, boolean, string[]][] }
  /** Messages put in another folder with a new UID: [id, folder, uid]. */
  | { op: 'move'; moves: [string, string, number][] };

const OPS = new Set(['folder', 'folder-del', 'folder-ren', 'flags', 'move']);

export const isMailboxRecord = (r: { op: string }): r is MailboxRecord => OPS.has(r.op);

/** Apply one record while the journal is replayed. */
export function replayMailboxRecord(r: MailboxRecord, byId: Map<string, MessageSummary>, folders: FolderIndex): void {
  switch (r.op) {
    case 'folder':
      folders.put(r.f);
      break;
    case 'folder-del':
      folders.remove(r.name);
      break;
    case 'folder-ren': {
      const map = new Map(r.pairs);
      for (const [from, to] of r.pairs) folders.rename(from, to);
      for (const m of byId.values()) {
        const to = map.get(m.folder ?? INBOX);
        if (to !== undefined) m.folder = to;
      }
      break;
    }
    case 'flags':
      for (const [id, read, flags] of r.set) {
        const m = byId.get(id);
        if (m) (m.read = read, (m.flags = flags));
      }
      break;
    case 'move':
      for (const [id, folder, uid] of r.moves) {
        const m = byId.get(id);
        folders.saw(folder, uid);
        if (m) (m.folder = folder, (m.uid = uid));
      }
      break;
  }
}

/** A message's add record was replayed: its UID counts towards its folder's next UID. */
export function replayAdded(m: MessageSummary, folders: FolderIndex): void {
  if (m.folder !== undefined && m.uid !== undefined) folders.saw(m.folder, m.uid);
}

/**
 * After replay and repair: make sure the default folders exist, give every message a folder,
 * a UID and a flag list, and build the folder membership. Returns true when anything was made
 * up that must now be written down (the caller rewrites the journal).
 */
export function settleMailbox(order: readonly string[], byId: Map<string, MessageSummary>, folders: FolderIndex): boolean {
  let invented = false;
  for (const [name, specialUse] of DEFAULT_FOLDERS) {
    if (!folders.has(name)) (folders.put(folders.fresh(name, specialUse)), (invented = true));
  }
  for (const id of order) {
    const m = byId.get(id)!;
    if (m.flags === undefined) m.flags = [];
    if (m.folder === undefined || !folders.has(m.folder)) (m.folder = INBOX, delete m.uid, (invented = true));
    if (m.uid === undefined) {
      const uid = folders.allocate(m.folder);
      folders.settle(m.folder, uid);
      m.uid = uid;
      invented = true;
    }
    folders.link(m.folder, m.uid, id);
  }
  return invented;
}

/** The folder records a compacted journal starts with. */
export function folderRecords(folders: FolderIndex): MailboxRecord[] {
  return folders.list().map((f) => ({ op: 'folder', f: { ...f } }));
}
