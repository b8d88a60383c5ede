// The latency a proxy adds (npm run bench -- --only=proxy): one connection, NOOP and wait for
// its reply, N times in a row (2,000; 500 with --quick; 100 more untimed first), side by side
// in one run: direct, through socat (a blind TCP relay) and through mailtap's proxy. IMAP NOOP
// to a private Dovecot (after LOGIN and SELECT), SMTP NOOP to Postfix's smtp-sink (after EHLO).
// Prints the median and p99 round trip of each, and what socat and mailtap add to direct's.
// Target: mailtap adds under 1 ms at the median.
// Run: npx tsx test/bench/proxy-latency-bench.ts [--quick]
import { dovecotMissing, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { LineClient } from './line-client.js';
import { have, printTable, quantile, RELAYS, startRelay, startSmtpSink, type RelayName } from './relays.js';
import type { Proc } from './procs.js';

const quick = process.argv.includes('--quick');
const N = quick ? 500 : 2000;
const WARMUP = 100;
const BOUND_MS = 60_000;

interface Rtt {
  median: number;
  p99: number;
}

async function measure(c: LineClient, noop: () => Promise<string>): Promise<Rtt> {
  const end = performance.now() + BOUND_MS;
  for (let i = 0; i < WARMUP; i++) await noop();
  const t: number[] = [];
  for (let i = 0; i < N && performance.now() < end; i++) {
    const t0 = performance.now();
    await noop();
    t.push(performance.now() - t0);
  }
  c.destroy();
  if (t.length < N) console.log(`  (bounded: ${t.length} of ${N} round trips in ${BOUND_MS / 1000} s)`);
  t.sort((a, b) => a - b);
  return { median: quantile(t, 0.5), p99: quantile(t, 0.99) };
}

async function imapNoops(port: number, password: string): Promise<Rtt> {
  const c = await LineClient.open(port);
  await c.next();
  await c.imap(`LOGIN bench ${password}`);
  await c.imap('SELECT INBOX');
  return measure(c, () => c.imap('NOOP'));
}

async function smtpNoops(port: number): Promise<Rtt> {
  const c = await LineClient.open(port);
  await c.next((l) => /^220 /.test(l));
  await c.smtp('EHLO bench.example.test');
  return measure(c, async () => {
    const r = await c.smtp('NOOP');
    if (!r.startsWith('250')) throw new Error(`NOOP: ${r}`);
    return r;
  });
}

const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
const added = (ms: number): string => `${ms >= 0 ? '+' : ''}${(ms * 1000).toFixed(0)} µs`;

export async function proxyLatencyBench(): Promise<void> {
  console.log(`\n== Latency a proxy adds to a NOOP round trip (${N} in a row on one connection) ==`);
  if (!have('socat')) return console.log('  skipped: socat is not installed (apt-get install socat)');
  const rows: string[][] = [];
  let dovecot: Dovecot | null = null;
  let sink: Proc | null = null;
  try {
    const targets: [string, 'imap' | 'smtp', number, (port: number) => Promise<Rtt>][] = [];
    const missing = dovecotMissing();
    if (missing) console.log(`  IMAP skipped: ${missing}`);
    else {
      const d = (dovecot = await startDovecot());
      targets.push(['IMAP NOOP → Dovecot', 'imap', d.port, (p) => imapNoops(p, d.password)]);
    }
    if (!have('smtp-sink')) console.log('  SMTP skipped: smtp-sink is not installed (apt-get install postfix)');
    else {
      const s = await startSmtpSink();
      sink = s.proc;
      targets.push(['SMTP NOOP → smtp-sink', 'smtp', s.port, smtpNoops]);
    }
    for (const [name, protocol, upstream, run] of targets) {
      const r = new Map<RelayName, Rtt>();
      for (const relay of RELAYS) {
        const p = await startRelay(relay, protocol, upstream);
        try {
          r.set(relay, await run(p.port));
        } finally {
          await p.stop();
        }
      }
      const d = r.get('direct')!;
      for (const relay of RELAYS) {
        const x = r.get(relay)!;
        const add = relay === 'direct' ? ['', ''] : [added(x.median - d.median), added(x.p99 - d.p99)];
        rows.push([relay === 'direct' ? name : '', relay, us(x.median), us(x.p99), ...add]);
      }
      console.log(`  ${name}: ${RELAYS.map((x) => `${x} ${us(r.get(x)!.median)}`).join(', ')} (medians)`);
    }
  } finally {
    await dovecot?.stop();
    await sink?.stop();
  }
  printTable(['round trip', 'relay', 'median', 'p99', 'added median', 'added p99'], rows);
  console.log('(added = relay minus direct; target: mailtap adds under 1 ms at the median)');
}

if (import.meta.url === `file://${process.argv[1]}`) await proxyLatencyBench();
