// CAPA, STLS, NOOP and QUIT: the commands about the session itself.
import type { Pop3Server } from '../server.js';
import { SASL_MECHANISMS } from '../sasl.js';
import { listing } from '../reply.js';

/** The capabilities (RFC 2449 §5, §6), as this session stands now. */
export function capabilities(s: Pop3Server): string[] {
  const c = [
    'TOP', // RFC 2449 §6.1
    'UIDL', // RFC 2449 §6.7
    'USER', // RFC 2449 §6.3
    `SASL ${SASL_MECHANISMS.join(' ')}`, // RFC 2449 §6.3, RFC 5034 §3
    'RESP-CODES', // RFC 2449 §6.4
    'PIPELINING', // RFC 2449 §6.6
    'AUTH-RESP-CODE', // RFC 3206 §5
  ];
  // RFC 2595 §4: STLS only in AUTHORIZATION, and not once TLS is up.
  if (s.config.tlsAvailable && !s.tls && s.state === 'authorization') c.push('STLS');
  c.push('IMPLEMENTATION mailtap'); // RFC 2449 §6.9
  return c;
}

export function capa(s: Pop3Server, args: string): void {
  if (args) return s.fail('Syntax: CAPA');
  s.send(listing('capability list follows', capabilities(s)));
}

/** STLS (RFC 2595 §4). */
export function stls(s: Pop3Server, args: string): void {
  if (args) return s.fail('Syntax: STLS');
  if (s.tls) return s.fail('TLS is already active');
  if (!s.config.tlsAvailable) return s.fail('TLS is not available', 'SYS/TEMP');
  s.ok('begin TLS negotiation');
  s.beginStls();
}

export function noop(s: Pop3Server, args: string): void {
  if (args) return s.fail('Syntax: NOOP');
  s.ok('');
}

/**
 * QUIT (RFC 1939 §6). In AUTHORIZATION it just ends the session. In TRANSACTION it enters
 * UPDATE and removes the marked messages through the store, so the API and the GUI see them
 * go, and answers only once that is done.
 */
export function quit(s: Pop3Server, args: string): void {
  if (args) return s.fail('Syntax: QUIT');
  if (s.state !== 'transaction') {
    s.ok('mailtap POP3 server signing off');
    return s.close();
  }
  s.state = 'update';
  const ids = s.maildrop!.markedIds();
  if (ids.length === 0) {
    s.ok('mailtap POP3 server signing off');
    return s.close();
  }
  s.ask(
    { op: 'delete', ids },
    (value) => {
      const n = typeof value === 'number' ? value : ids.length;
      s.ok(`mailtap POP3 server signing off (${n} message${n === 1 ? '' : 's'} deleted)`);
      s.close();
    },
    (error) => {
      s.err(`some deleted messages not removed: ${error}`, 'SYS/TEMP');
      s.close();
    },
  );
}
