// Normalisation of response text before a replayed response is compared with the recorded one:
// what legitimately differs between two runs (host names, dates, ids, tags, challenges) is
// replaced by a placeholder. Each rule can be turned off; user patterns come last. IMAP tags
// need no rule: the dissector pairs responses by tag and the compared text leaves tags out.
import type { ReplayRules } from '../../../shared/types.js';

export interface CompiledRules {
  line(text: string): string;
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';

/** RFC 5322 §3.3 date-time, with or without the day name and seconds; zone as offset or name. */
const RFC5322_DATE = new RegExp(`(?:(?:${DAYS}),?\\s+)?\\d{1,2}\\s+(?:${MONTHS})\\s+\\d{2,4}\\s+\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s+(?:[+-]\\d{4}|[A-Z]{1,5}))?(?:\\s+\\([^)]*\\))?`, 'g');
/** IMAP date-time (RFC 9051 §9 "date-time", INTERNALDATE): "dd-Mon-yyyy hh:mm:ss +zzzz". */
const IMAP_DATE = new RegExp(`"?[ \\d]?\\d-(?:${MONTHS})-\\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}"?`, 'g');
/** ISO 8601 timestamps, which servers also put in replies. */
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
/** msg-id (RFC 5322 §3.6.4), and anything shaped like one, such as an APOP timestamp. */
const MSG_ID = /<[^<>\s@]+@[^<>\s]+>/g;
/** Queue ids in SMTP replies: "queued as X" (Postfix, mailtap), "id=X", "Ok: X". */
const QUEUE_ID = /\b(queued as|queue id|id[=:])\s*<?[\w.@-]+>?/gi;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const IPV6 = /IPv6:[0-9a-f:.]+|(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?)(?![\w:])/gi;
/** Dotted names starting and ending with a letter (so "2.1.0", versions and "250-x" stay). */
const HOSTNAME = /\b[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z][a-z0-9-]{0,62}\b|\blocalhost\b/gi;
const B64_LINE = /^(334 |\+ ?)([A-Za-z0-9+/]{8,}={0,2})$/;

/** A base64 SASL challenge that decodes to "<…>" (CRAM-MD5, RFC 2195 §2) is new every time. */
function challenge(text: string): string {
  const m = B64_LINE.exec(text);
  if (!m) return text;
  const decoded = Buffer.from(m[2]!, 'base64').toString('latin1');
  return /^<[^<>]+>$/.test(decoded) ? `${m[1]}<challenge>` : text;
}

export const DEFAULT_RULES: Required<Omit<ReplayRules, 'patterns'>> = {
  hostnames: true,
  dates: true,
  messageIds: true,
  queueIds: true,
  challenges: true,
};

/** Compile the rules once; a user pattern that is not a valid regular expression throws. */
export function compileRules(rules: ReplayRules = {}): CompiledRules {
  const r = { ...DEFAULT_RULES, ...rules };
  const user = (rules.patterns ?? []).map((p) => {
    try {
      return new RegExp(p, 'g');
    } catch (e) {
      throw new Error(`normalisation pattern ${JSON.stringify(p)}: ${(e as Error).message}`);
    }
  });
  const line = (input: string): string => {
    let s = input;
    if (r.challenges) s = challenge(s);
    if (r.queueIds) s = s.replace(QUEUE_ID, (_m, k: string) => (/[=:]$/.test(k) ? `${k}<id>` : `${k} <id>`));
    // Dates before host names and ids: a date's zone name would otherwise look like a word.
    if (r.dates) s = s.replace(IMAP_DATE, '<date>').replace(RFC5322_DATE, '<date>').replace(ISO_DATE, '<date>');
    if (r.messageIds) s = s.replace(MSG_ID, '<msgid>');
    if (r.hostnames) s = s.replace(IPV6, (m) => (/[0-9a-f]/i.test(m.replace(/^IPv6/i, '')) ? '<ip>' : m)).replace(IPV4, '<ip>').replace(HOSTNAME, '<host>');
    for (const re of user) s = s.replace(re, '<*>');
    return s;
  };
  return { line };
}
