// Typed requests for command generators: `const info = yield* ask<SelectInfo>({ op: 'select', … })`.
import type { ImapRequest } from '../requests.js';

export function* ask<T>(request: ImapRequest): Generator<ImapRequest, T, unknown> {
  return (yield request) as T;
}

/** The rest of a command line must be empty. */
export const done = (args: { atEnd(): boolean }): boolean => args.atEnd();
