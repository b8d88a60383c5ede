// A windowed list: fixed row height, plus optional extra height for a few expanded rows.
// Only the visible rows and an overscan margin are in the DOM, whatever the row count.
import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
} from 'react';
import { RowGeometry } from './row-geometry';

export interface VirtualListHandle {
  /** Scrolls the least distance that shows the row whole. */
  scrollToIndex(index: number, align?: 'nearest' | 'start' | 'end'): void;
  /** Rows that fit in the viewport (for PageUp/PageDown). */
  pageSize(): number;
  element(): HTMLDivElement | null;
}

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  /** Extra pixels below some rows (expanded rows). Keep it small: lookups are O(entries). */
  extraHeights?: ReadonlyMap<number, number>;
  overscan?: number;
  renderRow: (index: number, top: number, height: number) => ReactNode;
  /** The rendered range [start, end) changed: load what it needs. */
  onRangeChange?: (start: number, end: number) => void;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  className?: string;
  label?: string;
  role?: string;
  listRef?: Ref<VirtualListHandle>;
  /** Sticks to the bottom when new rows arrive and the view was already at the bottom. */
  followTail?: boolean;
  testId?: string;
}

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, extraHeights, overscan = 8, renderRow, onRangeChange } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const geometry = useMemo(() => new RowGeometry(count, rowHeight, extraHeights), [count, rowHeight, extraHeights]);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight || 600);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
    setScrollTop(el.scrollTop);
  }, [rowHeight]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (props.followTail && el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count, props.followTail]);

  const first = Math.max(0, geometry.indexAt(scrollTop) - overscan);
  const last = Math.min(count, geometry.indexAt(scrollTop + viewport) + 1 + overscan);

  useEffect(() => {
    onRangeChange?.(first, last);
  }, [first, last, onRangeChange]);

  useImperativeHandle(
    props.listRef,
    () => ({
      scrollToIndex(index, align = 'nearest') {
        const el = scroller.current;
        if (!el || index < 0 || index >= count) return;
        const top = geometry.top(index);
        const bottom = top + geometry.height(index);
        if (align === 'start' || (align === 'nearest' && top < el.scrollTop)) el.scrollTop = top;
        else if (align === 'end' || (align === 'nearest' && bottom > el.scrollTop + el.clientHeight)) {
          el.scrollTop = bottom - el.clientHeight;
        }
      },
      pageSize: () => Math.max(1, Math.floor((scroller.current?.clientHeight ?? viewport) / rowHeight) - 1),
      element: () => scroller.current,
    }),
    [count, geometry, rowHeight, viewport],
  );

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(i, geometry.top(i), geometry.height(i)));

  return (
    <div
      ref={scroller}
      className={`vlist ${props.className ?? ''}`}
      onScroll={onScroll}
      onKeyDown={props.onKeyDown}
      tabIndex={props.onKeyDown ? 0 : -1}
      role={props.role ?? 'list'}
      aria-label={props.label}
      aria-rowcount={count}
      data-testid={props.testId}
    >
      <div className="vlist-canvas" style={{ height: geometry.totalHeight() }}>
        {rows}
      </div>
    </div>
  );
}
