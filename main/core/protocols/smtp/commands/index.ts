// The verb → handler table (RFC 5321 §4.1 and extensions). A new verb is a new entry.
import type { SmtpServer } from '../server.js';
import { auth } from './auth.js';
import { bdat, data } from './data.js';
import { ehlo, helo } from './hello.js';
import { mail } from './mail.js';
import { help, noop, notImplemented, quit, rset, vrfy } from './misc.js';
import { rcpt } from './rcpt.js';
import { httpRequest, startTls } from './session.js';

export type CommandHandler = (s: SmtpServer, args: string, verb: string) => void;

export const commandTable: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
  ['EHLO', ehlo],
  ['HELO', helo],
  ['MAIL', mail],
  ['RCPT', rcpt],
  ['DATA', data],
  ['BDAT', bdat],
  ['RSET', rset],
  ['NOOP', noop],
  ['VRFY', vrfy],
  ['EXPN', notImplemented],
  ['ETRN', notImplemented],
  ['TURN', notImplemented],
  ['HELP', help],
  ['QUIT', quit],
  ['STARTTLS', startTls],
  ['AUTH', auth],
  // Someone pointed a browser or an HTTP client at the SMTP port.
  ['GET', httpRequest],
  ['POST', httpRequest],
  ['HEAD', httpRequest],
  ['PUT', httpRequest],
  ['CONNECT', httpRequest],
  ['OPTIONS', httpRequest],
]);
