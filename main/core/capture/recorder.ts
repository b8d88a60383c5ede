// Records one session: every chunk goes to the wire log (the ground truth) and through the
// dissector of its leg (the timeline). Recording happens here, beside the I/O, so it never
// depends on a codec getting the protocol right.
import type { Direction, Leg, Micros, SessionSummary, TimelineEvent, TimelineEventInput, TlsInfo } from '../../../shared/types.js';
import { nowMicros } from '../clock.js';
import { createDissector, type Dissector } from '../protocols/dissector.js';
import type { SessionStore } from '../store/session-store.js';
import { countEvent } from '../store/session-summary.js';

export interface RecorderHooks {
  timeline(sessionId: string, events: TimelineEvent[]): void;
}

const SUMMARY_EVERY_MS = 200;

export class SessionRecorder {
  private seq = 0;
  private readonly dissectors = new Map<Leg, Dissector>();
  private lastTouch = 0;
  private touchTimer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    readonly summary: SessionSummary,
    private readonly store: SessionStore,
    private readonly hooks: RecorderHooks,
  ) {
    store.start(summary);
  }

  /** Record bytes that crossed the wire (at `t`, by default now); returns their timestamp. */
  wire(leg: Leg, direction: Direction, tls: boolean, bytes: Uint8Array, t: Micros = nowMicros()): Micros {
    if (this.ended) return t;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.store.appendWire(this.summary.id, { t, direction, leg, tls, bytes: buf });
    if (direction === 'c2s') this.summary.bytesIn += bytes.length;
    else this.summary.bytesOut += bytes.length;
    this.record(this.dissector(leg).onData(direction, bytes, t));
    return t;
  }

  /** Keep one line of TLS key material (node's `keylog` event) for the key log export. */
  keyLog(leg: Leg, line: Buffer): void {
    if (this.ended) return;
    this.store.appendKeyLog(this.summary.id, { t: nowMicros(), leg, line: Buffer.from(line) });
  }

  tls(info: TlsInfo): void {
    this.record([{ kind: 'tls', t: nowMicros(), info }]);
    this.record(this.dissector(info.leg).onTls());
  }

  /** Number and keep timeline events; keep the summary's counters in step. */
  record(inputs: TimelineEventInput[]): void {
    if (!inputs.length || this.ended) return;
    const events = inputs.map((e) => ({ ...e, seq: this.seq++ }) as TimelineEvent);
    const s = this.summary;
    for (const e of events) countEvent(s, e);
    this.store.appendEvents(s.id, events);
    this.hooks.timeline(s.id, events);
    this.touch();
  }

  notice(kind: 'warning' | 'error', code: string, text: string, leg?: Leg): void {
    this.record([{ kind, t: nowMicros(), code, text, ...(leg ? { leg } : {}) }]);
  }

  async end(leg: Leg, by: 'client' | 'server' | 'timeout' | 'error', reason?: string): Promise<void> {
    if (this.ended) return;
    const t = nowMicros();
    for (const [, d] of this.dissectors) this.record(d.onClose(t));
    this.record([{ kind: 'close', t, leg, by, ...(reason ? { reason } : {}) }]);
    this.ended = true;
    if (this.touchTimer) clearTimeout(this.touchTimer);
    this.summary.endedAt = t;
    await this.store.end(this.summary);
  }

  private dissector(leg: Leg): Dissector {
    let d = this.dissectors.get(leg);
    if (!d) {
      d = createDissector(this.summary.protocol, leg);
      this.dissectors.set(leg, d);
    }
    return d;
  }

  /** Summary updates go out at most every 200 ms per session, so a burst stays cheap. */
  private touch(): void {
    const now = Date.now();
    if (now - this.lastTouch >= SUMMARY_EVERY_MS) {
      this.lastTouch = now;
      this.store.touch(this.summary);
    } else if (!this.touchTimer) {
      this.touchTimer = setTimeout(() => {
        this.touchTimer = null;
        this.lastTouch = Date.now();
        if (!this.ended) this.store.touch(this.summary);
      }, SUMMARY_EVERY_MS);
      this.touchTimer.unref();
    }
  }
}
