// The verb → handler table (RFC 1939 §4–§7 and extensions), with the states in which each verb
// is allowed. A verb in the wrong state gets -ERR before its handler runs. A new verb is a new
// entry.
import type { Pop3Server, Pop3State } from '../server.js';
import { apop, auth, pass, user } from './auth.js';
import { dele, list, rset, stat, uidl } from './maildrop.js';
import { retr, top } from './retrieve.js';
import { capa, noop, quit, stls } from './session.js';

export type CommandHandler = (s: Pop3Server, args: string, verb: string) => void;

export interface CommandEntry {
  states: readonly Pop3State[];
  handler: CommandHandler;
}

const AUTHORIZATION: readonly Pop3State[] = ['authorization'];
const TRANSACTION: readonly Pop3State[] = ['transaction'];
const ANY: readonly Pop3State[] = ['authorization', 'transaction'];

export const commandTable: ReadonlyMap<string, CommandEntry> = new Map<string, CommandEntry>([
  ['USER', { states: AUTHORIZATION, handler: user }],
  ['PASS', { states: AUTHORIZATION, handler: pass }],
  ['APOP', { states: AUTHORIZATION, handler: apop }],
  ['AUTH', { states: AUTHORIZATION, handler: auth }],
  ['STLS', { states: AUTHORIZATION, handler: stls }],
  ['STAT', { states: TRANSACTION, handler: stat }],
  ['LIST', { states: TRANSACTION, handler: list }],
  ['UIDL', { states: TRANSACTION, handler: uidl }],
  ['RETR', { states: TRANSACTION, handler: retr }],
  ['TOP', { states: TRANSACTION, handler: top }],
  ['DELE', { states: TRANSACTION, handler: dele }],
  ['RSET', { states: TRANSACTION, handler: rset }],
  ['NOOP', { states: TRANSACTION, handler: noop }],
  ['CAPA', { states: ANY, handler: capa }],
  ['QUIT', { states: ANY, handler: quit }],
]);
