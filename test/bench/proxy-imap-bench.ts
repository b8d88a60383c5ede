// The IMAP proxy throughput benchmark (npm run bench -- --only=proxy): MB/s of 10 MB fetches
// from a private Dovecot, side by side in one run: direct, through socat (a blind TCP relay)
// and through mailtap's IMAP proxy (which records both legs byte-exact, dissects the dialogue
// and catches the first fetched message of each session into its store).
// A raw-socket client logs in, selects INBOX, fetches once untimed (warms Dovecot's cache and
// takes mailtap's one catch per session), then times K `UID FETCH n BODY.PEEK[]`, each literal
// counted by its {size}. Once with one session, once with 4 concurrent ones (total MB/s).
// MB = 2^20 bytes. Absolute numbers are noisy; the ratios in the same run are the result.
// Run: npx tsx test/bench/proxy-imap-bench.ts [--quick]
import { dovecotMissing, startDovecot } from '../helpers/dovecot.js';
import { LineClient } from './line-client.js';
import { have, printTable, RELAYS, startRelay, type RelayName } from './relays.js';

const quick = process.argv.includes('--quick');
const MB = 2 ** 20;
const SIZE = 10 * MB;
const MESSAGES = 4;
const K = quick ? 4 : 12;
const CONCURRENT = 4;

/** A text message of exactly SIZE bytes, 76-character lines. */
function bigMessage(i: number): Buffer {
  const head = `From: bench@example.test\r\nTo: big@example.test\r\nSubject: big ${i}\r\nMessage-ID: <big-${i}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`;
  const line = `${String(i).repeat(74).slice(0, 74)}\r\n`;
  const body = Buffer.alloc(SIZE - head.length, line);
  body.write('\r\n', body.length - 2);
  if (body[body.length - 3] === 13) body[body.length - 3] = 0x78; // no bare CR
  return Buffer.concat([Buffer.from(head), body]);
}

async function load(port: number, password: string): Promise<number[]> {
  const c = await LineClient.open(port);
  await c.next();
  await c.imap(`LOGIN bench ${password}`);
  const uids: number[] = [];
  for (let i = 1; i <= MESSAGES; i++) {
    const m = bigMessage(i);
    c.write(`a${i} APPEND INBOX {${m.length}+}\r\n`);
    c.write(m);
    c.write('\r\n');
    const ok = await c.next((l) => l.startsWith(`a${i} `), 60_000);
    const uid = /APPENDUID \d+ (\d+)/.exec(ok)?.[1];
    if (!ok.startsWith(`a${i} OK`) || !uid) throw new Error(`APPEND: ${ok}`);
    uids.push(Number(uid));
  }
  c.destroy();
  return uids;
}

/** One session: K timed fetches of 10 MB; returns the bytes fetched. */
async function session(port: number, password: string, uids: number[], k: number, offset: number, ready: () => Promise<void>): Promise<number> {
  const c = await LineClient.open(port);
  try {
    await c.next();
    await c.imap(`LOGIN bench ${password}`);
    await c.imap('SELECT INBOX');
    const fetchOne = async (uid: number): Promise<number> => {
      const before = c.literalBytes;
      await c.imap(`UID FETCH ${uid} BODY.PEEK[]`, 120_000);
      const got = c.literalBytes - before;
      if (got !== SIZE) throw new Error(`UID ${uid}: ${got} bytes, expected ${SIZE}`);
      return got;
    };
    await fetchOne(uids[offset % uids.length]!); // untimed: see the header
    await ready();
    let bytes = 0;
    for (let i = 0; i < k; i++) bytes += await fetchOne(uids[(offset + i) % uids.length]!);
    await c.imap('LOGOUT');
    return bytes;
  } finally {
    c.destroy();
  }
}

/** All sessions start timing together, after their untimed fetch. */
function barrier(n: number, onRelease: () => void): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  return () => {
    if (++waiting === n) {
      onRelease();
      release();
    }
    return all;
  };
}

async function run(port: number, password: string, uids: number[], sessions: number): Promise<number> {
  let t0 = 0;
  const ready = barrier(sessions, () => (t0 = performance.now()));
  const perSession = Math.max(1, Math.round(K / (sessions === 1 ? 1 : 2)));
  const bytes = (await Promise.all(Array.from({ length: sessions }, (_, i) => session(port, password, uids, perSession, i, ready)))).reduce((a, b) => a + b, 0);
  return bytes / MB / ((performance.now() - t0) / 1000);
}

export async function proxyImapBench(): Promise<void> {
  console.log('\n== IMAP proxy, MB/s of 10 MB fetches (client → relay → Dovecot) ==');
  if (!have('socat')) return console.log('  skipped: socat is not installed (apt-get install socat)');
  const missing = dovecotMissing();
  if (missing) return console.log(`  skipped: ${missing}`);
  const dovecot = await startDovecot();
  const rows: string[][] = [];
  try {
    const uids = await load(dovecot.port, dovecot.password);
    const loads: [string, number][] = [['1 session', 1], [`${CONCURRENT} concurrent sessions`, CONCURRENT]];
    for (const [name, sessions] of loads) {
      const rates = new Map<RelayName, number>();
      for (const relay of RELAYS) {
        const r = await startRelay(relay, 'imap', dovecot.port);
        try {
          rates.set(relay, await run(r.port, dovecot.password, uids, sessions));
        } finally {
          await r.stop();
        }
      }
      const m = rates.get('mailtap')!;
      rows.push([name, ...RELAYS.map((r) => `${rates.get(r)!.toFixed(0)} MB/s`), `${(m / rates.get('socat')!).toFixed(2)}×`, `${(m / rates.get('direct')!).toFixed(2)}×`]);
      console.log(`  ${name}: ${RELAYS.map((r) => `${r} ${rates.get(r)!.toFixed(0)} MB/s`).join(', ')}`);
    }
  } finally {
    await dovecot.stop();
  }
  printTable(['10 MB UID FETCH BODY.PEEK[]', ...RELAYS, 'mailtap/socat', 'mailtap/direct'], rows);
  console.log(`(${K} timed fetches for 1 session, ${Math.round(K / 2)} per session for ${CONCURRENT}; target: mailtap/socat ≥ 0.70)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await proxyImapBench();
