// The session timeline: a virtualised list of exchanges and markers. Pages are fetched as they
// scroll into view; j/k or arrows move the selection, Enter expands it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import { nextIndex } from '../../components/list-keys';
import type { TimelineState } from '../../state/use-timeline';
import { plural } from '../../lib/format';
import { TimelineRow } from './TimelineRow';
import { TIMELINE_ROW_HEIGHT, detailHeight, isExpandable, producedMessageId } from './timeline-model';

const TIME_KEY = 'mailtap.timeline.absolute';

export function TimelineView({ tl }: { tl: TimelineState }) {
  const { pages, session } = tl;
  const list = useRef<VirtualListHandle>(null);
  const [selected, setSelected] = useState(-1);
  const [expanded, setExpanded] = useState<ReadonlyMap<number, number>>(new Map());
  const [absolute, setAbsolute] = useState(() => localStorage.getItem(TIME_KEY) === '1');
  const total = pages.total;

  useEffect(() => {
    list.current?.element()?.focus({ preventScroll: true });
  }, []);

  const toggle = useCallback(
    (index: number) => {
      const e = pages.get(index);
      if (!isExpandable(e)) return;
      setExpanded((prev) => {
        const next = new Map(prev);
        if (next.has(index)) next.delete(index);
        else next.set(index, detailHeight(e!));
        return next;
      });
    },
    [pages],
  );

  const select = useCallback((index: number) => setSelected(index), []);
  const onRangeChange = useCallback((start: number, end: number) => tl.ensure(start, end), [tl.ensure]);

  const setTimeMode = (abs: boolean) => {
    setAbsolute(abs);
    localStorage.setItem(TIME_KEY, abs ? '1' : '0');
  };

  return (
    <div className="timeline" data-testid="timeline">
      <div className="subbar">
        <span className="muted" data-testid="timeline-count">
          {plural(total, 'event')}
        </span>
        <div className="segmented" role="group" aria-label="Time format">
          <button type="button" className={absolute ? '' : 'on'} onClick={() => setTimeMode(false)}>
            Relative
          </button>
          <button type="button" className={absolute ? 'on' : ''} onClick={() => setTimeMode(true)}>
            Absolute
          </button>
        </div>
        {expanded.size ? (
          <button type="button" className="btn ghost small" onClick={() => setExpanded(new Map())}>
            Collapse all
          </button>
        ) : null}
        <div className="tabs-spacer" />
        <span className="muted small hint-keys">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> expand
        </span>
      </div>
      <div className="thead">
        <span className="t-expand" />
        <span className="t-time">{absolute ? 'Time' : 'Since start'}</span>
        <span className="t-dir" />
        <span className="t-cmd">Command</span>
        <span className="t-code">Reply</span>
        <span className="t-reply" />
        <span className="latency">Latency</span>
      </div>
      <VirtualList
        listRef={list}
        className="timeline-list"
        role="grid"
        label="Timeline"
        testId="timeline-list"
        count={total}
        rowHeight={TIMELINE_ROW_HEIGHT}
        extraHeights={expanded}
        overscan={12}
        followTail={session?.endedAt === null}
        onRangeChange={onRangeChange}
        onKeyDown={(ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            if (selected >= 0) toggle(selected);
            return;
          }
          if (ev.key === 'Escape') return setExpanded(new Map());
          const next = nextIndex(ev.key, selected, total, list.current?.pageSize() ?? 20);
          if (next === null) return;
          ev.preventDefault();
          setSelected(next);
          list.current?.scrollToIndex(next);
        }}
        renderRow={(i, top, height) => (
          <TimelineRow
            key={i}
            index={i}
            sessionId={tl.id}
            event={pages.get(i)}
            top={top}
            height={height}
            selected={i === selected}
            expanded={expanded.has(i)}
            messageId={expanded.has(i) ? producedMessageId((n) => pages.get(n), i) : undefined}
            absolute={absolute}
            startedAt={session?.startedAt ?? 0}
            maxLatency={Math.max(pages.maxLatency, session?.maxLatencyUs ?? 0)}
            showLeg={session?.role === 'proxy'}
            onSelect={select}
            onToggle={toggle}
          />
        )}
      />
    </div>
  );
}
