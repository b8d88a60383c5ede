// A replay result as text for a terminal: one line per exchange, the expected and actual
// replies under each that did not match, and a verdict line.
import type { ExchangeDiff, ReplayResult, SessionSummary } from '../../../shared/types.js';

const MARK: Record<ExchangeDiff['status'], string> = { match: 'ok  ', mismatch: 'DIFF', missing: 'MISS', extra: 'XTRA', skipped: 'skip' };
const clip = (s: string, n = 100): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function formatReport(r: ReplayResult, source: SessionSummary): string {
  const out: string[] = [`replay of ${source.protocol} session ${r.sourceId} against ${r.target}${r.sessionId ? ` (recorded as ${r.sessionId})` : ''}`];
  if (r.error) {
    out.push(`error: ${r.error}`);
    return out.join('\n');
  }
  for (const e of r.exchanges) {
    const first = e.status === 'extra' ? e.actual[0] : e.expected[e.expected.length - 1];
    out.push(`  ${MARK[e.status]} ${String(e.index + 1).padStart(3)}  ${clip(e.command ?? '(greeting)', 40).padEnd(40)}  ${clip(first ?? '')}`);
    if (e.status === 'mismatch' || e.status === 'missing') {
      const n = Math.max(e.expectedNormalized.length, e.actualNormalized.length);
      for (let i = 0; i < n; i++) {
        if (e.expectedNormalized[i] === e.actualNormalized[i]) continue;
        out.push(`             expected: ${clip(e.expected[i] ?? '(nothing)')}`);
        out.push(`             actual:   ${clip(e.actual[i] ?? '(nothing)')}`);
      }
    }
  }
  for (const n of r.notes) out.push(`  note: ${n}`);
  const c = r.counts;
  const verdict = r.ok ? 'MATCH' : 'MISMATCH';
  out.push(`${verdict}: ${c.match} matched, ${c.mismatch} differ, ${c.missing} missing, ${c.extra} extra, ${c.skipped} skipped (${r.durationMs} ms)`);
  return out.join('\n');
}
