// A session and its timeline, paged: the first page opens the view, other pages load as the
// user scrolls to them, live `timeline.appended` events extend it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionSummary, TimelineEvent } from '../../../shared/types';
import { useApi, useConnection, useLiveEvents } from '../api';
import { TIMELINE_PAGE, TimelinePages } from './timeline-pages';

export interface TimelineState {
  id: string;
  session: SessionSummary | null;
  pages: TimelinePages;
  /** Bumps whenever pages change, so rows re-render. */
  version: number;
  error: unknown;
  loading: boolean;
  ensure(start: number, end: number): void;
  reload(): void;
}

const FETCH_DELAY_MS = 40;

export function useTimeline(id: string): TimelineState {
  const api = useApi();
  const { generation } = useConnection();
  const [session, setSession] = useState<SessionSummary | null>(null);
  const [pages, setPages] = useState(() => new TimelinePages());
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const wanted = useRef<[number, number]>([0, 0]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pagesRef = useRef(pages);
  pagesRef.current = pages;

  useEffect(() => {
    let live = true;
    const fresh = new TimelinePages();
    setLoading(true);
    setError(null);
    fresh.markInFlight(0, true);
    api.call('sessions.get', { id, offset: 0, limit: TIMELINE_PAGE }).then(
      (d) => {
        if (!live) return;
        fresh.markInFlight(0, false);
        fresh.total = d.events.total;
        fresh.put(d.events.items, d.events.offset);
        setSession(d.session);
        setPages(fresh);
        setVersion((v) => v + 1);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, id, generation, nonce]);

  const fetchWanted = useCallback(() => {
    timer.current = null;
    const p = pagesRef.current;
    for (const page of p.missing(wanted.current[0], wanted.current[1])) {
      p.markInFlight(page, true);
      api.call('sessions.get', { id, offset: page * TIMELINE_PAGE, limit: TIMELINE_PAGE }).then(
        (d) => {
          p.markInFlight(page, false);
          if (pagesRef.current !== p) return;
          p.total = Math.max(p.total, d.events.total);
          p.put(d.events.items, d.events.offset);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          p.markInFlight(page, false);
          if (pagesRef.current === p) setError(e);
        },
      );
    }
  }, [api, id]);

  const ensure = useCallback(
    (start: number, end: number) => {
      wanted.current = [start, end];
      // Coalesce the ranges of a fast scroll: fetch what is visible once it settles a little.
      if (!timer.current) timer.current = setTimeout(fetchWanted, FETCH_DELAY_MS);
    },
    [fetchWanted],
  );

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  useLiveEvents((batch) => {
    let changed = false;
    for (const e of batch) {
      if (e.event === 'timeline.appended') {
        const d = e.data as { sessionId: string; events: TimelineEvent[] };
        if (d.sessionId !== id) continue;
        pagesRef.current.put(d.events);
        changed = true;
      } else if (e.event === 'session.updated' || e.event === 'session.closed') {
        const s = e.data as SessionSummary;
        if (s.id === id) setSession(s);
      }
    }
    if (changed) {
      setVersion((v) => v + 1);
      ensure(wanted.current[0], wanted.current[1]);
    }
  });

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { id, session, pages, version, error, loading, ensure, reload };
}
