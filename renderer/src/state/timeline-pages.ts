// A sparse cache of a session's timeline, in fixed-size pages fetched on demand. Index = seq:
// the events of a session are numbered from 0 without gaps, so event i lives in page i/PAGE.
import type { ExchangeEvent, TimelineEvent } from '../../../shared/types';

export const TIMELINE_PAGE = 500;

export class TimelinePages {
  private readonly pages = new Map<number, Array<TimelineEvent | undefined>>();
  private readonly filled = new Map<number, number>();
  private readonly inFlight = new Set<number>();
  total = 0;
  /** Longest exchange latency seen so far; latency bars scale to it. */
  maxLatency = 0;

  get(index: number): TimelineEvent | undefined {
    return this.pages.get(Math.floor(index / TIMELINE_PAGE))?.[index % TIMELINE_PAGE];
  }

  /** Pages of [start, end) that are neither loaded whole nor being fetched. */
  missing(start: number, end: number): number[] {
    const out: number[] = [];
    if (end <= start) return out;
    const last = Math.floor((Math.min(end, this.total) - 1) / TIMELINE_PAGE);
    for (let p = Math.floor(start / TIMELINE_PAGE); p <= last; p++) {
      if (!this.inFlight.has(p) && !this.complete(p)) out.push(p);
    }
    return out;
  }

  markInFlight(page: number, on: boolean): void {
    if (on) this.inFlight.add(page);
    else this.inFlight.delete(page);
  }

  /** Events from a page fetch (offset-based) or a live append (seq-based). */
  put(events: readonly TimelineEvent[], offset?: number): void {
    events.forEach((e, i) => {
      const index = offset === undefined ? e.seq : offset + i;
      const p = Math.floor(index / TIMELINE_PAGE);
      let page = this.pages.get(p);
      if (!page) {
        // A live event for a page never fetched: it will be fetched whole when seen.
        if (offset === undefined) return;
        page = [];
        this.pages.set(p, page);
      }
      const slot = index % TIMELINE_PAGE;
      if (page[slot] === undefined) this.filled.set(p, (this.filled.get(p) ?? 0) + 1);
      page[slot] = e;
      if (e.kind === 'exchange' && (e as ExchangeEvent).latencyUs) this.maxLatency = Math.max(this.maxLatency, (e as ExchangeEvent).latencyUs!);
    });
    const end = offset === undefined ? Math.max(0, ...events.map((e) => e.seq + 1)) : offset + events.length;
    this.total = Math.max(this.total, end);
  }

  private complete(p: number): boolean {
    const expected = Math.min(TIMELINE_PAGE, this.total - p * TIMELINE_PAGE);
    return (this.filled.get(p) ?? 0) >= expected;
  }
}
