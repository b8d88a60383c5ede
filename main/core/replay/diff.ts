// The comparison of a replay with its recording, exchange by exchange. Both sides are the
// dissectors' exchanges (command paired with its replies), in the order they completed; each
// reply line is compared after normalisation. Exchanges only one side has are "missing" (the
// target stopped early) or "extra" (it answered more); a recorded STARTTLS that the chosen TLS
// mode did not send, or one the replay added, is "skipped".
import type { ExchangeDiff, ExchangeDiffStatus, ExchangeEvent, Reply } from '../../../shared/types.js';
import type { CompiledRules } from './normalize.js';

export interface DiffInput {
  recorded: ExchangeEvent[];
  replayed: ExchangeEvent[];
  /** Verbs of recorded exchanges that were not sent (STARTTLS, STLS). */
  skippedVerbs: ReadonlySet<string>;
  /** The replay's first n command exchanges were added, not recorded. */
  injected: number;
  rules: CompiledRules;
}

export interface DiffOutcome {
  exchanges: ExchangeDiff[];
  counts: Record<ExchangeDiffStatus, number>;
}

/** Reply lines as text: "250 2.1.0 Ok", "+OK 2 messages", "* 3 EXISTS", "OK [READ-WRITE] done". */
export function replyLines(replies: Reply[]): string[] {
  const out: string[] = [];
  for (const r of replies)
    for (const l of r.lines) out.push([l.code, l.enhanced, l.text].filter((x) => x !== null && x !== '').join(' '));
  return out;
}

const commandOf = (e: ExchangeEvent | undefined): string | null => e?.command?.line ?? null;

export function diffExchanges(i: DiffInput): DiffOutcome {
  const exchanges: ExchangeDiff[] = [];
  const counts: Record<ExchangeDiffStatus, number> = { match: 0, mismatch: 0, missing: 0, extra: 0, skipped: 0 };
  const add = (d: Omit<ExchangeDiff, 'index'>): void => {
    exchanges.push({ index: exchanges.length, ...d });
    counts[d.status]++;
  };
  const replayed = [...i.replayed];
  // The added exchanges come right after the greeting.
  let dropped = 0;
  for (let k = 0; k < replayed.length && dropped < i.injected; ) {
    if (replayed[k]!.command === null) {
      k++;
      continue;
    }
    const e = replayed.splice(k, 1)[0]!;
    const actual = replyLines(e.replies);
    add({ command: commandOf(e), expected: [], actual, expectedNormalized: [], actualNormalized: actual.map(i.rules.line), status: 'skipped' });
    dropped++;
  }
  let r = 0;
  for (const rec of i.recorded) {
    const expected = replyLines(rec.replies);
    const expectedNormalized = expected.map(i.rules.line);
    if (rec.command && i.skippedVerbs.has(rec.command.verb)) {
      add({ command: commandOf(rec), expected, actual: [], expectedNormalized, actualNormalized: [], status: 'skipped' });
      continue;
    }
    const got = replayed[r++];
    if (!got) {
      add({ command: commandOf(rec), expected, actual: [], expectedNormalized, actualNormalized: [], status: 'missing' });
      continue;
    }
    const actual = replyLines(got.replies);
    const actualNormalized = actual.map(i.rules.line);
    const same =
      expectedNormalized.length === actualNormalized.length &&
      expectedNormalized.every((l, k) => l === actualNormalized[k]) &&
      !!rec.incomplete === !!got.incomplete;
    add({ command: commandOf(rec) ?? commandOf(got), expected, actual, expectedNormalized, actualNormalized, status: same ? 'match' : 'mismatch' });
  }
  for (; r < replayed.length; r++) {
    const e = replayed[r]!;
    const actual = replyLines(e.replies);
    add({ command: commandOf(e), expected: [], actual, expectedNormalized: [], actualNormalized: actual.map(i.rules.line), status: 'extra' });
  }
  return { exchanges, counts };
}
