// The WebSocket of live events, reconnecting with capped exponential backoff and jitter.
import type { ApiEventEnvelope } from '../../../shared/api';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface LiveSocketOptions {
  url: string;
  onEvent: (e: ApiEventEnvelope) => void;
  onState: (s: ConnectionState, reconnected: boolean) => void;
}

const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly opts: LiveSocketOptions) {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private connect(): void {
    if (this.stopped) return;
    this.opts.onState('connecting', false);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.opts.onState('open', reconnected);
    };
    ws.onmessage = (m) => {
      if (typeof m.data !== 'string') return;
      try {
        const parsed = JSON.parse(m.data) as ApiEventEnvelope;
        if (parsed && typeof parsed.event === 'string') this.opts.onEvent(parsed);
      } catch {
        console.warn('mailtap: unreadable live event');
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.opts.onState('closed', false);
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    this.timer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }
}
