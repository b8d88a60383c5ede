// The verdict of a replay run: pass or fail, the counts per status, the target and duration,
// the notes and error, and links to the source session and the replay's own session.
import type { ExchangeDiffStatus, ReplayResult } from '../../../../shared/types';
import { AlertIcon } from '../../components/Icons';
import { formatDuration } from '../../lib/format';
import { routeHref } from '../../state/route';
import { STATUS_CLASS } from './diff-model';

const ORDER: ExchangeDiffStatus[] = ['match', 'mismatch', 'missing', 'extra', 'skipped'];

export function verdictOf(r: ReplayResult): { label: string; cls: string } {
  if (r.error) return { label: 'Error', cls: 'st-err' };
  return r.ok ? { label: 'Pass', cls: 'st-ok' } : { label: 'Fail', cls: 'st-err' };
}

export function ReplaySummary({ result: r }: { result: ReplayResult }) {
  const v = verdictOf(r);
  return (
    <section className={`replay-summary verdict-${v.label.toLowerCase()}`} data-testid="replay-summary" data-ok={r.ok}>
      <div className="rs-top">
        <span className={`rs-verdict ${v.cls}`} data-testid="replay-verdict">
          {v.label}
        </span>
        <div className="rs-counts">
          {ORDER.map((s) =>
            r.counts[s] || s === 'match' || s === 'mismatch' ? (
              <span key={s} className={`rs-count ${r.counts[s] ? STATUS_CLASS[s] : 'st-none'}`} data-testid={`replay-count-${s}`}>
                <strong>{r.counts[s].toLocaleString('en')}</strong> {s}
              </span>
            ) : null,
          )}
        </div>
        <div className="tabs-spacer" />
        <span className="muted small">
          against <span className="mono">{r.target}</span> in {formatDuration(r.durationMs * 1000)}
        </span>
      </div>
      <div className="rs-links small">
        <span>
          <span className="muted">source</span>{' '}
          <a href={routeHref('sessions', r.sourceId)} className="mono" data-testid="replay-source-link">
            {r.sourceId.slice(0, 12)}
          </a>
        </span>
        {r.sessionId ? (
          <span>
            <span className="muted">replay session</span>{' '}
            <a href={routeHref('sessions', r.sessionId)} className="mono" data-testid="replay-session-link">
              {r.sessionId.slice(0, 12)}
            </a>
          </span>
        ) : null}
      </div>
      {r.error ? (
        <p className="rs-error st-err" data-testid="replay-error">
          <AlertIcon size={13} /> {r.error}
        </p>
      ) : null}
      {r.notes.length ? (
        <ul className="rs-notes small" data-testid="replay-notes">
          {r.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
