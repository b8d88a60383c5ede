import { randomBytes } from 'node:crypto';

let last = 0;
let seq = 0;

/**
 * Sortable, URL- and file-name-safe ids: 9 base36 chars of milliseconds, 3 of a counter within
 * the millisecond, 4 random. Sorting by id is sorting by arrival.
 */
export function newId(now = Date.now()): string {
  if (now <= last) now = last;
  else seq = 0;
  last = now;
  const n = seq++;
  const rnd = randomBytes(3).readUIntBE(0, 3).toString(36).padStart(5, '0').slice(-4);
  return now.toString(36).padStart(9, '0') + n.toString(36).padStart(3, '0') + rnd;
}

export const isId = (s: string): boolean => /^[0-9a-z]{16}$/.test(s);
