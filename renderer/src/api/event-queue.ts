// Live events are queued and handed to listeners once per animation frame, as one batch:
// a burst of 1,000 messages costs one render, not 1,000 (after HTTP Toolkit).
import type { ApiEventEnvelope } from '../../../shared/api';

export type BatchListener = (batch: readonly ApiEventEnvelope[]) => void;

export class EventQueue {
  private queue: ApiEventEnvelope[] = [];
  private scheduled = false;
  private readonly listeners = new Set<BatchListener>();

  push(envelope: ApiEventEnvelope): void {
    this.queue.push(envelope);
    if (this.scheduled) return;
    this.scheduled = true;
    // A hidden tab gets no animation frames; a slow timer keeps the queue from growing unbounded.
    if (typeof document !== 'undefined' && document.hidden) setTimeout(() => this.flush(), 250);
    else requestAnimationFrame(() => this.flush());
  }

  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch (err) {
        console.error('mailtap: event listener failed', err);
      }
    }
  }
}
