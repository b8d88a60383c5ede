// A paged list kept live by per-frame event batches: the shared engine of the message and
// session lists. Pages load on demand; live events prepend, replace and remove items.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEventEnvelope } from '../../../shared/api';
import type { Page } from '../../../shared/types';
import { useConnection, useLiveEvents } from '../api';

export interface LiveListChanges<T> {
  added: T[];
  updated: T[];
  removed: string[];
}

export interface LiveListOptions<T extends { id: string }> {
  /** Fetches a page; a change of `key` reloads from the start. */
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>;
  key: string;
  /** Picks this list's changes out of a batch of live events. */
  changes: (batch: readonly ApiEventEnvelope[]) => LiveListChanges<T>;
  /** Whether a newly arrived item belongs in the list under the current filter. */
  accepts: (item: T) => boolean;
  pageSize?: number;
}

export interface LiveList<T> {
  items: T[];
  total: number;
  loading: boolean;
  error: unknown;
  loadMore(): void;
  reload(): void;
}

export function useLiveList<T extends { id: string }>(opts: LiveListOptions<T>): LiveList<T> {
  const pageSize = opts.pageSize ?? 200;
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const request = useRef(0);
  const pending = useRef<number | null>(null);
  const totalRef = useRef(0);
  totalRef.current = total;
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const { generation } = useConnection();

  const load = useCallback(
    (offset: number) => {
      const id = ++request.current;
      pending.current = offset;
      setLoading(true);
      optsRef.current.fetchPage(offset, pageSize).then(
        (page) => {
          if (id !== request.current) return;
          pending.current = null;
          const out = offset === 0 ? page.items : mergeAppend(itemsRef.current, page.items);
          itemsRef.current = out;
          setItems(out);
          setTotal(page.total);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (id !== request.current) return;
          pending.current = null;
          setError(err);
          setLoading(false);
        },
      );
    },
    [pageSize],
  );

  useEffect(() => load(0), [load, opts.key, generation]);

  useLiveEvents((batch) => {
    const ch = optsRef.current.changes(batch);
    if (ch.added.length + ch.updated.length + ch.removed.length === 0) return;
    const accepted = ch.added.filter((x) => optsRef.current.accepts(x));
    const prev = itemsRef.current;
    const out = applyChanges(prev, accepted, ch.updated, ch.removed);
    itemsRef.current = out;
    setItems(out);
    setTotal((t) => Math.max(out.length, t + (out.length - prev.length)));
  });

  const loadMore = useCallback(() => {
    const have = itemsRef.current.length;
    if (pending.current !== null || have === 0 || have >= totalRef.current) return;
    load(have);
  }, [load]);

  return { items, total, loading, error, loadMore, reload: () => load(0) };
}

function mergeAppend<T extends { id: string }>(prev: T[], next: T[]): T[] {
  const seen = new Set(prev.map((x) => x.id));
  return prev.concat(next.filter((x) => !seen.has(x.id)));
}

/** One pass over the list, however many events the batch held. */
function applyChanges<T extends { id: string }>(prev: T[], added: T[], updated: T[], removed: string[]): T[] {
  const gone = new Set(removed);
  const repl = new Map(updated.map((x) => [x.id, x]));
  const fresh = new Map<string, T>();
  for (const x of added) if (!gone.has(x.id)) fresh.set(x.id, repl.get(x.id) ?? x);
  const kept: T[] = [];
  for (const x of prev) {
    if (gone.has(x.id) || fresh.has(x.id)) continue;
    kept.push(repl.get(x.id) ?? x);
  }
  // Newest first: the batch is in arrival order, so the last arrival goes on top.
  return [...fresh.values()].reverse().concat(kept);
}
