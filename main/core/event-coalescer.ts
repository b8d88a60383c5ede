// Live events are coalesced before they reach any transport: timeline events of one session are
// merged, repeated updates of one session or message keep only the latest, and everything goes
// out at most every 50 ms. A burst of thousands of messages becomes a few frames, not a flood.
import type { ApiEventEnvelope, ApiEventName, ApiEvents } from '../../shared/api.js';

const FLUSH_MS = 50;

export class EventCoalescer {
  private queue: ApiEventEnvelope[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(e: ApiEventEnvelope) => void>();

  subscribe(listener: (e: ApiEventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push<E extends ApiEventName>(event: E, data: ApiEvents[E]): void {
    if (this.listeners.size === 0) return;
    this.queue.push({ event, data } as ApiEventEnvelope);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flushNow(), FLUSH_MS);
      this.timer.unref();
    }
  }

  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = coalesce(this.queue);
    this.queue = [];
    for (const e of batch) for (const l of this.listeners) l(e);
  }
}

/** Merge a batch, keeping order by first appearance. */
export function coalesce(batch: ApiEventEnvelope[]): ApiEventEnvelope[] {
  const out: ApiEventEnvelope[] = [];
  const timeline = new Map<string, ApiEvents['timeline.appended']>();
  const latest = new Map<string, number>();
  for (const e of batch) {
    if (e.event === 'timeline.appended') {
      const d = e.data as ApiEvents['timeline.appended'];
      const t = timeline.get(d.sessionId);
      if (t) t.events.push(...d.events);
      else {
        const copy = { sessionId: d.sessionId, events: [...d.events] };
        timeline.set(d.sessionId, copy);
        out.push({ event: 'timeline.appended', data: copy });
      }
    } else if (e.event === 'session.updated' || e.event === 'message.updated') {
      const key = `${e.event}:${(e.data as { id: string }).id}`;
      const at = latest.get(key);
      if (at !== undefined) out[at] = e;
      else {
        latest.set(key, out.length);
        out.push(e);
      }
    } else out.push(e);
  }
  return out;
}
