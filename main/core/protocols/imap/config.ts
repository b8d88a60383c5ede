import type { Credentials } from '../../../../shared/types.js';

export interface ImapServerConfig {
  hostname: string;
  version: string;
  /** A command line's limit in octets, literals not counted (RFC 7162 §4 suggests 8192 at least). */
  maxLineLength: number;
  /** The largest literal taken (APPEND's message); a bigger one gets NO [TOOBIG]. */
  maxLiteralSize: number;
  /** Empty: any credentials log in. Otherwise a wrong one gets NO [AUTHENTICATIONFAILED]. */
  credentials: Credentials[];
  /** STARTTLS is offered only when the adapter can do TLS. */
  tlsAvailable: boolean;
  /** The connection is TLS from the start (IMAPS, RFC 8314). */
  implicitTls: boolean;
  /** Failed commands in a row before the server gives up with BYE. */
  maxErrors: number;
  /** Messages asked of the host per FETCH request, with and without their bytes. */
  fetchBatch: number;
  contentBatch: number;
}

export const defaultImapServerConfig: ImapServerConfig = {
  hostname: 'mailtap.local',
  version: '0.1.0',
  maxLineLength: 64 * 1024,
  maxLiteralSize: 50 * 1024 * 1024,
  credentials: [],
  tlsAvailable: false,
  implicitTls: false,
  maxErrors: 50,
  fetchBatch: 500,
  // Few at a time: each may be as big as the size limit.
  contentBatch: 4,
};
