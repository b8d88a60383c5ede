// IMAP serves messages with CRLF line ends (RFC 3501 §2.1 and §6.4.5): a message caught with
// bare LF is served with CR added, as Dovecot serves it. The stored bytes stay as received.

const LF = 0x0a;
const CR = 0x0d;

/** Count the bare LFs (not preceded by CR). */
export function bareLfCount(raw: Buffer): number {
  let n = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) if (i === 0 || raw[i - 1] !== CR) n++;
  return n;
}

/** The message with every bare LF turned into CRLF; the same Buffer when there is none. */
export function toCrlf(raw: Buffer): Buffer {
  const n = bareLfCount(raw);
  if (n === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + n);
  let o = 0;
  let from = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) {
    if (i > 0 && raw[i - 1] === CR) continue;
    o += raw.copy(out, o, from, i);
    out[o++] = CR;
    from = i; // the LF itself is copied with the next run
  }
  o += raw.copy(out, o, from);
  return out.subarray(0, o);
}
