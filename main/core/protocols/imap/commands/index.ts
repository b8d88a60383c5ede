// The command → handler table (RFC 3501 §6, extensions noted per file), with the states each
// command is allowed in (RFC 3501 §3). A new command is a new entry.
import type { Args } from '../args.js';
import type { ImapRequest } from '../requests.js';
import type { ImapServer, ImapState } from '../server.js';
import { appendCmd } from './append.js';
import { authenticate, login, starttls } from './auth.js';
import { capability, id, logout, noop } from './any.js';
import { copyCmd, moveCmd } from './copy.js';
import { fetchCmd } from './fetch.js';
import { list, lsub } from './list.js';
import { create, deleteCmd, rename, status, subscribe, unsubscribe } from './mailboxes.js';
import { searchCmd } from './search.js';
import { check, close, examine, expunge, select, unselect } from './select.js';
import { enable, idle, namespace } from './session.js';
import { storeCmd } from './store.js';

export interface Command {
  tag: string;
  /** The command name, upper-cased; for UID commands the name after UID. */
  name: string;
  uid: boolean;
  args: Args;
  /** FETCH, STORE and SEARCH: no EXPUNGE response while they are answered (RFC 3501 §7.4.1). */
  holdsExpunge: boolean;
}

/** A command that needs the host: it yields requests and is resumed with their values. */
export type Step = Generator<ImapRequest, void, unknown>;
export type Handler = (s: ImapServer, c: Command) => Step | void;

interface Entry {
  handler: Handler;
  states: readonly ImapState[];
}

const ANY: ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
const NOT_AUTHENTICATED: ImapState[] = ['not-authenticated'];
const AUTHENTICATED: ImapState[] = ['authenticated', 'selected'];
const SELECTED: ImapState[] = ['selected'];

export const commandTable: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['CAPABILITY', { handler: capability, states: ANY }],
  ['NOOP', { handler: noop, states: ANY }],
  ['LOGOUT', { handler: logout, states: ANY }],
  ['ID', { handler: id, states: ANY }], // RFC 2971
  ['STARTTLS', { handler: starttls, states: NOT_AUTHENTICATED }],
  ['LOGIN', { handler: login, states: NOT_AUTHENTICATED }],
  ['AUTHENTICATE', { handler: authenticate, states: NOT_AUTHENTICATED }],
  ['ENABLE', { handler: enable, states: AUTHENTICATED }], // RFC 5161
  ['NAMESPACE', { handler: namespace, states: AUTHENTICATED }], // RFC 2342
  ['IDLE', { handler: idle, states: AUTHENTICATED }], // RFC 2177
  ['SELECT', { handler: select, states: AUTHENTICATED }],
  ['EXAMINE', { handler: examine, states: AUTHENTICATED }],
  ['CREATE', { handler: create, states: AUTHENTICATED }],
  ['DELETE', { handler: deleteCmd, states: AUTHENTICATED }],
  ['RENAME', { handler: rename, states: AUTHENTICATED }],
  ['SUBSCRIBE', { handler: subscribe, states: AUTHENTICATED }],
  ['UNSUBSCRIBE', { handler: unsubscribe, states: AUTHENTICATED }],
  ['LIST', { handler: list, states: AUTHENTICATED }],
  ['LSUB', { handler: lsub, states: AUTHENTICATED }],
  ['STATUS', { handler: status, states: AUTHENTICATED }],
  ['APPEND', { handler: appendCmd, states: AUTHENTICATED }],
  ['CHECK', { handler: check, states: SELECTED }],
  ['CLOSE', { handler: close, states: SELECTED }],
  ['UNSELECT', { handler: unselect, states: SELECTED }], // RFC 3691
  ['EXPUNGE', { handler: expunge, states: SELECTED }],
  ['SEARCH', { handler: searchCmd, states: SELECTED }],
  ['FETCH', { handler: fetchCmd, states: SELECTED }],
  ['STORE', { handler: storeCmd, states: SELECTED }],
  ['COPY', { handler: copyCmd, states: SELECTED }],
  ['MOVE', { handler: moveCmd, states: SELECTED }], // RFC 6851
  ['UID SEARCH', { handler: searchCmd, states: SELECTED }],
  ['UID FETCH', { handler: fetchCmd, states: SELECTED }],
  ['UID STORE', { handler: storeCmd, states: SELECTED }],
  ['UID COPY', { handler: copyCmd, states: SELECTED }],
  ['UID MOVE', { handler: moveCmd, states: SELECTED }],
  ['UID EXPUNGE', { handler: expunge, states: SELECTED }], // RFC 4315 §2.1
]);
