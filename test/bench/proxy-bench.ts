// The proxy benchmark (npm run bench -- --only=proxy): smtp-source sends through a relay to
// Postfix's smtp-sink, side by side in one run:
//   direct     smtp-source → smtp-sink (no relay: the ceiling),
//   socat      smtp-source → socat (a blind TCP relay) → smtp-sink,
//   node-pipe  smtp-source → a Node relay that only pipes bytes (the Node ceiling) → smtp-sink,
//   mailtap    smtp-source → mailtap's SMTP proxy → smtp-sink. mailtap does much more than socat:
//              it records both legs byte-exact, dissects every exchange, and stores (fsync
//              before the client's 250) and MIME-decodes each relayed message.
// It prints messages per second and mailtap's ratio to socat. Absolute numbers on these
// machines are noisy; the ratio in the same run is the result.
import { execFileSync } from 'node:child_process';
import { startNodePipe } from './node-peers.js';
import { freePort, scratchDir, startProcess, waitForPort, type Proc } from './procs.js';

const root = new URL('../..', import.meta.url).pathname;
const quick = process.argv.includes('--quick');
const scale = quick ? 0.2 : 1;

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Relay {
  name: string;
  /** Starts the relay in front of the upstream port; returns the port to send to. */
  start(upstream: number): Promise<{ port: number; proc?: Proc }>;
}

const relays: Relay[] = [
  { name: 'direct', start: async (upstream) => ({ port: upstream }) },
  {
    name: 'socat',
    async start(upstream) {
      const port = await freePort();
      const proc = startProcess('socat', 'socat', [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr,backlog=512`, `TCP:127.0.0.1:${upstream}`]);
      await waitForPort(port);
      return { port, proc };
    },
  },
  { name: 'node-pipe', start: (upstream) => startNodePipe(upstream) },
  {
    name: 'mailtap',
    async start(upstream) {
      const dir = await scratchDir('mailtap-bench-proxy-');
      const port = await freePort();
      const http = await freePort();
      const spec = `smtp://127.0.0.1:${port}=127.0.0.1:${upstream}?tls=none&upstream-tls=none&name=bench`;
      const args = ['bin/mailtap.js', 'serve', '--data', dir, '--smtp-port', '0', '--pop3-port', '0', '--imap-port', '0', '--http-port', String(http), '--proxy', spec];
      const proc = startProcess('mailtap', process.execPath, args, { cwd: root });
      await waitForPort(port);
      await waitForPort(http); // the proxy listener can be up before the HTTP server
      await fetch(`http://127.0.0.1:${http}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retention: { maxMessages: 0, maxSessions: 0 } }) });
      return { port, proc };
    },
  },
];

const KB = 1024;
const scenarios = [
  { name: '1 KB, 1 session', count: 1000, args: ['-s', '1', '-l', String(KB)] },
  { name: '1 KB, 10 sessions', count: 5000, args: ['-s', '10', '-l', String(KB)] },
  { name: '1 KB, reused connections (10)', count: 5000, args: ['-d', '-s', '10', '-l', String(KB)] },
  { name: '1 MB, 10 sessions', count: 500, args: ['-s', '10', '-l', String(1024 * KB)] },
];

function send(port: number, count: number, args: string[]): number {
  const t0 = performance.now();
  execFileSync('smtp-source', [...args, '-m', String(count), '-f', 'bench@example.test', '-t', 'sink@example.test', `127.0.0.1:${port}`], { stdio: 'ignore', timeout: 600_000 });
  return (performance.now() - t0) / 1000;
}

export async function proxyBench(): Promise<void> {
  console.log('\n== SMTP proxy, messages per second (smtp-source → relay → smtp-sink) ==');
  if (!have('socat')) {
    console.log('  skipped: socat is not installed (apt-get install socat)');
    return;
  }
  const upstream = await freePort();
  const sink = startProcess('smtp-sink', 'smtp-sink', ['-u', 'postfix', `127.0.0.1:${upstream}`, '1024']);
  await waitForPort(upstream);
  const rows: string[][] = [];
  try {
    for (const sc of scenarios) {
      const rates = new Map<string, number>();
      const n = Math.max(50, Math.round(sc.count * scale));
      for (const relay of relays) {
        const r = await relay.start(upstream);
        try {
          rates.set(relay.name, n / send(r.port, n, sc.args));
        } catch (e) {
          console.error(`${relay.name} failed in "${sc.name}": ${(e as Error).message}\n${r.proc?.output() ?? ''}`);
          throw e;
        } finally {
          await r.proc?.stop();
        }
      }
      const m = rates.get('mailtap')!;
      rows.push([sc.name, ...relays.map((r) => `${rates.get(r.name)!.toFixed(0)}/s`), `${(m / rates.get('socat')!).toFixed(2)}×`, `${(rates.get('node-pipe')! / rates.get('socat')!).toFixed(2)}×`, `${(m / rates.get('direct')!).toFixed(2)}×`]);
      console.log(`  ${sc.name}: ${relays.map((r) => `${r.name} ${rates.get(r.name)!.toFixed(0)}/s`).join(', ')}`);
    }
  } finally {
    await sink.stop();
  }
  const header = ['scenario', ...relays.map((r) => r.name), 'mailtap/socat', 'node-pipe/socat', 'mailtap/direct'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

if (import.meta.url === `file://${process.argv[1]}`) await proxyBench();
