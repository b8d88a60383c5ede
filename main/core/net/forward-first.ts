// "Forward first, record after", shared by the two socket adapters (connection.ts, relay.ts):
// of the commands a codec answers a chunk with, the leading sends are written before anything
// is recorded, so the recorder and the dissectors add nothing to a peer's round trip.
import type { Micros } from '../../../shared/types.js';
import type { CodecCommand } from '../protocols/types.js';

export type SendCommand = Extract<CodecCommand, { type: 'send' }>;

/** How many of `cmds`, from the first, are sends: those may go out before any recording. */
function leadingSends(cmds: readonly CodecCommand[]): number {
  let n = 0;
  while (n < cmds.length && cmds[n]!.type === 'send') n++;
  return n;
}

/** What an adapter does with one chunk read from a peer, step by step. */
export interface ChunkSteps {
  /** The codec's answer to the chunk (it may throw: a codec bug). */
  answer(): CodecCommand[];
  /** Write one send; the time it went, or null if that side is done. */
  write(c: SendCommand): Micros | null;
  /** Record the chunk itself, with the time it came. */
  recordChunk(): void;
  /** Record a send written at `at`. */
  recordSent(c: SendCommand, at: Micros): void;
  /** Carry out the rest of the answer, from index `from`. */
  run(cmds: CodecCommand[], from: number): void;
  /** The codec threw: record it and hang up. */
  crashed(err: unknown): void;
}

/**
 * Handle one chunk forward first: the leading sends go out, then the chunk and those sends are
 * recorded (in that order, with the times they came and went), then the rest of the answer
 * runs. A chunk that breaks the codec is recorded too: it is the evidence.
 */
export function handleChunk(steps: ChunkSteps): void {
  let recorded = false;
  try {
    const cmds = steps.answer();
    const n = leadingSends(cmds);
    const sent = cmds.slice(0, n).map((c) => steps.write(c as SendCommand));
    steps.recordChunk();
    recorded = true;
    sent.forEach((at, i) => at !== null && steps.recordSent(cmds[i] as SendCommand, at));
    steps.run(cmds, n);
  } catch (err) {
    if (!recorded) steps.recordChunk();
    steps.crashed(err);
  }
}
