import type { SmtpServer } from '../server.js';

/** STARTTLS (RFC 3207 §4). */
export function startTls(s: SmtpServer, args: string): void {
  if (args.trim()) return s.fail(501, '5.5.4', 'Syntax: STARTTLS');
  if (s.tls) return s.fail(503, '5.5.1', 'Error: TLS already active');
  if (!s.config.tlsAvailable) return s.fail(454, '4.7.0', 'TLS not available');
  s.reply(220, '2.0.0', 'Ready to start TLS');
  s.beginStartTls();
}

/** An HTTP request line on the SMTP port: say so and hang up rather than answer every header. */
export function httpRequest(s: SmtpServer): void {
  if (s.helo) return s.fail(500, '5.5.2', 'Error: command not recognized');
  s.reply(554, '5.7.0', 'Error: this is an SMTP port, not HTTP');
  s.close();
}
