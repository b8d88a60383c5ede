// npm run bench: SMTP ingest side by side in one run, with Postfix's smtp-source as the load:
//   mailtap (durable: fsync before 250), Postfix's smtp-sink (the speed limit; discards), and
//   nodemailer's smtp-server with its 100 ms greeting delay patched out and storing nothing (the
//   Node ceiling: see node-peers.ts), and MailDev (the Node peer; installed into .bench/ on
//   first run).
// Absolute numbers on these machines are noisy; the ratios in the same run are the result.
// Then: peak RSS at 10,000 stored messages, GET /api/messages (first page) at 10,000 and
// 100,000, and the longest event-loop stall during ingest.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startIdlePeer } from './idle-peer.js';
import { startSmtpServerPeer } from './node-peers.js';
import { freePort, scratchDir, startProcess, waitForPort, type Proc } from './procs.js';
import { proxyBench } from './proxy-bench.js';
import { proxyImapBench } from './proxy-imap-bench.js';
import { proxyLatencyBench } from './proxy-latency-bench.js';
import { proxySessionsBench } from './proxy-sessions-bench.js';
import { mailtapNodeFlags } from './relays.js';
import type { ServerStats } from '../../shared/types.js';

const root = new URL('../..', import.meta.url).pathname;
const quick = process.argv.includes('--quick');
const scale = quick ? 0.2 : 1;

interface Peer {
  name: string;
  start(): Promise<{ port: number; proc: Proc; http?: string }>;
  /** Fraction of the message count this peer gets (a slow peer would take minutes). */
  share: number;
}

