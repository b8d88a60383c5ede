// Protocol, role and reply-code badges. Colours follow the reply class: 2xx green, 3xx blue,
// 4xx amber, 5xx red (RFC 5321 §4.2.1); POP3 +OK/-ERR and IMAP OK/NO/BAD map the same way.
import type { Protocol, Reply, ReplyStatus, SessionRole } from '../../../shared/types';

export function ProtocolBadge({ protocol }: { protocol: Protocol }) {
  return <span className={`badge proto proto-${protocol}`}>{protocol.toUpperCase()}</span>;
}

export function RoleBadge({ role }: { role: SessionRole }) {
  return <span className={`badge role role-${role}`}>{role}</span>;
}

const STATUS_CLASS: Record<ReplyStatus, string> = {
  ok: 'st-ok',
  intermediate: 'st-info',
  transient: 'st-warn',
  no: 'st-warn',
  permanent: 'st-err',
  bad: 'st-err',
};

export function statusClass(status: ReplyStatus | undefined): string {
  return status ? STATUS_CLASS[status] : 'st-none';
}

/** Class by the code alone, for replies without a status (SMTP digits, POP3, IMAP words). */
export function codeClass(code: string): string {
  const c = code.toUpperCase();
  if (/^2\d\d$/.test(c) || c === '+OK' || c === 'OK' || c === 'PREAUTH') return 'st-ok';
  if (/^3\d\d$/.test(c) || c === '+') return 'st-info';
  if (/^4\d\d$/.test(c) || c === 'NO' || c === 'BYE') return 'st-warn';
  if (/^5\d\d$/.test(c) || c === '-ERR' || c === 'BAD') return 'st-err';
  return 'st-none';
}

export function ReplyCode({ reply }: { reply: Reply | undefined }) {
  if (!reply || reply.lines.length === 0) return <span className="code st-none">…</span>;
  const code = reply.lines[reply.lines.length - 1]!.code;
  return <span className={`code ${statusClass(reply.status)}`}>{code}</span>;
}
