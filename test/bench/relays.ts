// The relays the proxy benchmarks put between a client and an upstream, side by side:
//   direct   no relay (the floor),
//   socat    a blind TCP relay (socat TCP-LISTEN:…,fork → TCP:…),
//   mailtap  mailtap's proxy (bin/mailtap.js serve --proxy …), which records both legs,
//            dissects every exchange and catches relayed messages.
// Children are started through `sh -c 'ulimit -n …; exec …'` when the soft descriptor limit is
// low, so that 1,000 concurrent sessions fit; all are stopped by PID (procs.ts).
import { execFileSync } from 'node:child_process';
import { freePort, scratchDir, startProcess, waitForPort, type Proc } from './procs.js';

const root = new URL('../..', import.meta.url).pathname;
export const RELAYS = ['direct', 'socat', 'mailtap'] as const;
export type RelayName = (typeof RELAYS)[number];
export const FDS = 65536;

export function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The shell's soft limit on open files (what a child inherits), or Infinity. */
export function softFdLimit(): number {
  const s = execFileSync('sh', ['-c', 'ulimit -n']).toString().trim();
  return s === 'unlimited' ? Infinity : Number(s);
}

/** Starts cmd with the soft descriptor limit raised to FDS when it is lower (best effort). */
export function startRaised(name: string, cmd: string, args: string[], opts: { cwd?: string } = {}): Proc {
  if (softFdLimit() >= FDS) return startProcess(name, cmd, args, opts);
  // Raise to FDS, or to the hard limit when FDS is above it (an unprivileged user).
  const script = `ulimit -n ${FDS} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  return startProcess(name, 'sh', ['-c', script, 'sh', cmd, ...args], opts);
}

export async function startSmtpSink(): Promise<{ port: number; proc: Proc }> {
  const port = await freePort();
  // -m: smtp-sink serves 256 connections at once by default, and leaves the rest queued.
  const proc = startRaised('smtp-sink', 'smtp-sink', ['-u', 'postfix', '-m', '4096', `127.0.0.1:${port}`, '4096']);
  await waitForPort(port);
  return { port, proc };
}

export async function startSocat(upstream: number): Promise<{ port: number; proc: Proc }> {
  const port = await freePort();
  const proc = startRaised('socat', 'socat', [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr,backlog=4096`, `TCP:127.0.0.1:${upstream}`]);
  await waitForPort(port);
  return { port, proc };
}

export interface MailtapProxy {
  /** The listening port of each proxy, in the order given. */
  ports: number[];
  http: string;
  proc: Proc;
}

/** Node flags for the mailtap under test, from MAILTAP_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
export function mailtapNodeFlags(): string[] {
  return process.env.MAILTAP_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
}

/** mailtap with one proxy listener (plain both sides) per [protocol, upstream port]. */
export async function startMailtapProxy(upstreams: [protocol: 'smtp' | 'imap' | 'pop3', port: number][]): Promise<MailtapProxy> {
  const dir = await scratchDir('mailtap-bench-proxy-');
  const http = await freePort();
  const ports: number[] = [];
  const args = [...mailtapNodeFlags(), 'bin/mailtap.js', 'serve', '--data', dir, '--smtp-port', '0', '--pop3-port', '0', '--imap-port', '0', '--http-port', String(http)];
  for (const [i, [protocol, upstream]] of upstreams.entries()) {
    const port = await freePort();
    ports.push(port);
    args.push('--proxy', `${protocol}://127.0.0.1:${port}=127.0.0.1:${upstream}?tls=none&upstream-tls=none&name=bench-${protocol}-${i}`);
  }
  const proc = startRaised('mailtap', process.execPath, args, { cwd: root });
  const base = `http://127.0.0.1:${http}`;
  try {
    await waitForPort(http);
    await waitForListeners(base, upstreams.length);
    await fetch(`${base}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retention: { maxMessages: 0, maxSessions: 0 } }) });
  } catch (e) {
    console.error(proc.output());
    await proc.stop();
    throw e;
  }
  return { ports, http: base, proc };
}

/** Waits for the proxy listeners through the API (a probe connection would be a session). */
async function waitForListeners(base: string, n: number, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const list = (await fetch(`${base}/api/listeners`).then((r) => r.json(), () => [])) as { running?: boolean }[];
    if (Array.isArray(list) && list.filter((l) => l.running).length >= n) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('mailtap proxy listeners did not start');
}

/** Starts a relay in front of upstream; returns the port to connect to and a stop(). */
export async function startRelay(name: RelayName, protocol: 'smtp' | 'imap', upstream: number): Promise<{ port: number; http?: string; stop(): Promise<void> }> {
  if (name === 'direct') return { port: upstream, stop: async () => undefined };
  if (name === 'socat') {
    const s = await startSocat(upstream);
    return { port: s.port, stop: () => s.proc.stop() };
  }
  const m = await startMailtapProxy([[protocol, upstream]]);
  return { port: m.ports[0]!, http: m.http, stop: () => m.proc.stop() };
}

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
