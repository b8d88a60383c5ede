// Writing one message's FETCH response (RFC 3501 §7.4.2) and cutting BODY[section]<partial>
// out of the message (RFC 3501 §6.4.5): the header, text, MIME header or body of a part, or
// the chosen header fields, by the byte offsets of the MIME module's part tree.
import { findPart } from '../../mime/part-access.js';
import type { MimeTreeNode } from '../../mime/tree-types.js';
import { imapDateTime } from './encode.js';
import type { FetchItem, Section } from './fetch-items.js';
import { readFields } from './header-fields.js';
import type { FetchData } from './requests.js';

/** The bytes a section names, or null when the message has no such part. */
export function sectionBytes(raw: Buffer, tree: MimeTreeNode, s: Section): Buffer | null {
  let node = tree;
  if (s.part.length) {
    const found = findPart(tree, s.part.join('.'));
    if (!found) return null;
    node = found;
  }
  const { start, bodyStart, end } = node.offsets;
  const whole = s.part.length === 0;
  // HEADER and TEXT of part n are those of the message that part n encapsulates (§6.4.5).
  const enc = whole ? null : node.encapsulated;
  const hdr = whole ? { from: start, to: bodyStart } : enc ? { from: bodyStart, to: enc.bodyStart } : null;
  switch (s.spec) {
    case '':
      return whole ? raw : raw.subarray(bodyStart, end);
    case 'MIME':
      return raw.subarray(start, bodyStart);
    case 'TEXT':
      if (!hdr) return null;
      return raw.subarray(hdr.to, end);
    case 'HEADER':
      return hdr ? raw.subarray(hdr.from, hdr.to) : null;
    default: {
      if (!hdr) return null;
      const want = new Set(s.fields.map((f) => f.toLowerCase()));
      const not = s.spec === 'HEADER.FIELDS.NOT';
      const lines = readFields(raw, hdr.from, hdr.to)
        .filter((f) => want.has(f.key) !== not)
        .map((f) => raw.subarray(f.start, f.end));
      // The fields as they are in the message, then the blank line (RFC 3501 §6.4.5).
      return Buffer.concat([...lines, Buffer.from('\r\n')]);
    }
  }
}

function sectionLabel(s: Section): string {
  const part = s.part.join('.');
  const spec = s.spec ? (part ? `.${s.spec}` : s.spec) : '';
  const fields = s.fields.length ? ` (${s.fields.join(' ')})` : '';
  return `${part}${spec}${fields}`;
}

const literal = (b: Buffer): (string | Buffer)[] => [`{${b.length}}\r\n`, b];

/** The pieces of "* n FETCH (…)": strings are binary strings, buffers are literal bytes. */
export function fetchResponse(seq: number, items: FetchItem[], d: FetchData, extraFlags: boolean): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  const add = (...p: (string | Buffer)[]): void => {
    if (out.length) out.push(' ');
    out.push(...p);
  };
  const raw = d.content?.raw;
  const tree = d.content?.tree;
  const done = new Set<string>();
  for (const i of items) {
    if (i.kind !== 'section') {
      if (done.has(i.kind)) continue;
      done.add(i.kind);
    }
    switch (i.kind) {
      case 'UID':
        add(`UID ${d.uid}`);
        break;
      case 'FLAGS':
        add(`FLAGS (${d.flags.join(' ')})`);
        break;
      case 'INTERNALDATE':
        add(`INTERNALDATE "${imapDateTime(d.internalDate)}"`);
        break;
      case 'RFC822.SIZE':
        add(`RFC822.SIZE ${d.size}`);
        break;
      case 'ENVELOPE':
        add(`ENVELOPE ${d.envelope}`);
        break;
      case 'BODYSTRUCTURE':
        add(`BODYSTRUCTURE ${d.bodystructure}`);
        break;
      case 'BODY':
        add(`BODY ${d.body}`);
        break;
      case 'RFC822':
        add('RFC822 ', ...literal(raw!));
        break;
      case 'RFC822.HEADER':
        add('RFC822.HEADER ', ...literal(raw!.subarray(0, tree!.offsets.bodyStart)));
        break;
      case 'RFC822.TEXT':
        add('RFC822.TEXT ', ...literal(raw!.subarray(tree!.offsets.bodyStart)));
        break;
      case 'section': {
        const bytes = sectionBytes(raw!, tree!, i.section);
        const label = `BODY[${sectionLabel(i.section)}]`;
        if (bytes === null) {
          add(`${label} NIL`);
          break;
        }
        if (!i.partial) {
          add(`${label} `, ...literal(bytes));
          break;
        }
        // RFC 3501 §6.4.5: <start.length>; the response names the start only.
        const slice = bytes.subarray(Math.min(i.partial.start, bytes.length), Math.min(i.partial.start + i.partial.length, bytes.length));
        add(`${label}<${i.partial.start}> `, ...literal(slice));
        break;
      }
    }
  }
  if (extraFlags && !done.has('FLAGS')) add(`FLAGS (${d.flags.join(' ')})`);
  return [`* ${seq} FETCH (`, ...out, ')\r\n'];
}
