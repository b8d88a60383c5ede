// Process health: event-loop delay (a stall here delays every byte the proxy relays, so it is
// measured rather than assumed) and memory.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class Diagnostics {
  private readonly started = Date.now();
  private h: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.h.enable();
  }

  snapshot(reset: boolean): { uptimeMs: number; rssBytes: number; peakRssBytes: number; heapUsedBytes: number; eventLoop: { maxMs: number; p99Ms: number; meanMs: number } } {
    const mem = process.memoryUsage();
    const out = {
      uptimeMs: Date.now() - this.started,
      rssBytes: mem.rss,
      // maxRSS is in kilobytes (getrusage).
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      heapUsedBytes: mem.heapUsed,
      eventLoop: {
        maxMs: this.h.max / 1e6,
        p99Ms: this.h.percentile(99) / 1e6,
        meanMs: Number.isFinite(this.h.mean) ? this.h.mean / 1e6 : 0,
      },
    };
    if (reset) this.h.reset();
    return out;
  }

  stop(): void {
    this.h.disable();
  }
}
