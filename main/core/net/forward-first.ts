// "Forward first, record after", shared by the two socket adapters (connection.ts, relay.ts):
// of the commands a codec answers a chunk with, the leading sends are written before anything
// is recorded, so the recorder and the dissectors add nothing to a peer's round trip.
import type { CodecCommand } from '../protocols/types.js';

export type SendCommand = Extract<CodecCommand, { type: 'send' }>;

/** How many of `cmds`, from the first, are sends: those may go out before any recording. */
export function leadingSends(cmds: readonly CodecCommand[]): number {
  let n = 0;
  while (n < cmds.length && cmds[n]!.type === 'send') n++;
  return n;
}
