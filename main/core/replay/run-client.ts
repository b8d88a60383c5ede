// Client replay, put together: the script from the recording, the engine, the socket adapter
// (net/replay-client.ts), the recorder of the run's own session and, at the end, the diff of
// the target's exchanges against the recorded ones.
import type { ExchangeEvent, Leg, ReplayResult, ReplayRunOptions, SessionSummary, TimelineEvent } from '../../../shared/types.js';
import type { SessionRecorder } from '../capture/recorder.js';
import { ClientLink } from '../net/replay-client.js';
import { newSessionSummary } from '../store/session-summary.js';
import { ClientReplayEngine, type EngineCommand } from './client-engine.js';
import { diffExchanges } from './diff.js';
import { compileRules } from './normalize.js';
import { buildScript, withTlsMode } from './script.js';
import { exchangesOf, type SessionSource } from './source.js';

export interface ReplayEnv {
  /** Start recording a new session; `onTimeline` sees its events as they are recorded. */
  record(summary: SessionSummary, onTimeline: (events: TimelineEvent[]) => void): SessionRecorder;
  /** Trust anchors beside the system's for verifying the target (mailtap's own CA). */
  extraCa?: string[];
  progress?(p: { sourceId: string; sessionId: string | null; done: number; total: number }): void;
}

export type ClientReplayOptions = Omit<ReplayRunOptions, 'sessionId'>;

const DEFAULT_TIMEOUT_MS = 15_000;
const isLoopback = (h: string): boolean => /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/i.test(h);

/** "host:port", "[v6]:port". */
export function parseTarget(target: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(target) ?? /^([^:[\]]+):(\d+)$/.exec(target);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`target must be host:port, not ${JSON.stringify(target)}`);
  return { host: m[1]!, port };
}

function emptyResult(src: SessionSource, target: string, started: number, error: string): ReplayResult {
  return { ok: false, sourceId: src.summary.id, sessionId: null, target, exchanges: [], counts: { match: 0, mismatch: 0, missing: 0, extra: 0, skipped: 0 }, notes: [], error, durationMs: Date.now() - started };
}

export async function runClientReplay(src: SessionSource, o: ClientReplayOptions, env: ReplayEnv): Promise<ReplayResult> {
  const started = Date.now();
  const { host, port } = parseTarget(o.target);
  const rules = compileRules(o.rules);
  const leg: Leg = o.leg ?? 'client';
  const protocol = src.summary.protocol;
  const script = withTlsMode(buildScript(protocol, src.wire, leg), o.tls ?? 'auto');
  if (script.steps.length <= 1 && !src.wire.some((r) => r.leg === leg)) return emptyResult(src, o.target, started, `the session has no wire log on its ${leg} leg`);
  const timeoutMs = Math.max(100, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  let link: ClientLink;
  try {
    link = await ClientLink.open({
      host,
      port,
      implicitTls: script.implicit,
      verify: o.verify ?? !isLoopback(host),
      servername: o.servername ?? null,
      extraCa: env.extraCa ?? [],
      connectTimeoutMs: timeoutMs,
    });
  } catch (e) {
    return emptyResult(src, o.target, started, (e as Error).message);
  }

  const summary = newSessionSummary(protocol, 'replay', link.local, link.remote, src.summary.id);
  const replayed: ExchangeEvent[] = [];
  const recorder = env.record(summary, (events) => {
    for (const e of events) if (e.kind === 'exchange' && e.leg === 'client') replayed.push(e);
  });
  recorder.record([{ kind: 'connect', t: summary.startedAt, leg: 'client', client: summary.client, server: summary.server }]);

  const engine = new ClientReplayEngine(script, { pace: o.pace ?? 'fast', credentials: o.credentials ?? {} });
  const outcome = await drive(engine, link, recorder, timeoutMs, (done, total) => env.progress?.({ sourceId: src.summary.id, sessionId: summary.id, done, total }));
  await recorder.end('client', outcome.by, outcome.reason);

  const skipped = script.steps.some((s) => s.skip);
  const { exchanges, counts } = diffExchanges({
    recorded: exchangesOf(protocol, src.wire, leg),
    replayed,
    skippedVerbs: new Set(skipped ? ['STARTTLS', 'STLS'] : []),
    injected: script.steps.filter((s) => s.injected).length,
    rules,
  });
  const notes = [...new Set(engine.notes)];
  if (skipped) notes.push(`the recorded STARTTLS was not sent (target TLS mode ${o.tls})`);
  if (script.steps.some((s) => s.injected)) notes.push('STARTTLS was added after the greeting (target TLS mode starttls)');
  if (outcome.reason) notes.push(outcome.reason);
  const failed = counts.mismatch + counts.missing + counts.extra;
  return { ok: failed === 0 && outcome.outcome === 'complete', sourceId: src.summary.id, sessionId: summary.id, target: o.target, exchanges, counts, notes, error: null, durationMs: Date.now() - started };
}

interface Outcome {
  outcome: Extract<EngineCommand, { type: 'finish' }>['outcome'];
  by: 'client' | 'server' | 'timeout' | 'error';
  reason?: string;
}

/** Run the engine's commands on the link until it finishes and the socket is closed. */
function drive(engine: ClientReplayEngine, link: ClientLink, recorder: SessionRecorder, timeoutMs: number, progress: (done: number, total: number) => void): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let result: Outcome | null = null;
    let socketClosed = false;
    let responseTimer: NodeJS.Timeout | null = null;
    let pauseTimer: NodeJS.Timeout | null = null;
    const settle = (): void => {
      if (result && socketClosed) {
        if (responseTimer) clearTimeout(responseTimer);
        if (pauseTimer) clearTimeout(pauseTimer);
        resolve(result);
      }
    };
    const armResponseTimer = (): void => {
      if (responseTimer) clearTimeout(responseTimer);
      responseTimer = engine.waitingForTarget ? setTimeout(() => run(engine.timeout()), timeoutMs) : null;
    };
    const run = (cmds: EngineCommand[]): void => {
      for (const c of cmds) {
        switch (c.type) {
          case 'send':
            link.send(c.bytes);
            break;
          case 'start-tls':
            link.startTls();
            break;
          case 'wait':
            pauseTimer = setTimeout(() => run(engine.tick(Date.now())), c.ms);
            break;
          case 'progress':
            progress(c.done, c.total);
            break;
          case 'finish':
            result = { outcome: c.outcome, by: c.outcome === 'complete' ? 'client' : c.outcome === 'closed' ? 'server' : c.outcome === 'timeout' ? 'timeout' : 'error', ...(c.reason ? { reason: c.reason } : {}) };
            if (c.outcome === 'complete') link.end();
            else link.destroy();
            break;
        }
      }
      if (!engine.finished) armResponseTimer();
      else if (responseTimer) clearTimeout(responseTimer);
      settle();
    };
    link.attach(recorder, {
      data: (b) => run(engine.data(b, Date.now())),
      tlsReady: () => run(engine.tlsReady(Date.now())),
      tlsFailed: (e) => {
        if (!result) result = { outcome: 'tls-refused', by: 'error', reason: e };
        engine.closed();
      },
      closed: () => {
        socketClosed = true;
        run(engine.closed());
      },
    });
    run(engine.connected(Date.now()));
  });
}
