// BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051 §7.5.2) from the MIME module's part tree
// (sizes, line counts, nesting) and each part's raw Content-* fields (types, parameters and
// the rest, reported as written). The choices the RFC leaves open follow Dovecot, the reference:
// text parts without a charset get ("charset" "us-ascii"), a type with no subtype has subtype
// "", and a message/rfc822 whose body cannot be read as a message has an empty envelope and an
// empty text/plain body.
import { type MimeTreeNode } from '../../mime/tree-types.js';
import { list, nstr, str } from './encode.js';
import { EMPTY_ENVELOPE, encodeEnvelope } from './envelope.js';
import { type RawField, firstField, readFields } from './header-fields.js';
import { type Params, parseContentType, parseDisposition, parseLanguages, parseMechanism } from './mime-params.js';

const EMPTY_TEXT = '"text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0';

function params(p: Params, defaultCharset: boolean): string {
  const items = p.flatMap(([k, v]) => [str(k), str(v)]);
  if (defaultCharset && !p.some(([k]) => k.toLowerCase() === 'charset')) items.push('"charset" "us-ascii"');
  return items.length ? list(items) : 'NIL';
}

const nolf = (v: string | null): string => nstr(v === null ? null : v.replace(/[\r\n]/g, ''));

/** body-fld-dsp, body-fld-lang and body-fld-loc, shared by every kind of part. */
function commonExtension(fields: readonly RawField[]): string {
  const dspField = firstField(fields, 'content-disposition');
  const dsp = dspField === null ? null : parseDisposition(dspField);
  const langs = parseLanguages(firstField(fields, 'content-language') ?? '');
  return [
    dsp ? `(${str(dsp.type)} ${params(dsp.params, false)})` : 'NIL',
    langs.length ? list(langs.map(str)) : 'NIL',
    nolf(firstField(fields, 'content-location')),
  ].join(' ');
}

export class StructureWriter {
  constructor(
    private readonly raw: Buffer,
    private readonly extended: boolean,
  ) {}

  private fields(node: MimeTreeNode): RawField[] {
    return readFields(this.raw, node.offsets.start, node.offsets.bodyStart);
  }

  write(node: MimeTreeNode): string {
    const fields = this.fields(node);
    if (node.contentType.startsWith('multipart/') && node.children.length > 0) return this.multipart(node.children, fields);
    return this.single(node, fields);
  }

  private multipart(children: MimeTreeNode[], fields: RawField[]): string {
    const ct = parseContentType(firstField(fields, 'content-type') ?? '');
    const parts = children.map((c) => `(${this.write(c)})`).join('');
    const head = `${parts} ${str(ct?.subtype ?? 'mixed')}`;
    if (!this.extended) return head;
    return `${head} ${params(ct?.params ?? [], false)} ${commonExtension(fields)}`;
  }

  private single(node: MimeTreeNode, fields: RawField[]): string {
    const declared = firstField(fields, 'content-type');
    const ct = declared === null ? null : parseContentType(declared);
    // The MIME module reads a multipart it cannot split as text/plain; say what it read.
    const unsplit = node.contentType === 'text/plain' && ct?.type.toLowerCase() === 'multipart';
    const rfc822 = node.contentType === 'message/rfc822';
    const type = unsplit || !ct ? null : ct;
    const text = !rfc822 && (type === null || type.type.toLowerCase() === 'text');
    const out: string[] = [];
    if (rfc822) out.push('"message" "rfc822"');
    else out.push(type ? `${str(type.type)} ${str(type.subtype)}` : '"text" "plain"');
    out.push(params(type?.params ?? [], text));
    out.push(nolf(firstField(fields, 'content-id')), nolf(firstField(fields, 'content-description')));
    const cte = firstField(fields, 'content-transfer-encoding');
    out.push(str((cte === null ? null : parseMechanism(cte)) ?? '7bit'));
    out.push(String(node.size));
    if (text) out.push(String(node.lines));
    else if (rfc822) out.push(...this.encapsulated(node), String(node.lines));
    if (this.extended) out.push(nolf(firstField(fields, 'content-md5')), commonExtension(fields));
    return out.join(' ');
  }

  /** The envelope and body of a message/rfc822 part (RFC 3501 §7.4.2 body-type-msg). */
  private encapsulated(node: MimeTreeNode): string[] {
    const enc = node.encapsulated;
    if (!enc) return [EMPTY_ENVELOPE, `(${EMPTY_TEXT}${this.extended ? ' NIL NIL NIL NIL' : ''})`];
    const innerFields = readFields(this.raw, node.offsets.bodyStart, enc.bodyStart);
    const envelope = encodeEnvelope(innerFields);
    // An encapsulated multipart has its parts directly under this node; a single part is the
    // one child, whose header is the encapsulated message's header.
    const body = enc.contentType.startsWith('multipart/') && node.children.length > 0
      ? this.multipart(node.children, innerFields)
      : node.children[0]
        ? this.write(node.children[0])
        : EMPTY_TEXT;
    return [envelope, `(${body})`];
  }
}

/** BODYSTRUCTURE (extended) or BODY (not), of a whole message. */
export function encodeBodyStructure(raw: Buffer, tree: MimeTreeNode, extended: boolean): string {
  return `(${new StructureWriter(raw, extended).write(tree)})`;
}
