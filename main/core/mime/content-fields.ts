// The MIME fields that describe a part (RFC 2045 §5-§8, RFC 2183 Content-Disposition,
// RFC 2392 Content-ID), read from its header block with RFC 2231 and RFC 2047 parameters decoded.

import libmime from 'libmime';
import { decodeWords, firstValue, type HeaderBlock } from './header-block.js';

export interface ContentFields {
  /** Lower-cased type/subtype; the default when the field is missing or not type/subtype. */
  contentType: string;
  params: Record<string, string>;
  /** Lower-cased; us-ascii for text/* without one (RFC 2045 §5.2, RFC 2046 §4.1.2). */
  charset: string | null;
  /** The multipart boundary as bytes, exactly as the delimiter lines must carry it. */
  boundary: Buffer | null;
  transferEncoding: string | null;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  filename: string | null;
  /** As written, angle brackets included (RFC 2045 §7, RFC 5322 msg-id). */
  contentId: string | null;
  description: string | null;
  /** The Content-Type value when it was present but unusable, so the caller can say so. */
  invalidType: string | null;
}

// RFC 2045 §5.1: type "/" subtype, each a token.
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

// Parameters that are protocol syntax, never display text: encoded words in them stay as written.
const STRUCTURAL_PARAMS = new Set(['boundary', 'charset']);

export const US_ASCII = 'us-ascii';

/**
 * `defaultType` is text/plain, except inside multipart/digest where it is message/rfc822
 * (RFC 2046 §5.1.5).
 */
export function readContentFields(block: HeaderBlock, defaultType: string): ContentFields {
  const typeField = firstValue(block.fields, 'content-type');
  const parsedType = parseStructured(typeField);
  const declared = parsedType.value.toLowerCase().trim();
  const valid = MEDIA_TYPE.test(declared);
  const contentType = valid ? declared : defaultType;
  const params = valid ? parsedType.params : {};

  const dispositionField = firstValue(block.fields, 'content-disposition');
  const parsedDisposition = parseStructured(dispositionField);
  const disposition = parsedDisposition.value.toLowerCase().trim() || null;

  const rawBoundary = params['boundary'];
  const charset = params['charset']?.trim().toLowerCase() || (contentType.startsWith('text/') ? US_ASCII : null);
  const filename = parsedDisposition.params['filename'] || params['name'] || null;
  return {
    contentType,
    params,
    charset,
    boundary: rawBoundary ? Buffer.from(rawBoundary, block.encoding) : null,
    transferEncoding: readTransferEncoding(firstValue(block.fields, 'content-transfer-encoding')),
    disposition,
    dispositionParams: parsedDisposition.params,
    filename,
    contentId: firstValue(block.fields, 'content-id') || null,
    description: decodeWords(firstValue(block.fields, 'content-description') ?? '') || null,
    invalidType: typeField !== null && !valid ? typeField : null,
  };
}

function parseStructured(value: string | null): { value: string; params: Record<string, string> } {
  if (value === null) return { value: '', params: {} };
  // RFC 2045 §5.1 allows comments in these fields; they are not part of any value.
  const parsed = libmime.parseHeaderValue(value, { stripComments: true });
  // RFC 2047 §5 forbids encoded words in parameters, yet common mailers write file names that
  // way and every client decodes them. RFC 2231 values were decoded by libmime already, and
  // decoding them again would let an encoded word hidden in a percent-encoded value change them.
  const rfc2231 = new Set(parsed.decodedParams);
  const params = Object.fromEntries(
    Object.entries(parsed.params).map(([k, v]) => [
      k,
      rfc2231.has(k) || STRUCTURAL_PARAMS.has(k) ? v : decodeWords(v),
    ]),
  );
  return { value: parsed.value, params };
}

/** RFC 2045 §6.1: a token, case-insensitive; comments may surround it. */
function readTransferEncoding(value: string | null): string | null {
  if (value === null) return null;
  return value.replace(/\([^)]*\)/g, '').trim().toLowerCase() || null;
}
