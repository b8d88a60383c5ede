// The side-by-side diff of a replay: the summary, a filter for the exchanges that did not
// match, and a virtualised list of exchanges (thousands scroll smoothly); j/k move, Enter expands.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { ReplayResult } from '../../../../shared/types';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import { nextIndex } from '../../components/list-keys';
import { plural } from '../../lib/format';
import { DiffRow } from './DiffRow';
import { DIFF_ROW_HEIGHT, detailModel, isProblem, visibleIndexes } from './diff-model';
import { ReplaySummary } from './ReplaySummary';

export function ReplayDiffView({ result }: { result: ReplayResult }) {
  const problems = useMemo(() => result.exchanges.filter((x) => isProblem(x.status)).length, [result]);
  const [onlyProblems, setOnlyProblems] = useState(problems > 0);
  const rows = useMemo(() => visibleIndexes(result.exchanges, onlyProblems), [result, onlyProblems]);
  const [selected, setSelected] = useState(-1);
  const [expanded, setExpanded] = useState<ReadonlyMap<number, number>>(new Map());
  const list = useRef<VirtualListHandle>(null);

  const setFilter = (on: boolean) => {
    setOnlyProblems(on);
    setExpanded(new Map());
    setSelected(-1);
  };

  const toggle = useCallback(
    (position: number) => {
      const x = result.exchanges[rows[position]!];
      if (!x) return;
      setExpanded((prev) => {
        const next = new Map(prev);
        if (next.has(position)) next.delete(position);
        else next.set(position, detailModel(x).height);
        return next;
      });
    },
    [result, rows],
  );

  return (
    <div className="replay-diff" data-testid="replay-diff">
      <ReplaySummary result={result} />
      <div className="subbar">
        <div className="segmented" role="group" aria-label="Show">
          <button type="button" className={onlyProblems ? '' : 'on'} onClick={() => setFilter(false)} data-testid="diff-show-all">
            All {result.exchanges.length.toLocaleString('en')}
          </button>
          <button type="button" className={onlyProblems ? 'on' : ''} onClick={() => setFilter(true)} data-testid="diff-only-mismatches">
            Only mismatches {problems.toLocaleString('en')}
          </button>
        </div>
        {expanded.size ? (
          <button type="button" className="btn ghost small" onClick={() => setExpanded(new Map())}>
            Collapse all
          </button>
        ) : null}
        <div className="tabs-spacer" />
        <span className="muted small hint-keys">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> raw and normalised
        </span>
      </div>
      <div className="dhead">
        <span />
        <span>#</span>
        <span>Command</span>
        <span>Recorded response</span>
        <span>Replayed response</span>
        <span>Result</span>
      </div>
      {rows.length === 0 ? (
        <div className="placeholder muted" data-testid="diff-empty">
          {onlyProblems ? `No mismatches: all ${plural(result.exchanges.length, 'exchange')} matched.` : 'The replay compared no exchanges.'}
        </div>
      ) : (
        <VirtualList
          listRef={list}
          className="diff-list"
          role="grid"
          label="Replay diff"
          testId="diff-list"
          count={rows.length}
          rowHeight={DIFF_ROW_HEIGHT}
          extraHeights={expanded}
          overscan={10}
          onKeyDown={(ev) => {
            if (ev.key === 'Enter' || ev.key === ' ') {
              ev.preventDefault();
              if (selected >= 0) toggle(selected);
              return;
            }
            if (ev.key === 'Escape') return setExpanded(new Map());
            const next = nextIndex(ev.key, selected, rows.length, list.current?.pageSize() ?? 20);
            if (next === null) return;
            ev.preventDefault();
            setSelected(next);
            list.current?.scrollToIndex(next);
          }}
          renderRow={(pos, top, height) => (
            <DiffRow key={rows[pos]} x={result.exchanges[rows[pos]!]!} position={pos} top={top} height={height} selected={pos === selected} expanded={expanded.has(pos)} onSelect={setSelected} onToggle={toggle} />
          )}
        />
      )}
    </div>
  );
}
