// Client replay without I/O: events in (connected, bytes from the target, TLS up, a timer,
// closed), commands out (send, start TLS, wait, finish). It sends each step of the script,
// then waits until the target has completed as many response units as the recorded server
// did, upgrades to TLS where the recording did (after a positive answer to STARTTLS/STLS,
// RFC 3207 §4.1, RFC 2595 §4, RFC 9051 §6.2.1), and paces steps as recorded when asked.
import type { ClientScript, ReplayStep } from './script.js';
import { AuthRewriter, type Substitute } from './auth-rewrite.js';
import { unitFramer, type ResponseUnit, type UnitFramer } from './units.js';

export type EngineCommand =
  | { type: 'send'; bytes: Buffer }
  | { type: 'start-tls' }
  /** Call tick() after this many milliseconds (original pacing). */
  | { type: 'wait'; ms: number }
  | { type: 'progress'; done: number; total: number }
  | { type: 'finish'; outcome: 'complete' | 'closed' | 'timeout' | 'tls-refused'; reason?: string };

export interface EngineOptions {
  pace: 'fast' | 'original';
  credentials: Substitute;
  /** Longest single pause under original pacing. */
  maxPauseMs?: number;
}

const MAX_PAUSE_MS = 60_000;

export class ClientReplayEngine {
  private readonly framer: UnitFramer;
  private readonly auth: AuthRewriter;
  private readonly units: ResponseUnit[] = [];
  /** Index of the last step sent (0, the greeting, is "sent" on connect). */
  private step = 0;
  /** Units the target must have completed before the next step goes. */
  private expected: number;
  private tls: boolean;
  private startedMs = 0;
  private pausedUntil = 0;
  private done = false;
  private readonly sendable: number;

  constructor(
    readonly script: ClientScript,
    private readonly o: EngineOptions,
  ) {
    this.framer = unitFramer(script.protocol);
    this.auth = new AuthRewriter(script.protocol, o.credentials);
    this.expected = script.steps[0]?.units ?? 0;
    this.tls = script.implicit;
    this.sendable = script.steps.filter((s) => !s.skip).length;
  }

  get notes(): string[] {
    return this.auth.notes;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Waiting for the target (not pausing by choice): the host's response timer applies. */
  get waitingForTarget(): boolean {
    return !this.done && this.units.length < this.expected;
  }

  /** The connection is up (with TLS already, if implicit). */
  connected(nowMs: number): EngineCommand[] {
    this.startedMs = nowMs;
    return this.advance(nowMs);
  }

  data(bytes: Uint8Array, nowMs: number): EngineCommand[] {
    if (this.done) return [];
    this.units.push(...this.framer.server(bytes));
    return this.advance(nowMs);
  }

  tlsReady(nowMs: number): EngineCommand[] {
    this.tls = true;
    return this.advance(nowMs);
  }

  tick(nowMs: number): EngineCommand[] {
    return this.advance(nowMs);
  }

  closed(): EngineCommand[] {
    return this.finish('closed', this.step + 1 < this.script.steps.length || this.units.length < this.expected ? 'the target closed the connection before the dialogue ended' : undefined);
  }

  timeout(): EngineCommand[] {
    return this.finish('timeout', `no complete response to step ${this.step} in time`);
  }

  private advance(nowMs: number): EngineCommand[] {
    const out: EngineCommand[] = [];
    // Bounded by the script: every round sends a step or returns.
    while (!this.done) {
      if (this.units.length < this.expected) return out;
      const next = this.nextStep();
      if (next === null) return [...out, ...this.finish('complete')];
      const step = this.script.steps[next]!;
      if (step.tls && !this.tls) {
        const last = this.units[this.units.length - 1];
        if (!this.script.steps[this.step]?.starttls || !last?.ok) return [...out, ...this.finish('tls-refused', `the target did not agree to STARTTLS: ${last?.line ?? 'no answer'}`)];
        return [...out, { type: 'start-tls' }];
      }
      if (this.o.pace === 'original') {
        const due = this.startedMs + step.at / 1000;
        if (due > nowMs && this.pausedUntil !== due) {
          this.pausedUntil = due;
          return [...out, { type: 'wait', ms: Math.min(due - nowMs, this.o.maxPauseMs ?? MAX_PAUSE_MS) }];
        }
      }
      const bytes = this.auth.rewrite(step.send, this.units[this.units.length - 1] ?? null, this.units[0] ?? null);
      this.step = next;
      this.framer.client(bytes);
      this.expected += step.units;
      out.push({ type: 'send', bytes }, { type: 'progress', done: this.sentCount(), total: this.sendable });
    }
    return out;
  }

  private nextStep(): number | null {
    for (let i = this.step + 1; i < this.script.steps.length; i++) if (!this.script.steps[i]!.skip) return i;
    return null;
  }

  private sentCount(): number {
    return this.script.steps.slice(0, this.step + 1).filter((s: ReplayStep) => !s.skip).length;
  }

  private finish(outcome: Extract<EngineCommand, { type: 'finish' }>['outcome'], reason?: string): EngineCommand[] {
    if (this.done) return [];
    this.done = true;
    return [{ type: 'finish', outcome, ...(reason ? { reason } : {}) }];
  }
}
