// `mailtap replay` and `mailtap serve-replay`: replay from the command line, for CI. The source
// session comes from a session JSON file or, by id, from the data directory. When a live
// server holds that directory (DATA/server.json), the command goes through its API, so the run
// is recorded in its store like any session. Otherwise the directory is read without writing
// to it and the run is recorded in a private scratch store; `--save FILE` keeps it as session
// JSON either way.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ReplayResult, ReplayServerState, SessionSummary, TimelineEvent, TlsMode } from '../shared/types.js';
import { SessionRecorder } from './core/capture/recorder.js';
import { defaultDataDir } from './core/data-dir.js';
import { parseSessionJson, toSessionJson } from './core/export/session-json.js';
import { runClientReplay, type ClientReplayOptions } from './core/replay/run-client.js';
import { runningServer } from './core/server-marker.js';
import { RemoteMailtap } from './cli-replay-server.js';
import { ReplayServers } from './core/replay/servers.js';
import { sourceFromDataDir, sourceFromStore, type SessionSource } from './core/replay/source.js';
import { SessionStore } from './core/store/session-store.js';
import { LocalCa } from './core/tls/ca.js';
import { formatReport } from './core/replay/report.js';

export const REPLAY_USAGE = `  mailtap replay <session-id | session.json> --target HOST:PORT [options]
                              play the session's client side against HOST:PORT and compare;
                              exit 0 when every exchange matches, 1 on a mismatch, 2 on an error
      --tls auto|none|starttls|implicit   target TLS (default auto: as recorded)
      --pace fast|original   (default fast)        --timeout MS   per response (default 15000)
      --user U --pass P      substitute credentials (CRAM-MD5 and APOP need --pass;
                             for XOAUTH2 and OAUTHBEARER, P is the bearer token)
      --normalize REGEX      also ignore what REGEX matches (repeatable)
      --strict               turn off the built-in rules (host names, dates, ids, challenges)
      --verify | --no-verify the target's certificate (default: off on loopback)
      --json                 print the result as JSON     --save FILE   keep the run as session JSON
      --data DIR             where session ids are looked up
  mailtap serve-replay <session-id | session.json> [--port N] [--host ADDR] [--tls auto|none|implicit] [--data DIR]
                              serve the session's server side to clients until stopped`;

const TLS = ['auto', 'none', 'starttls', 'implicit'];

const isFile = (ref: string): boolean => ref.endsWith('.json') || (existsSync(ref) && !/^[0-9a-z]{16}$/.test(ref));

async function loadSource(ref: string, dataDir: string): Promise<SessionSource> {
  if (isFile(ref)) return parseSessionJson(await readFile(resolve(ref), 'utf8'));
  return sourceFromDataDir(dataDir, ref);
}

