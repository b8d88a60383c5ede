// The replay and session-JSON calls of the API (shared/api.ts), over the service's stores:
// the service delegates here. Replay runs are recorded into the same store and announced on
// the same event stream as any session.
import type { BinaryResult } from '../../../shared/api.js';
import type { ReplayResult, ReplayRunOptions, ReplayServerState, SessionSummary, TimelineEvent, TlsMode } from '../../../shared/types.js';
import { SessionRecorder } from '../capture/recorder.js';
import { badRequest, notFound } from '../errors.js';
import { importSession, parseSessionJson, toSessionJson } from '../export/session-json.js';
import type { MailtapService } from '../service.js';
import { compileRules } from './normalize.js';
import { parseTarget, runClientReplay, type ReplayEnv } from './run-client.js';
import { ReplayServers } from './servers.js';
import { sourceFromStore, type SessionSource } from './source.js';

function recorderFor(service: MailtapService) {
  return (summary: SessionSummary, onTimeline: (events: TimelineEvent[]) => void): SessionRecorder =>
    new SessionRecorder(summary, service.sessions, {
      timeline: (sessionId, events) => {
        service.emit('timeline.appended', { sessionId, events });
        onTimeline(events);
      },
    });
}

export function replayServersFor(service: MailtapService): ReplayServers {
  return new ReplayServers({ record: recorderFor(service), secureContext: () => service.ca.sinkContext() });
}

async function source(service: MailtapService, id: unknown): Promise<SessionSource> {
  if (typeof id !== 'string' || !id) throw badRequest('sessionId is required');
  const src = await sourceFromStore(service.sessions, id);
  if (!src) throw notFound('session');
  return src;
}

const TLS_MODES = ['auto', 'none', 'starttls', 'implicit'];
const bool = (v: unknown): boolean | undefined => (v === undefined || v === '' ? undefined : v === true || v === 'true' || v === '1');

/** replay.run: parameters checked (they may come from a query string), then the run. */
export async function runReplay(service: MailtapService, p: ReplayRunOptions): Promise<ReplayResult> {
  const src = await source(service, p.sessionId);
  if (typeof p.target !== 'string' || !p.target) throw badRequest('target (host:port) is required');
  if (p.tls !== undefined && !TLS_MODES.includes(p.tls)) throw badRequest('tls must be auto, none, starttls or implicit');
  if (p.pace !== undefined && p.pace !== 'fast' && p.pace !== 'original') throw badRequest('pace must be fast or original');
  const patterns = p.rules?.patterns === undefined ? [] : Array.isArray(p.rules.patterns) ? p.rules.patterns.map(String) : [String(p.rules.patterns)];
  const env: ReplayEnv = {
    record: recorderFor(service),
    extraCa: [service.ca.certPem],
    progress: (x) => service.emit('replay.progress', x),
  };
  const verify = bool(p.verify);
  const timeoutMs = p.timeoutMs === undefined ? undefined : Number(p.timeoutMs);
  try {
    parseTarget(p.target);
    compileRules({ patterns });
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const result = await runClientReplay(
    src,
    {
      target: p.target,
      ...(p.tls ? { tls: p.tls } : {}),
      ...(p.pace ? { pace: p.pace } : {}),
      ...(verify !== undefined ? { verify } : {}),
      ...(p.servername ? { servername: p.servername } : {}),
      ...(p.credentials ? { credentials: p.credentials } : {}),
      rules: { ...p.rules, patterns },
      ...(timeoutMs !== undefined && Number.isFinite(timeoutMs) ? { timeoutMs } : {}),
      ...(p.leg === 'upstream' ? { leg: 'upstream' as const } : {}),
    },
    env,
  );
  // Kept, so that the run's diff can be read again (replay.result) after this call returns.
  await service.replayResults.save(result, p).catch((e: Error) => result.notes.push(`the diff could not be kept: ${e.message}`));
  return result;
}

export async function serveReplay(service: MailtapService, servers: ReplayServers, p: { sessionId: string; host?: string; port?: number; tls?: TlsMode | 'auto' }): Promise<ReplayServerState> {
  const src = await source(service, p.sessionId);
  const port = p.port === undefined ? 0 : Number(p.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw badRequest('port must be 0 to 65535');
  const host = p.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) throw badRequest('a server replay binds loopback only');
  if (p.tls !== undefined && !TLS_MODES.includes(p.tls)) throw badRequest('tls must be auto, none, starttls or implicit');
  return servers.start(src, { host, port, ...(p.tls ? { tls: p.tls } : {}) });
}

export async function exportSessionJson(service: MailtapService, id: unknown): Promise<BinaryResult> {
  const src = await source(service, id);
  return { contentType: 'application/json', filename: `session-${src.summary.id}.json`, data: Buffer.from(JSON.stringify(toSessionJson(src))) };
}

export async function importSessionJson(service: MailtapService, input: unknown): Promise<SessionSummary> {
  let src: SessionSource;
  try {
    src = parseSessionJson(input);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return importSession(service.sessions, src);
}
