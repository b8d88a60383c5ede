import type { Credentials } from '../../../../shared/types.js';

export interface SmtpServerConfig {
  hostname: string;
  /** Command line limit in octets, CRLF included; RFC 5321 §4.5.3.1.4 requires at least 512. */
  maxLineLength: number;
  /** Advertised as SIZE (RFC 1870) and enforced on DATA and BDAT. */
  maxMessageSize: number;
  /** RFC 5321 §4.5.3.1.8 requires accepting at least 100. */
  maxRecipients: number;
  /** Empty: AUTH accepts any credentials. Otherwise a wrong one gets 535 (RFC 4954 §6). */
  credentials: Credentials[];
  /** STARTTLS is advertised only when the adapter can do TLS. */
  tlsAvailable: boolean;
  /** The connection is TLS from the start (SMTPS, RFC 8314). */
  implicitTls: boolean;
  /** Failed commands in a row before the server gives up with 421. */
  maxErrors: number;
  /** Makes CRAM-MD5 challenges; injectable for deterministic tests. */
  challenge: () => string;
}

export const defaultSmtpServerConfig: SmtpServerConfig = {
  hostname: 'mailtap.local',
  maxLineLength: 4096,
  maxMessageSize: 50 * 1024 * 1024,
  maxRecipients: 1000,
  credentials: [],
  tlsAvailable: false,
  implicitTls: false,
  maxErrors: 20,
  challenge: () => `<${Math.floor(Math.random() * 1e12)}.${Date.now()}@mailtap.local>`,
};