/** A private store for the sessions this process records. */
async function scratchStore(): Promise<{ store: SessionStore; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mailtap-replay-'));
  const store = new SessionStore(dir);
  await store.open();
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const recordInto = (store: SessionStore) => (summary: SessionSummary, onTimeline: (e: TimelineEvent[]) => void): SessionRecorder =>
  new SessionRecorder(summary, store, { timeline: (_id, events) => onTimeline(events) });

export async function replayCommand(argv: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        tls: { type: 'string' },
        pace: { type: 'string' },
        user: { type: 'string' },
        pass: { type: 'string' },
        normalize: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        verify: { type: 'boolean' },
        'no-verify': { type: 'boolean' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        save: { type: 'string' },
        data: { type: 'string' },
        leg: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    err(`mailtap replay: ${(e as Error).message}\n${REPLAY_USAGE}`);
    return 2;
  }
  const ref = positionals[0];
  if (!ref || !values.target || (values.tls && !TLS.includes(values.tls)) || (values.pace && values.pace !== 'fast' && values.pace !== 'original')) {
    err(`mailtap replay: give a session and --target HOST:PORT\n${REPLAY_USAGE}`);
    return 2;
  }
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const strict = values.strict ? { hostnames: false, dates: false, messageIds: false, queueIds: false, challenges: false } : {};
  const options: ClientReplayOptions = {
    target: values.target,
    tls: (values.tls ?? 'auto') as TlsMode | 'auto',
    pace: values.pace === 'original' ? 'original' : 'fast',
    credentials: { ...(values.user !== undefined ? { user: values.user } : {}), ...(values.pass !== undefined ? { password: values.pass } : {}) },
    rules: { ...strict, patterns: values.normalize ?? [] },
    ...(values.verify ? { verify: true } : values['no-verify'] ? { verify: false } : {}),
    ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
    ...(values.leg === 'upstream' ? { leg: 'upstream' as const } : {}),
  };
  try {
    const server = isFile(ref) ? null : await runningServer(dataDir);
    const { result, source, saved } = server?.url ? await viaServer(new RemoteMailtap(server.url), ref, options) : await locally(await loadSource(ref, dataDir), options);
    if (values.save && saved) await writeFile(values.save, await saved());
    out(values.json ? JSON.stringify(result, null, 2) : formatReport(result, source));
    return result.error ? 2 : result.ok ? 0 : 1;
  } catch (e) {
    err(`mailtap replay: ${(e as Error).message}`);
    return 2;
  }
}

interface Ran {
  result: ReplayResult;
  source: SessionSummary;
  /** The run's own session as session JSON, for --save. */
  saved: (() => Promise<string>) | null;
}

/** A live server holds the data directory: it runs the replay and records it in its store. */
async function viaServer(remote: RemoteMailtap, id: string, o: ClientReplayOptions): Promise<Ran> {
  const source = await remote.session(id);
  const result = await remote.run({ sessionId: id, ...o });
  return { result, source, saved: result.sessionId ? () => remote.exportJson(result.sessionId!) : null };
}

/** No server: the run is recorded in a private scratch store, kept only through --save. */
async function locally(src: SessionSource, o: ClientReplayOptions): Promise<Ran> {
  const scratch = await scratchStore();
  try {
    const result = await runClientReplay(src, o, { record: recordInto(scratch.store) });
    const run = result.sessionId ? await sourceFromStore(scratch.store, result.sessionId) : null;
    const json = run ? JSON.stringify(toSessionJson(run)) : null;
    return { result, source: src.summary, saved: json ? async () => json : null };
  } finally {
    await scratch.dispose();
  }
}

/** Serves until SIGINT/SIGTERM; returns -1 (keep running) once listening. */
export async function serveReplayCommand(argv: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' }, tls: { type: 'string' }, data: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    err(`mailtap serve-replay: ${(e as Error).message}\n${REPLAY_USAGE}`);
    return 2;
  }
  const port = Number(values.port ?? 0);
  if (!positionals[0] || !Number.isInteger(port) || port < 0 || port > 65535 || (values.tls && !TLS.includes(values.tls))) {
    err(`mailtap serve-replay: give a session (and --port 0-65535)\n${REPLAY_USAGE}`);
    return 2;
  }
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const tls = (values.tls ?? 'auto') as TlsMode | 'auto';
  const host = values.host ?? '127.0.0.1';
  const server = isFile(positionals[0]) ? null : await runningServer(dataDir);
  if (server?.url) {
    // The live server serves it, and records each connection in its own store.
    const remote = new RemoteMailtap(server.url);
    const st = await remote.serve(positionals[0], host, port, tls);
    out(listeningLine(st));
    // Nothing else keeps this process alive: the listening socket is the server's.
    const alive = setInterval(() => undefined, 60_000);
    const stop = (): void => {
      clearInterval(alive);
      void remote.stop(st.id).catch(() => undefined).then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1;
  }
  const src = await loadSource(positionals[0], dataDir);
  const ca = await LocalCa.open(dataDir);
  const scratch = await scratchStore();
  const servers = new ReplayServers({
    record: (summary, onTimeline) =>
      recordInto(scratch.store)(summary, (events) => {
        for (const e of events) if (e.kind === 'warning' && e.code === 'replay-mismatch') err(`mailtap serve-replay: ${e.text}`);
        onTimeline(events);
      }),
    secureContext: () => ca.sinkContext(),
  });
  const st = await servers.start(src, { host, port, tls });
  out(listeningLine(st));
  const stop = (): void => {
    void servers.closeAll().then(() => scratch.dispose()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

const listeningLine = (st: ReplayServerState): string =>
  `mailtap: serving the server side of ${st.protocol} session ${st.sessionId} on ${st.address.includes(':') ? `[${st.address}]` : st.address}:${st.port} (tls ${st.tls})`;
