// Flag arithmetic for STORE (RFC 3501 §6.4.6): system flags keep one spelling and one order,
// keywords keep the order they were first set in, and nothing appears twice.
import { SYSTEM_FLAGS } from '../protocols/imap/requests.js';

const canonical = new Map<string, string>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));

export const normalizeFlag = (f: string): string => canonical.get(f.toLowerCase()) ?? f;

export function applyFlags(current: readonly string[], mode: 'set' | 'add' | 'remove', given: readonly string[]): string[] {
  const flags = given.map(normalizeFlag).filter((f) => f !== '\\Recent');
  let next: string[];
  if (mode === 'set') next = flags;
  else if (mode === 'add') next = [...current, ...flags];
  else {
    const drop = new Set(flags.map((f) => f.toLowerCase()));
    next = current.filter((f) => !drop.has(f.toLowerCase()));
  }
  const seen = new Set<string>();
  const system = SYSTEM_FLAGS.filter((s) => next.includes(s));
  const keywords = next.filter((f) => !f.startsWith('\\')).filter((k) => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()));
  return [...system, ...keywords];
}