async function startMailtap(dataDir: string): Promise<{ port: number; proc: Proc; http: string }> {
  const port = await freePort();
  const http = await freePort();
  const proc = startProcess('mailtap', process.execPath, [...mailtapNodeFlags(), 'bin/mailtap.js', 'serve', '--data', dataDir, '--smtp-port', String(port), '--pop3-port', '0', '--imap-port', '0', '--http-port', String(http)], { cwd: root });
  await waitForPort(port);
  const base = `http://127.0.0.1:${http}`;
  // Room for the 100,000-message measurement.
  await fetch(`${base}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retention: { maxMessages: 0, maxSessions: 0 } }) });
  return { port, proc, http: base };
}

function ensureMailDev(): string {
  const bin = join(root, '.bench/node_modules/maildev/dist/bin/maildev.js');
  if (!existsSync(bin)) {
    console.log('installing MailDev into .bench/ (once)…');
    execFileSync('npm', ['install', '--prefix', join(root, '.bench'), '--no-audit', '--no-fund', 'maildev@3'], { stdio: 'inherit' });
  }
  return bin;
}

const peers: Peer[] = [
  {
    name: 'mailtap',
    share: 1,
    async start() {
      const dir = await scratchDir('mailtap-bench-');
      const r = await startMailtap(dir);
      return r;
    },
  },
  {
    name: 'smtp-sink',
    share: 1,
    async start() {
      const port = await freePort();
      const proc = startProcess('smtp-sink', 'smtp-sink', ['-u', 'postfix', `127.0.0.1:${port}`, '1024']);
      await waitForPort(port);
      return { port, proc };
    },
  },
  {
    name: 'smtp-server',
    share: 1,
    start() {
      ensureMailDev(); // smtp-server comes with it
      return startSmtpServerPeer();
    },
  },
  {
    name: 'MailDev',
    share: 0.1,
    async start() {
      const bin = ensureMailDev();
      const port = await freePort();
      const web = await freePort();
      const proc = startProcess('maildev', process.execPath, [bin, '--smtp', String(port), '--web', String(web), '--ip', '127.0.0.1', '--silent']);
      await waitForPort(port);
      return { port, proc };
    },
  },
];

interface Scenario {
  name: string;
  count: number;
  args: string[];
}

const KB = 1024;
const scenarios: Scenario[] = [
  { name: '1 KB, 1 session', count: 2000, args: ['-s', '1', '-l', String(KB)] },
  { name: '1 KB, 10 sessions', count: 10000, args: ['-s', '10', '-l', String(KB)] },
  { name: '1 KB, 50 sessions', count: 10000, args: ['-s', '50', '-l', String(KB)] },
  { name: '1 KB, reused connections (10)', count: 10000, args: ['-d', '-s', '10', '-l', String(KB)] },
  { name: '1 MB, 10 sessions', count: 1000, args: ['-s', '10', '-l', String(1024 * KB)] },
];

function smtpSource(port: number, count: number, args: string[]): number {
  const t0 = performance.now();
  execFileSync('smtp-source', [...args, '-m', String(count), '-f', 'bench@example.test', '-t', 'sink@example.test', `127.0.0.1:${port}`], { stdio: 'ignore', timeout: 600_000 });
  return (performance.now() - t0) / 1000;
}

async function stats(http: string, reset = false): Promise<ServerStats> {
  // A kept-alive connection can be closed by the server just as it is reused: retry once.
  const get = async () => (await (await fetch(`${http}/api/stats${reset ? '?reset=1' : ''}`)).json()) as ServerStats;
  return get().catch(get);
}

async function firstPageMs(http: string): Promise<{ median: number; total: number }> {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    const r = (await (await fetch(`${http}/api/messages?limit=50`)).json()) as { total: number };
    times.push(performance.now() - t0);
    total = r.total;
  }
  times.sort((a, b) => a - b);
  return { median: times[10]!, total };
}

async function throughput(): Promise<void> {
  console.log('\n== SMTP ingest, messages per second (load: smtp-source) ==');
  const rows: string[][] = [];
  let worstStall = 0;
  let worstIdle = 0;
  const idle = startIdlePeer();
  const pick = process.argv.find((a) => a.startsWith('--scenario='))?.slice(11);
  for (const sc of scenarios.filter((x) => !pick || x.name.includes(pick))) {
    const rates = new Map<string, number>();
    let stall = 0;
    for (const peer of peers) {
      const n = Math.max(50, Math.round(sc.count * scale * peer.share));
      const p = await peer.start();
      try {
        if (p.http) await Promise.all([stats(p.http, true), idle.reset()]);
        const secs = smtpSource(p.port, n, sc.args);
        rates.set(peer.name, n / secs);
        if (p.http) {
          stall = Math.max(stall, (await stats(p.http)).eventLoop.maxMs);
          worstStall = Math.max(worstStall, stall);
          worstIdle = Math.max(worstIdle, await idle.maxMs());
        }
      } catch (e) {
        console.error(`${peer.name} failed in "${sc.name}": ${(e as Error).message}\n${p.proc.output()}`);
        throw e;
      } finally {
        await p.proc.stop();
      }
    }
    const m = rates.get('mailtap')!;
    const ceiling = rates.get('smtp-server')! / rates.get('smtp-sink')!;
    rows.push([sc.name, ...peers.map((p) => `${rates.get(p.name)!.toFixed(0)}/s`), ...peers.slice(1).map((p) => `${(m / rates.get(p.name)!).toFixed(2)}×`), `${ceiling.toFixed(2)}×`, `${stall.toFixed(0)} ms`]);
    console.log(`  ${sc.name}: ${peers.map((p) => `${p.name} ${rates.get(p.name)!.toFixed(0)}/s`).join(', ')}; longest mailtap stall ${stall.toFixed(1)} ms`);
  }
  const header = ['scenario', ...peers.map((p) => p.name), ...peers.slice(1).map((p) => `mailtap/${p.name}`), 'smtp-server/smtp-sink', 'mailtap stall'];
  printTable(header, rows);
  idle.stop();
  console.log(`longest event-loop stall in mailtap during these runs: ${worstStall.toFixed(1)} ms; in an idle Node process beside it: ${worstIdle.toFixed(1)} ms (the machine's scheduling, see idle-peer.ts)`);
}

async function scaleRun(): Promise<void> {
  console.log('\n== mailtap at 10,000 and 100,000 stored messages ==');
  const dir = await scratchDir('mailtap-bench-scale-');
  const p = await startMailtap(dir);
  const idle = startIdlePeer();
  try {
    await Promise.all([stats(p.http, true), idle.reset()]);
    smtpSource(p.port, Math.round(10000 * scale), ['-d', '-s', '10', '-l', String(KB)]);
    const s10 = await stats(p.http, true);
    const idle10 = await idle.maxMs();
    await idle.reset();
    const page10 = await firstPageMs(p.http);
    console.log(`  ${page10.total} stored: peak RSS ${(s10.peakRssBytes / 2 ** 20).toFixed(0)} MB, GET /api/messages first page ${page10.median.toFixed(1)} ms (median of 21), longest stall ${s10.eventLoop.maxMs.toFixed(1)} ms (an idle Node process beside it: ${idle10.toFixed(1)} ms)`);
    smtpSource(p.port, Math.round(90000 * scale), ['-d', '-s', '10', '-l', String(KB)]);
    const s100 = await stats(p.http, true);
    const idle100 = await idle.maxMs();
    const page100 = await firstPageMs(p.http);
    console.log(`  ${page100.total} stored: peak RSS ${(s100.peakRssBytes / 2 ** 20).toFixed(0)} MB, GET /api/messages first page ${page100.median.toFixed(1)} ms (median of 21), longest stall ${s100.eventLoop.maxMs.toFixed(1)} ms (an idle Node process beside it: ${idle100.toFixed(1)} ms)`);
  } finally {
    idle.stop();
    await p.proc.stop();
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
if (!only || only === 'throughput') await throughput();
if (!only || only === 'scale') await scaleRun();
if (!only || only === 'proxy') {
  // SMTP msg/s, IMAP MB/s, NOOP latency added, 1,000 concurrent sessions: direct, socat, mailtap.
  await proxyBench();
  await proxyImapBench();
  await proxyLatencyBench();
  await proxySessionsBench();
}
if (!only || only === 'imap') {
  // IMAP side by side with Dovecot: FETCH, UID SEARCH and IDLE latency (test/bench/imap-bench.ts).
  execFileSync(process.execPath, ['--import', 'tsx', 'test/bench/imap-bench.ts', '--n', String(Math.round(10000 * scale))], { cwd: root, stdio: 'inherit' });
}
