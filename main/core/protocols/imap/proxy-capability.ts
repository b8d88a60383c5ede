// What the IMAP proxy changes in the capabilities the upstream announces, before the client
// sees them: in "* CAPABILITY …" (RFC 3501 §7.2.1) and in a [CAPABILITY …] response code
// (RFC 3501 §7.1) of the greeting or of a tagged OK after LOGIN/AUTHENTICATE.
//
// - STARTTLS is offered exactly when the client leg can upgrade (RFC 3501 §6.2.1), whatever
//   the upstream offered on its own leg;
// - COMPRESS=… is removed: a compressed dialogue (RFC 4978) could not be recorded.
// Anything else, LOGINDISABLED included (it is the upstream's word on its own leg), passes
// byte-exact, and a response with nothing to change is returned as it came.

const DATA = /^(\* CAPABILITY)((?: +[^ ]+)*) *$/i;
const CODE = /^(\S+ +(?:OK|NO|BAD|PREAUTH|BYE) +\[CAPABILITY)([^\]]*)(\].*)$/i;

export interface CapabilityRewrite {
  bytes: Buffer;
  /** Capabilities taken out that blind the proxy (COMPRESS=DEFLATE). */
  removed: string[];
}

/** The capability atoms of a response, or null when it announces none. */
export function capabilitiesOf(text: string): string[] | null {
  const m = DATA.exec(text) ?? CODE.exec(text);
  return m ? m[2]!.trim().split(/ +/).filter(Boolean) : null;
}

/**
 * Rewrite one response line (`raw` with its line ending, `text` without). With `fresh`, the
 * list is replaced by those atoms first (a greeting sent before the upstream's STARTTLS is
 * stale, RFC 3501 §6.2.1); the rules above then apply.
 */
export function rewriteCapabilities(raw: Buffer, text: string, offerStartTls: boolean, fresh: string[] | null = null): CapabilityRewrite {
  const m = DATA.exec(text) ?? CODE.exec(text);
  if (!m) return { bytes: raw, removed: [] };
  const before = m[2]!.trim().split(/ +/).filter(Boolean);
  const source = fresh ?? before;
  const removed = source.filter((a) => /^COMPRESS=/i.test(a));
  const atoms = source.filter((a) => !/^COMPRESS=/i.test(a) && a.toUpperCase() !== 'STARTTLS');
  if (offerStartTls) atoms.push('STARTTLS');
  const same = atoms.length === before.length && atoms.every((a) => before.some((b) => b.toUpperCase() === a.toUpperCase()));
  if (same) return { bytes: raw, removed };
  const eol = raw.subarray(Buffer.byteLength(text, 'latin1'));
  const line = `${m[1]} ${atoms.join(' ')}${m[3] ?? ''}`;
  return { bytes: Buffer.concat([Buffer.from(line, 'latin1'), eol]), removed };
}
