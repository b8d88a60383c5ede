import { randomBytes } from 'node:crypto';

let last = 0;
let seq = 0;
/** Random per process, advanced per id: unique across restarts without a syscall per id. */
let salt = randomBytes(3).readUIntBE(0, 3);

/**
 * Sortable, URL- and file-name-safe ids: 9 base36 chars of milliseconds, 3 of a counter within
 * the millisecond, 4 random. Sorting by id is sorting by arrival.
 */
export function newId(now = Date.now()): string {
  if (now <= last) now = last;
  else seq = 0;
  last = now;
  const n = seq++;
  salt = (Math.imul(salt, 1103515245) + 12345) >>> 0;
  const rnd = (salt % 36 ** 4).toString(36).padStart(4, '0');
  return now.toString(36).padStart(9, '0') + n.toString(36).padStart(3, '0') + rnd;
}

export const isId = (s: string): boolean => /^[0-9a-z]{16}$/.test(s);
