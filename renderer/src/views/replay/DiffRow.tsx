// One exchange of a replay diff: index, command, the recorded and the new response side by side
// (the first differing line, with the differing characters marked), and the verdict.
import type { ExchangeDiff } from '../../../../shared/types';
import { ChevronIcon } from '../../components/Icons';
import { DiffDetail } from './DiffDetail';
import { DiffStatusBadge } from './DiffStatusBadge';
import { DiffText } from './DiffText';
import { isProblem, rowPreview } from './diff-model';

export interface DiffRowProps {
  x: ExchangeDiff;
  top: number;
  height: number;
  selected: boolean;
  expanded: boolean;
  onSelect: (position: number) => void;
  onToggle: (position: number) => void;
  position: number;
}

export function DiffRow({ x, top, height, selected, expanded, onSelect, onToggle, position }: DiffRowProps) {
  const p = rowPreview(x);
  const more = p.moreLines > 0 ? <span className="more-lines">+{p.moreLines}</span> : null;
  return (
    <div
      className={`drow${selected ? ' selected' : ''}${isProblem(x.status) ? ' problem' : ''} drow-${x.status}`}
      style={{ transform: `translateY(${top}px)`, height }}
      role="row"
      aria-selected={selected}
      aria-expanded={expanded}
      data-testid="diff-row"
      data-status={x.status}
      data-index={x.index}
      onClick={() => {
        onSelect(position);
        onToggle(position);
      }}
    >
      <div className="drow-line">
        <span className="t-expand" aria-hidden>
          <ChevronIcon size={12} open={expanded} />
        </span>
        <span className="d-index mono muted">{x.index}</span>
        <span className="d-cmd mono" title={x.command ?? 'greeting'}>
          {x.command ?? <span className="muted">greeting</span>}
        </span>
        <span className="d-side d-expected mono" data-testid="diff-expected">
          <span className="d-text">
            <DiffText segments={p.left} empty="(nothing)" />
          </span>
          {more}
        </span>
        <span className="d-side d-actual mono" data-testid="diff-actual">
          <span className="d-text">
            <DiffText segments={p.right} empty={x.status === 'missing' ? '(no response)' : '(nothing)'} />
          </span>
          {more}
        </span>
        <DiffStatusBadge status={x.status} />
      </div>
      {expanded ? <DiffDetail x={x} /> : null}
    </div>
  );
}
