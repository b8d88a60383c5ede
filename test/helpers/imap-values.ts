// Reading IMAP data items (RFC 3501 §4) into plain values, for tests that compare what two
// servers said rather than how they said it: a quoted string and a literal with the same
// bytes are the same value. Atoms stay strings; NIL is null; lists are arrays.

export type ImapValue = string | null | ImapValue[];

export function parseImapValues(s: string): ImapValue[] {
  let i = 0;
  const values = (close: string | null): ImapValue[] => {
    const out: ImapValue[] = [];
    for (;;) {
      while (s[i] === ' ') i++;
      if (i >= s.length) {
        if (close) throw new Error(`unterminated list at ${i}`);
        return out;
      }
      const c = s[i]!;
      if (c === close) {
        i++;
        return out;
      }
      if (c === '(') {
        i++;
        out.push(values(')'));
      } else if (c === '"') {
        let v = '';
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\') i++;
          v += s[i++];
        }
        i++;
        out.push(v);
      } else if (c === '{') {
        const m = /^\{(\d+)\+?\}\r\n/.exec(s.slice(i));
        if (!m) throw new Error(`bad literal at ${i}`);
        i += m[0].length;
        out.push(s.slice(i, i + Number(m[1])));
        i += Number(m[1]);
      } else {
        const m = /^[^\s()"]+/.exec(s.slice(i))!;
        if (!m) throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
        // A section spec such as BODY[1.2] or BODY[HEADER.FIELDS (A B)] stays one atom.
        let atom = m[0];
        i += atom.length;
        if (atom.includes('[') && !atom.includes(']')) {
          const end = s.indexOf(']', i);
          atom += s.slice(i, end + 1);
          i = end + 1;
          const rest = /^[^\s()"]*/.exec(s.slice(i))![0];
          atom += rest;
          i += rest.length;
        }
        out.push(atom === 'NIL' ? null : atom);
      }
    }
  };
  return values(null);
}

/** The FETCH items of one "* n FETCH (…)" response as a map: {ENVELOPE: […], UID: "5"}. */
export function fetchItems(response: string): Record<string, ImapValue> {
  const m = /^\* (\d+) FETCH /.exec(response);
  if (!m) throw new Error(`not a FETCH response: ${response.slice(0, 60)}`);
  const [items] = parseImapValues(response.slice(m[0].length)) as [ImapValue[]];
  const out: Record<string, ImapValue> = {};
  for (let k = 0; k + 1 < items.length; k += 2) out[String(items[k]).toUpperCase()] = items[k + 1]!;
  return out;
}
