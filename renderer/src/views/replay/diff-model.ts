// What the replay diff view shows of each exchange: the first differing line pair for the
// collapsed row, the full side-by-side diff (normalised and raw) when expanded, and the heights
// the virtual list needs. Diffs are computed once per exchange and cached.
import type { ExchangeDiff, ExchangeDiffStatus } from '../../../../shared/types';
import { inlineDiff, sideBySide, type LinePair, type Segment } from '../../lib/text-diff';

export const DIFF_ROW_HEIGHT = 32;
const LINE = 18;
/** Longer responses (a big FETCH, a RETR) are cut in the expanded view; the session has them all. */
export const MAX_DETAIL_LINES = 200;

export const STATUS_LABEL: Record<ExchangeDiffStatus, string> = { match: 'match', mismatch: 'mismatch', missing: 'missing', extra: 'extra', skipped: 'skipped' };
export const STATUS_CLASS: Record<ExchangeDiffStatus, string> = { match: 'st-ok', mismatch: 'st-err', missing: 'st-err', extra: 'st-warn', skipped: 'st-none' };
export const STATUS_HINT: Record<ExchangeDiffStatus, string> = {
  match: 'The response matches the recorded one after normalisation.',
  mismatch: 'The response differs from the recorded one.',
  missing: 'The target did not answer this exchange.',
  extra: 'The target sent a response nothing in the recording asked for.',
  skipped: 'Not sent (for example a STARTTLS the chosen TLS mode leaves out).',
};

export const isProblem = (s: ExchangeDiffStatus) => s === 'mismatch' || s === 'missing' || s === 'extra';

export interface RowPreview {
  left: Segment[];
  right: Segment[];
  /** More lines than the preview shows, on either side. */
  moreLines: number;
}

export interface DetailModel {
  normalized: LinePair[];
  /** The responses as received, when normalisation changed anything. */
  raw: LinePair[] | null;
  height: number;
}

const previews = new WeakMap<ExchangeDiff, RowPreview>();
const details = new WeakMap<ExchangeDiff, DetailModel>();

export function rowPreview(x: ExchangeDiff): RowPreview {
  let p = previews.get(x);
  if (p) return p;
  const e = x.expectedNormalized;
  const a = x.actualNormalized;
  const moreLines = Math.max(e.length, a.length) - 1;
  let k = 0;
  while (k < e.length && k < a.length && e[k] === a[k]) k++;
  if (x.status === 'mismatch' && (k < e.length || k < a.length)) {
    const d = inlineDiff(e[k] ?? '', a[k] ?? '');
    p = { left: d.left, right: d.right, moreLines };
  } else {
    const head = (xs: string[]) => (xs.length ? [{ op: 'same' as const, text: summaryLine(xs) }] : []);
    p = { left: head(x.expected), right: head(x.actual), moreLines };
  }
  previews.set(x, p);
  return p;
}

/** The line that sums a response up: the first (SMTP's greeting line, POP3's +OK), except after
 * IMAP's untagged lines, where the tagged status line at the end says it. */
function summaryLine(xs: string[]): string {
  return xs[0]!.startsWith('* ') ? xs[xs.length - 1]! : xs[0]!;
}

const capped = <T>(xs: readonly T[]) => xs.slice(0, MAX_DETAIL_LINES);
const sameLines = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

export function detailModel(x: ExchangeDiff): DetailModel {
  let d = details.get(x);
  if (d) return d;
  const normalized = sideBySide(capped(x.expectedNormalized), capped(x.actualNormalized));
  const unchanged = sameLines(x.expected, x.expectedNormalized) && sameLines(x.actual, x.actualNormalized);
  const raw = unchanged ? null : sideBySide(capped(x.expected), capped(x.actual));
  const cut = Math.max(x.expected.length, x.actual.length) > MAX_DETAIL_LINES ? 1 : 0;
  // Padding, one heading per section, the command line, and the lines.
  const rows = 1 + normalized.length + (raw ? raw.length + 1 : 0) + 1 + cut;
  d = { normalized, raw, height: 14 + rows * LINE };
  details.set(x, d);
  return d;
}

/** Indexes into result.exchanges that the filter shows. */
export function visibleIndexes(exchanges: readonly ExchangeDiff[], onlyProblems: boolean): number[] {
  const out: number[] = [];
  exchanges.forEach((x, i) => (!onlyProblems || isProblem(x.status)) && out.push(i));
  return out;
}
