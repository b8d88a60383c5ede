// 1,000 concurrent proxied sessions (npm run bench -- --only=proxy): 1,000 SMTP clients open at
// once towards Postfix's smtp-sink, directly, through socat and through mailtap's SMTP proxy.
// Each reads the greeting, sends EHLO and waits for its 250; once all are up they are held a
// moment, then each sends QUIT and waits for 221 and the close. Everything is bounded (60 s).
// Errors counted: connect errors, resets, missing or wrong replies. For mailtap, its session
// list (GET /api/sessions?role=proxy) must then hold 1,000 closed sessions without errors.
// Children run with the open-file limit raised (relays.ts); a client needs a descriptor per
// session on each side of each hop.
// Run: npx tsx test/bench/proxy-sessions-bench.ts [--quick] [--sessions 1000]
import { LineClient } from './line-client.js';
import { have, printTable, RELAYS, softFdLimit, startRelay, startSmtpSink } from './relays.js';
import type { SessionSummary } from '../../shared/types.js';

const quick = process.argv.includes('--quick');
const argN = process.argv.indexOf('--sessions');
const SESSIONS = argN > 0 ? Number(process.argv[argN + 1]) : 1000;
const HOLD_MS = quick ? 1000 : 3000;
const BOUND_MS = 60_000;

interface Outcome {
  errors: Map<string, number>;
  upSeconds: number;
  heldSeconds: number;
}

async function storm(port: number): Promise<Outcome> {
  const errors = new Map<string, number>();
  const fail = (what: string, e: unknown): void => {
    const key = `${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  };
  const deadline = performance.now() + BOUND_MS;
  const left = (): number => Math.max(1, deadline - performance.now());
  let release!: () => void;
  const quit = new Promise<void>((r) => (release = r));
  const t0 = performance.now();
  let up = 0;
  let allUp = 0;
  const sessions = Array.from({ length: SESSIONS }, async () => {
    let c: LineClient;
    try {
      c = await LineClient.open(port, left());
    } catch (e) {
      return fail('connect', e);
    }
    let stage = 'greeting';
    try {
      const greeting = await c.next(() => true, left());
      if (!greeting.startsWith('220')) throw new Error(`greeting ${greeting}`);
      stage = 'EHLO';
      const ehlo = await c.smtp('EHLO bench.example.test', left());
      if (!ehlo.startsWith('250')) throw new Error(`EHLO ${ehlo}`);
      if (++up === SESSIONS) ((allUp = performance.now()), release());
      stage = 'held';
      await Promise.race([quit, c.whenClosed.then((e) => Promise.reject(e))]);
      stage = 'QUIT';
      const bye = await c.smtp('QUIT', left());
      if (!bye.startsWith('221')) throw new Error(`QUIT ${bye}`);
      stage = 'close';
      await c.ended(left());
    } catch (e) {
      fail(stage, e);
    } finally {
      c.destroy();
    }
  });
  const all = Promise.all(sessions);
  // Release when everyone is up, when sessions failed (up can no longer reach SESSIONS), or at the bound.
  const watch = setInterval(() => {
    const failed = [...errors.values()].reduce((a, b) => a + b, 0);
    if (up + failed >= SESSIONS || performance.now() > deadline - HOLD_MS - 5000) release();
  }, 100);
  await quit;
  const heldFrom = performance.now();
  const upWhenHeld = up;
  if (!allUp) allUp = heldFrom;
  await new Promise((r) => setTimeout(r, HOLD_MS));
  const heldSeconds = (performance.now() - heldFrom) / 1000;
  release();
  await all;
  clearInterval(watch);
  const failed = [...errors.values()].reduce((a, b) => a + b, 0);
  if (upWhenHeld + failed < SESSIONS) errors.set('not up in time', SESSIONS - upWhenHeld - failed);
  return { errors, upSeconds: (allUp - t0) / 1000, heldSeconds };
}

/** mailtap's own account: its proxy sessions, once all have ended (bounded: 20 s). */
async function sessionList(http: string): Promise<string> {
  const end = Date.now() + 20_000;
  let items: SessionSummary[] = [];
  for (;;) {
    items = [];
    for (let offset = 0; ; offset += 500) {
      const r = (await (await fetch(`${http}/api/sessions?role=proxy&limit=500&offset=${offset}`)).json()) as { total: number; items: SessionSummary[] };
      items.push(...r.items);
      if (offset + 500 >= r.total) break;
    }
    if ((items.length >= SESSIONS && items.every((s) => s.endedAt !== null)) || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const open = items.filter((s) => s.endedAt === null).length;
  const withErrors = items.filter((s) => s.errors > 0);
  const errors = withErrors.reduce((a, s) => a + s.errors, 0);
  const warnings = items.reduce((a, s) => a + s.warnings, 0);
  return `${items.length} proxy sessions, ${open} still open, ${withErrors.length} with errors (${errors} errors), ${warnings} warnings`;
}

export async function proxySessionsBench(): Promise<void> {
  console.log(`\n== ${SESSIONS} concurrent SMTP sessions (client → relay → smtp-sink) ==`);
  if (!have('socat') || !have('smtp-sink')) return console.log('  skipped: needs socat and smtp-sink (apt-get install socat postfix)');
  const soft = softFdLimit();
  console.log(`  open-file limit: ${soft} here (children are raised to 65536 when lower); this process: ${SESSIONS} descriptors needed`);
  const sink = await startSmtpSink();
  const rows: string[][] = [];
  let ledger = '';
  try {
    for (const relay of RELAYS) {
      const r = await startRelay(relay, 'smtp', sink.port);
      try {
        const o = await storm(r.port);
        const n = [...o.errors.values()].reduce((a, b) => a + b, 0);
        const detail = [...o.errors].map(([k, v]) => `${v}× ${k}`).join('; ');
        rows.push([relay, String(n), `${o.upSeconds.toFixed(1)} s`, `${o.heldSeconds.toFixed(1)} s`, detail]);
        console.log(`  ${relay}: ${SESSIONS} sessions: ${n} errors, all held for ${o.heldSeconds.toFixed(1)} s${detail ? ` (${detail})` : ''}`);
        if (r.http) ledger = await sessionList(r.http);
      } finally {
        await r.stop();
      }
    }
  } finally {
    await sink.proc.stop();
  }
  printTable(['relay', 'errors', 'all up after', 'all held for', 'error detail'], rows);
  console.log(`mailtap's session list afterwards: ${ledger}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await proxySessionsBench();
