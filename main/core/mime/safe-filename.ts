// A file name from a message is chosen by its sender. Before it names a download it loses
// directories, control and reserved characters, and excess length, on every platform we run on.

import libmime from 'libmime';

/** Most file systems allow 255 bytes per name; leave room for a " (1)" a browser may add. */
export const MAX_FILENAME_BYTES = 200;
/** An extension longer than this is kept as part of the name when shortening. */
const MAX_EXTENSION_LENGTH = 16;

// C0 and C1 controls, and the bidirectional controls that can make "evil\u202Efdp.exe" look
// like "evilexe.pdf".
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Reserved in Windows file names: < > : " / \ | ? *
const RESERVED = /[<>:"/\\|?*]/g;
// Windows device names are reserved with any extension.
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/**
 * A download name for a part: the sender's `name` made safe, or `part-<path>.<ext>` from the
 * content type when nothing usable is left of it. The root body of a message that is not
 * multipart is IMAP section "1", and is named so.
 */
export function safeFilename(name: string | null, contentType: string, path: string): string {
  const cleaned = name === null ? '' : cleanName(name);
  return cleaned || `part-${path || '1'}.${libmime.detectExtension(contentType)}`;
}

function cleanName(name: string): string {
  let base = name.normalize('NFC').replace(CONTROLS, '');
  // "../../etc/passwd" and "C:\\Windows\\x" keep only their last segment.
  base = base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1);
  // Leading dots would hide the file or leave "..", and Windows drops trailing dots and spaces.
  base = base.replace(RESERVED, '_').replace(/^[\s.]+|[\s.]+$/g, '');
  if (DEVICE_NAME.test(base)) base = `_${base}`;
  return shorten(base);
}

/** Cuts the name to MAX_FILENAME_BYTES of UTF-8 at a character boundary, keeping the extension. */
function shorten(name: string): string {
  if (Buffer.byteLength(name) <= MAX_FILENAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_LENGTH ? name.slice(dot) : '';
  const stem = Array.from(name.slice(0, name.length - extension.length)).slice(0, MAX_FILENAME_BYTES);
  while (stem.length > 0 && Buffer.byteLength(stem.join('') + extension) > MAX_FILENAME_BYTES) stem.pop();
  return stem.join('').trimEnd() + extension;
}
