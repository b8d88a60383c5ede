// A session as a plain transcript: the dialogue as the RFCs show it (RFC 5321 appendix D,
// RFC 1939 §10, RFC 3501 §8), one line per protocol line, "C: " for what the client sent and
// "S: " for what the server sent. A proxy session has two legs, so four prefixes:
//   C->P: client to proxy     P->C: proxy to client
//   P->S: proxy to upstream   S->P: upstream to proxy
// Everything else is a comment line starting with "# ": connects, TLS handshakes
// ("# TLS 1.3 TLS_AES_256_GCM_SHA384 sni=localhost"), warnings, captured messages and closes.
//
// Lines are cut at LF. A CRLF line ending is not shown; a bare LF ends its line with "\n".
// A backslash that could start an escape is written "\\"; control characters, a CR inside a line and bytes that are not
// UTF-8 are written "\xHH" ("\r" for CR), so the transcript is printable and unambiguous. DATA
// payloads, literals and multi-line replies are part of the dialogue and are included as sent.
// The wire log is the source: the transcript shows what was on the wire, secrets included, like
// the pcapng export; TLS key material is never part of it.
import type { Direction, Leg, SessionRole, TimelineEvent, TlsInfo } from '../../../shared/types.js';
import type { SessionSource } from '../replay/source.js';

const PREFIX: Record<'single' | 'proxy', Record<Leg, Record<Direction, string>>> = {
  single: { client: { c2s: 'C: ', s2c: 'S: ' }, upstream: { c2s: 'C: ', s2c: 'S: ' } },
  proxy: { client: { c2s: 'C->P: ', s2c: 'P->C: ' }, upstream: { c2s: 'P->S: ', s2c: 'S->P: ' } },
};

/** "TLS 1.3 TLS_AES_256_GCM_SHA384 sni=localhost", from a recorded handshake. */
export function tlsLine(info: TlsInfo): string {
  const version = info.version?.replace(/^TLSv/, 'TLS ') ?? 'TLS';
  const parts = [version.startsWith('TLS') ? version : `TLS ${version}`, info.cipher ?? 'unknown-cipher', `sni=${info.sni ?? '-'}`];
  if (info.alpn) parts.push(`alpn=${info.alpn}`);
  if (info.certificateSubject) parts.push(`cert=${info.certificateSubject}`);
  if (info.verified === false) parts.push(`unverified${info.verifyError ? `(${info.verifyError})` : ''}`);
  return parts.join(' ');
}

const hex = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;

/** Length of the valid UTF-8 sequence at `i` (RFC 3629 §4), or 0 if there is none. */
function utf8Length(b: Buffer, i: number): number {
  const c = b[i]!;
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!n || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const c1 = b[i + 1]!;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
  if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return 0;
  // C1 controls (U+0080–U+009F) are escaped like C0 ones.
  if (c === 0xc2 && c1 < 0xa0) return 0;
  return n;
}

/**
 * A backslash is doubled only where it could be read as the start of an escape (before x, r, n,
 * another backslash, or at the end of the line), so IMAP's \Seen and \Answered read as sent.
 */
function isEscapeStart(b: Buffer, i: number): boolean {
  return i >= b.length || b[i] === 0x78 || b[i] === 0x72 || b[i] === 0x6e || b[i] === 0x5c;
}

/** One line's bytes (without its line ending) as printable text. */
export function escapeLine(b: Buffer): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x5c) out += isEscapeStart(b, i + 1) ? '\\\\' : '\\';
    else if ((c >= 0x20 && c < 0x7f) || c === 0x09) out += String.fromCharCode(c);
    else if (c === 0x0d) out += '\\r';
    else if (c >= 0x80) {
      const n = utf8Length(b, i);
      if (n) {
        out += b.toString('utf8', i, i + n);
        i += n;
        continue;
      }
      out += hex(c);
    } else out += hex(c);
    i++;
  }
  return out;
}

/** Cuts one direction's byte stream into lines, keeping a partial line until its LF comes. */
class LineCutter {
  private pending: Buffer[] = [];

  constructor(private readonly prefix: string) {}

