// One timeline row: time, direction, then the exchange (command → reply) or a marker. An
// expanded row shows its detail lines below, inside the same absolutely placed box.
import { memo } from 'react';
import type { TimelineEvent } from '../../../../shared/types';
import { ChevronIcon } from '../../components/Icons';
import { formatClockMicros, formatRelativeMicros } from '../../lib/format';
import { ExchangeDetail, ExchangeSummary } from './TimelineExchange';
import { MarkerDetail, MarkerSummary } from './TimelineMarkers';
import { TIMELINE_ROW_HEIGHT, isExpandable } from './timeline-model';

export interface TimelineRowProps {
  index: number;
  sessionId: string;
  event: TimelineEvent | undefined;
  top: number;
  height: number;
  selected: boolean;
  expanded: boolean;
  /** For an expanded exchange with a payload: the message it became, if any. */
  messageId: string | undefined;
  absolute: boolean;
  startedAt: number;
  maxLatency: number;
  showLeg: boolean;
  onSelect: (index: number) => void;
  onToggle: (index: number) => void;
}

export const TimelineRow = memo(function TimelineRow(p: TimelineRowProps) {
  const e = p.event;
  const style = { transform: `translateY(${p.top}px)`, height: p.height };
  if (!e) {
    return (
      <div className="trow loading" style={style} data-index={p.index} data-testid="timeline-row">
        <span className="t-time mono muted">#{p.index}</span>
        <span className="t-main muted">loading…</span>
      </div>
    );
  }
  const expandable = isExpandable(e);
  const kindClass = e.kind === 'exchange' ? (e.command ? 'exchange' : 'exchange greeting') : `marker marker-${e.kind}`;
  return (
    <div
      className={`trow ${kindClass}${p.selected ? ' selected' : ''}${p.expanded ? ' expanded' : ''}`}
      style={style}
      data-index={p.index}
      data-kind={e.kind}
      data-testid="timeline-row"
      role="row"
      aria-selected={p.selected}
      aria-expanded={expandable ? p.expanded : undefined}
      onClick={() => p.onSelect(p.index)}
      onDoubleClick={() => expandable && p.onToggle(p.index)}
      // A double click expands; it should not also select a word.
      onMouseDown={(ev) => ev.detail > 1 && ev.preventDefault()}
    >
      <div className="trow-line" style={{ height: TIMELINE_ROW_HEIGHT }}>
        <button
          type="button"
          className="t-expand"
          tabIndex={-1}
          aria-label={p.expanded ? 'Collapse' : 'Expand'}
          disabled={!expandable}
          onClick={(ev) => {
            ev.stopPropagation();
            p.onSelect(p.index);
            p.onToggle(p.index);
          }}
        >
          {expandable ? <ChevronIcon open={p.expanded} size={12} /> : null}
        </button>
        <span className="t-time mono muted" title={formatClockMicros(e.t)}>
          {p.absolute ? formatClockMicros(e.t) : formatRelativeMicros(e.t - p.startedAt)}
        </span>
        {e.kind === 'exchange' ? (
          <ExchangeSummary e={e} maxLatency={p.maxLatency} showLeg={p.showLeg} />
        ) : (
          <MarkerSummary e={e} showLeg={p.showLeg} sessionId={p.sessionId} />
        )}
      </div>
      {p.expanded ? (
        <div className="trow-detail mono">{e.kind === 'exchange' ? <ExchangeDetail e={e} sessionId={p.sessionId} messageId={p.messageId} /> : <MarkerDetail e={e} />}</div>
      ) : null}
    </div>
  );
});
