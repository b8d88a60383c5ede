// Keyboard movement over a list whose selection lives in the URL. The hash changes
// asynchronously, so a second key press can come before the route does: the cursor remembers
// the id it last moved to until the route catches up, and no press is lost.
import { useCallback, useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { nextIndex } from './list-keys';
import type { VirtualListHandle } from './VirtualList';

export function useListCursor<T extends { id: string }>(items: T[], selectedId: string | null, open: (id: string) => void, list: RefObject<VirtualListHandle | null>) {
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === selectedId) pending.current = null;
  }, [selectedId]);

  return useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const baseId = pending.current ?? selectedId;
      const base = baseId ? items.findIndex((x) => x.id === baseId) : -1;
      const next = nextIndex(e.key, base, items.length, list.current?.pageSize() ?? 10);
      if (next === null) return;
      e.preventDefault();
      list.current?.scrollToIndex(next);
      pending.current = items[next]!.id;
      open(items[next]!.id);
    },
    [items, selectedId, open, list],
  );
}