  push(bytes: Buffer, out: string[]): void {
    let start = 0;
    for (let lf = bytes.indexOf(0x0a); lf >= 0; lf = bytes.indexOf(0x0a, start)) {
      const line = this.pending.length ? Buffer.concat([...this.pending, bytes.subarray(start, lf)]) : bytes.subarray(start, lf);
      this.pending = [];
      const crlf = line.length > 0 && line[line.length - 1] === 0x0d;
      out.push(this.prefix + escapeLine(crlf ? line.subarray(0, -1) : line) + (crlf ? '' : '\\n'));
      start = lf + 1;
    }
    if (start < bytes.length) this.pending.push(bytes.subarray(start));
  }

  /** A line the stream ended (or switched to TLS) without finishing. */
  flush(out: string[]): void {
    if (!this.pending.length) return;
    out.push(this.prefix + escapeLine(Buffer.concat(this.pending)), '# (the line above has no line ending)');
    this.pending = [];
  }
}

const endpoint = (e: { address: string; port: number }): string => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

function eventLine(e: TimelineEvent, proxy: boolean): string | null {
  const leg = (l: Leg | undefined): string => (proxy && l ? `${l} leg ` : '');
  switch (e.kind) {
    case 'connect':
      return `# ${leg(e.leg)}connected ${endpoint(e.client)} -> ${endpoint(e.server)}`;
    case 'tls':
      return `# ${tlsLine(e.info)}${proxy ? ` (${e.info.leg} leg)` : ''}`;
    case 'close':
      return `# ${leg(e.leg)}closed by ${e.by}${e.reason ? ` (${e.reason})` : ''}`;
    case 'warning':
    case 'error':
      return `# ${e.kind} ${e.code}: ${e.text.replace(/[\r\n]+/g, ' ')}`;
    case 'message':
      return `# message captured ${e.messageId} (${e.size} bytes)`;
    default:
      return null; // exchanges and auth events are the dialogue itself
  }
}

const ROLE_NAME: Record<SessionRole, string> = { sink: 'sink', proxy: 'proxy', replay: 'replay' };

/** The whole session as transcript text (UTF-8, LF line endings). */
export function sessionTranscript(src: SessionSource): Buffer {
  const s = src.summary;
  const proxy = s.role === 'proxy' || src.wire.some((r) => r.leg === 'upstream');
  const prefixes = PREFIX[proxy ? 'proxy' : 'single'];
  const out: string[] = [
    `# mailtap transcript: ${s.protocol} ${ROLE_NAME[s.role]} session ${s.id}`,
    `# started ${new Date(s.startedAt / 1000).toISOString()}, client ${endpoint(s.client)}, server ${endpoint(s.server)}${s.upstream ? `, upstream ${endpoint(s.upstream)}` : ''}`,
  ];
  if (proxy) out.push('# C->P client to proxy, P->C proxy to client, P->S proxy to upstream, S->P upstream to proxy');
  const cutters = new Map<string, LineCutter>();
  const cutter = (leg: Leg, dir: Direction): LineCutter => {
    const key = `${leg}:${dir}`;
    let c = cutters.get(key);
    if (!c) cutters.set(key, (c = new LineCutter(prefixes[leg][dir])));
    return c;
  };
  const tlsOf = new Map<Leg, boolean>();
  // Merge the wire log with the timeline's events by time; on a tie the event comes first, so
  // a TLS handshake shows before the first bytes that went through it.
  const events = src.events.filter((e) => eventLine(e, proxy) !== null);
  let ei = 0;
  const eventsUntil = (t: number): void => {
    for (; ei < events.length && events[ei]!.t <= t; ei++) out.push(eventLine(events[ei]!, proxy)!);
  };
  for (const r of src.wire) {
    if ((tlsOf.get(r.leg) ?? r.tls) !== r.tls) for (const d of ['c2s', 's2c'] as const) cutter(r.leg, d).flush(out);
    tlsOf.set(r.leg, r.tls);
    eventsUntil(r.t);
    cutter(r.leg, r.direction).push(r.bytes, out);
  }
  for (const c of cutters.values()) c.flush(out);
  eventsUntil(Infinity);
  return Buffer.from(out.join('\n') + '\n', 'utf8');
}
