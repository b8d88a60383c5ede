// An expanded exchange: the compared (normalised) responses side by side with the differing
// characters marked, then the raw responses when normalisation changed them.
import type { ExchangeDiff } from '../../../../shared/types';
import type { LinePair } from '../../lib/text-diff';
import { DiffText } from './DiffText';
import { MAX_DETAIL_LINES, detailModel } from './diff-model';

function PairLines({ pairs }: { pairs: LinePair[] }) {
  return (
    <>
      {pairs.map((p, i) => (
        <div key={i} className={`dd-line${p.changed ? ' changed' : ''}`}>
          <span className={`dd-cell mono${p.left ? '' : ' blank'}`}>
            <DiffText segments={p.left} />
          </span>
          <span className={`dd-cell mono${p.right ? '' : ' blank'}`}>
            <DiffText segments={p.right} />
          </span>
        </div>
      ))}
    </>
  );
}

export function DiffDetail({ x }: { x: ExchangeDiff }) {
  const m = detailModel(x);
  const longest = Math.max(x.expected.length, x.actual.length);
  return (
    <div className="diff-detail" data-testid="diff-detail" onClick={(e) => e.stopPropagation()}>
      <div className="dd-cmd mono">
        <span className="muted">C:</span> {x.command ?? '(greeting: no command)'}
      </div>
      <div className="dd-heading">
        <span>Recorded, normalised</span>
        <span>Replayed, normalised</span>
      </div>
      <PairLines pairs={m.normalized} />
      {m.raw ? (
        <>
          <div className="dd-heading">
            <span>Recorded, raw</span>
            <span>Replayed, raw</span>
          </div>
          <PairLines pairs={m.raw} />
        </>
      ) : null}
      {longest > MAX_DETAIL_LINES ? <div className="dd-cut muted">… {longest - MAX_DETAIL_LINES} more lines: open the sessions to see all.</div> : null}
    </div>
  );
}
