// What the IMAP codec asks of its host (main/core/mailbox/ serves it) through `request`
// commands, and what the host pushes back through `notify` events while a mailbox is selected.
// Folder names here are Unicode; modified UTF-7 is the codec's business. Flags include \Seen.
import type { MimeTreeNode } from '../../mime/tree-types.js';

/** A search key with its message sets already resolved to message ids by the codec. */
export type SearchKey =
  | { type: 'all' }
  | { type: 'ids'; ids: ReadonlySet<string> }
  | { type: 'flag'; flag: string; set: boolean }
  /** RFC 3501 \Recent: mailtap gives it to no message, so RECENT and NEW match nothing. */
  | { type: 'recent'; set: boolean }
  | { type: 'header'; field: string; value: string }
  | { type: 'body'; value: string }
  | { type: 'text'; value: string }
  /** `date` is YYYY-MM-DD; internal is the arrival date, sent the Date field's (RFC 3501 §6.4.4). */
  | { type: 'date'; which: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; date: string }
  | { type: 'size'; op: 'larger' | 'smaller'; n: number }
  | { type: 'not'; key: SearchKey }
  | { type: 'or'; a: SearchKey; b: SearchKey }
  | { type: 'and'; keys: SearchKey[] };

export interface FolderListing {
  name: string;
  /** RFC 6154 attribute, e.g. "\\Sent". */
  specialUse: string | null;
  subscribed: boolean;
}

export interface SelectInfo {
  /** Counts selections, so notifications meant for an earlier one can be told apart. */
  gen: number;
  uidValidity: number;
  uidNext: number;
  uids: number[];
  ids: string[];
  /** Keywords in use in the folder, for the FLAGS response. */
  keywords: string[];
  /** Sequence number of the first message without \Seen, or 0. */
  firstUnseen: number;
}

export interface StatusInfo {
  messages: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
  size: number;
}

export type Outcome = { ok: true } | { ok: false; code?: string; text: string };

export interface FetchWants {
  envelope?: boolean;
  bodystructure?: boolean;
  /** BODY without a section: the non-extensible structure. */
  body?: boolean;
  /** The message bytes (CRLF line ends) and its part tree, for BODY[section] and RFC822*. */
  content?: boolean;
}

export interface FetchData {
  id: string;
  uid: number;
  flags: string[];
  /** RFC822.SIZE: octets with CRLF line ends. */
  size: number;
  /** ISO time of arrival (INTERNALDATE). */
  internalDate: string;
  envelope?: string;
  bodystructure?: string;
  body?: string;
  content?: { raw: Buffer; tree: MimeTreeNode };
}

export type ImapRequest =
  /** The user logged in: the host shows them their view. Value: null. */
  | { op: 'login'; user: string }
  /** Value: FolderListing[]. */
  | { op: 'folders' }
  /** Value: SelectInfo, or null when there is no such folder. */
  | { op: 'select'; folder: string; readOnly: boolean }
  /** Value: null. */
  | { op: 'unselect' }
  /** Value: StatusInfo or null. */
  | { op: 'status'; folder: string }
  /** Value: Outcome. */
  | { op: 'create'; folder: string }
  | { op: 'delete'; folder: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'subscribe'; folder: string; on: boolean }
  /** Value: { uidValidity, uid } or an Outcome that failed. */
  | { op: 'append'; folder: string; flags: string[]; date: string | null; message: Uint8Array }
  /** Value: (FetchData | null)[], null for a message that is gone. */
  | { op: 'fetch'; ids: string[]; want: FetchWants }
  /** Value: the positions (0-based) in `ids` that match. */
  | { op: 'search'; ids: string[]; key: SearchKey }
  /** Value: { id, flags }[] with the new flags of every message that still exists. */
  | { op: 'store'; ids: string[]; mode: 'set' | 'add' | 'remove'; flags: string[] }
  /** Value: { uidValidity, uids } (the new UIDs, in the order of `ids`) or a failed Outcome. */
  | { op: 'copy'; ids: string[]; folder: string; move: boolean }
  /** Remove the messages among `ids` that have \Deleted. Value: the ids removed. */
  | { op: 'expunge'; ids: string[] };

/** Changes to the selected folder made by someone else (another session, the API, the sink). */
export interface ImapNotification {
  gen: number;
  added: { uid: number; id: string }[];
  expunged: string[];
  flags: { id: string; flags: string[] }[];
}

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;
