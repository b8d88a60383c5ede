// IMAP benchmark: mailtap and Dovecot side by side, holding the same N messages (10,000 by
// default; --n to change). Measured for each: FETCH 1:* (UID FLAGS ENVELOPE), UID SEARCH
// SUBJECT, both the first time (cold) and the best of three after (warm), and the time from a
// new message being acknowledged (mailtap: SMTP's 250; Dovecot: APPEND's OK) to an IDLE client
// seeing EXISTS. mailtap gets its mail the way it catches it, through SMTP; Dovecot through
// APPEND. mailtap works out ENVELOPEs as mail arrives, so its first FETCH is warm; it is then
// restarted, and measured once more with nothing cached ("after a restart").
// Run: npx tsx test/bench/imap-bench.ts [--n 10000]
import { freePort, scratchDir, startProcess, waitForPort, type Proc } from './procs.js';
import { dovecotMissing, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { RawImap } from '../helpers/imap-client.js';
import { RawSmtp } from '../helpers/smtp-client.js';

const root = new URL('../..', import.meta.url).pathname;
const argN = process.argv.indexOf('--n');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 10_000;
const NEEDLE_EVERY = 100; // one subject in a hundred has the word searched for
const IDLE_SAMPLES = 20;

function message(i: number): Buffer {
  const subject = i % NEEDLE_EVERY === 0 ? `Order ${i} needle shipped` : `Order ${i} confirmation`;
  const body = `Hello customer ${i},\r\n\r\n${'Thank you for your order. '.repeat(20)}\r\n\r\n-- \r\nThe shop\r\n`;
  return Buffer.from(
    `From: "Shop ${i % 17}" <shop${i % 17}@example.test>\r\nTo: customer${i}@example.test\r\nSubject: ${subject}\r\n` +
      `Date: Mon, 23 Nov 2026 10:${String(i % 60).padStart(2, '0')}:00 +0000\r\nMessage-ID: <order-${i}@example.test>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
  );
}

async function smtpLoad(port: number, count: number, conns = 32): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: conns }, async () => {
      const c = await RawSmtp.open(port);
      await c.reply();
      c.write('EHLO bench\r\n');
      await c.reply();
      for (let i = next++; i < count; i = next++) {
        const r = await c.send('shop@example.test', `customer${i}@example.test`, message(i));
        if (!r.startsWith('250')) throw new Error(`SMTP: ${r}`);
      }
      c.close();
    }),
  );
}

async function appendLoad(port: number, password: string, count: number): Promise<void> {
  const c = await RawImap.open(port);
  await c.command(`LOGIN bench ${password}`);
  // LITERAL+ (RFC 7888): APPENDs go out in pipelined batches without waiting for "+".
  for (let i = 0; i < count; i += 200) {
    const tags: string[] = [];
    for (let j = i; j < Math.min(count, i + 200); j++) {
      const m = message(j);
      tags.push(`a${j}`);
      c.write(Buffer.concat([Buffer.from(`a${j} APPEND INBOX {${m.length}+}\r\n`), m, Buffer.from('\r\n')]));
    }
    for (let done = 0; done < tags.length; ) if (/^a\d+ OK/.test(await c.next())) done++;
  }
  c.close();
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

interface Figures {
  fetchCold: number;
  fetchWarm: number;
  searchCold: number;
  searchWarm: number;
  /** From the acknowledgement (250, APPEND's OK) to EXISTS; negative when EXISTS came first. */
  idle: number[];
  /** From the client starting to send the message to EXISTS. */
  idleFromSend: number[];
}

async function measure(port: number, password: string, acknowledge: (() => Promise<void>) | null, expect = N): Promise<Figures> {
  const idleFromSend: number[] = [];
  const c = await RawImap.open(port);
  await c.command(`LOGIN bench ${password}`);
  const sel = await c.command('SELECT INBOX');
  const exists = Number(/\* (\d+) EXISTS/.exec(sel.untagged.join('\n'))?.[1]);
  if (exists !== expect) throw new Error(`expected ${expect} messages, SELECT says ${exists}`);
  let count = 0;
  const fetch = async (): Promise<void> => {
    const r = await c.command('FETCH 1:* (UID FLAGS ENVELOPE)', 300_000);
    count = r.untagged.length;
  };
  const search = async (): Promise<void> => {
    const r = await c.command('UID SEARCH SUBJECT needle');
    count = r.untagged[0]!.split(' ').length - 2;
  };
  const fetchCold = await timed(fetch);
  if (count !== expect) throw new Error(`FETCH returned ${count} of ${expect}`);
  let fetchWarm = Infinity;
  for (let i = 0; i < 3; i++) fetchWarm = Math.min(fetchWarm, await timed(fetch));
  const searchCold = await timed(search);
  if (count !== Math.ceil(expect / NEEDLE_EVERY)) throw new Error(`SEARCH found ${count}`);
  let searchWarm = Infinity;
  for (let i = 0; i < 3; i++) searchWarm = Math.min(searchWarm, await timed(search));
  // IDLE: acknowledge a new message, time until EXISTS reaches the idling client.
  const idle: number[] = [];
  if (!acknowledge) {
    c.close();
    return { fetchCold, fetchWarm, searchCold, searchWarm, idle, idleFromSend };
  }
  c.write('idle1 IDLE\r\n');
  if (!(await c.next()).startsWith('+')) throw new Error('IDLE refused');
  for (let i = 0; i < IDLE_SAMPLES; i++) {
    // EXISTS may come before the acknowledgement reaches us; then the figure is negative.
    const seen = (async () => {
      for (;;) if (/^\* \d+ EXISTS/.test(await c.next(10_000))) return c.lastAt;
    })();
    const sendAt = performance.now();
    await acknowledge();
    const ackAt = performance.now();
    const at = await seen;
    idle.push(at - ackAt);
    idleFromSend.push(at - sendAt);
  }
  c.write('DONE\r\n');
  await c.next();
  c.close();
  return { fetchCold, fetchWarm, searchCold, searchWarm, idle, idleFromSend };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`.padStart(11);

async function main(): Promise<void> {
  const missing = dovecotMissing();
  if (missing) throw new Error(`the comparison needs Dovecot: ${missing}`);
  const dataDir = await scratchDir('mailtap-imap-bench-');
  const [smtp, imap, http] = [await freePort(), await freePort(), await freePort()];
  let mailtap: Proc | null = null;
  let dovecot: Dovecot | null = null;
  try {
    mailtap = startProcess('mailtap', process.execPath, ['--import', 'tsx', 'main/cli.ts', 'serve', '--data', dataDir, '--smtp-port', String(smtp), '--pop3-port', '0', '--imap-port', String(imap), '--http-port', String(http)], { cwd: root });
    await waitForPort(imap);
    await fetch(`http://127.0.0.1:${http}/api/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retention: { maxMessages: 0, maxSessions: 0 } }) });
    dovecot = await startDovecot();
    console.log(`loading ${N} messages: mailtap through SMTP, Dovecot through APPEND…`);
    const [tm, td] = await Promise.all([timed(() => smtpLoad(smtp, N)), timed(() => appendLoad(dovecot!.port, dovecot!.password, N))]);
    console.log(`  loaded in ${(tm / 1000).toFixed(1)} s (mailtap) and ${(td / 1000).toFixed(1)} s (Dovecot)`);

    let k = N;
    const smtpOne = async (): Promise<void> => {
      const c = await RawSmtp.open(smtp);
      await c.reply();
      c.write('EHLO bench\r\n');
      await c.reply();
      const i = k++;
      // Resolves when 250 arrives: the message is on disk and in the index.
      const r = await c.send('shop@example.test', `customer${i}@example.test`, message(i));
      if (!r.startsWith('250')) throw new Error(r);
      c.close();
    };
    const appender = await RawImap.open(dovecot.port);
    await appender.command(`LOGIN bench ${dovecot.password}`);
    let j = N;
    const appendOne = async (): Promise<void> => {
      const r = await appender.append('INBOX', message(j++));
      if (!/ OK /.test(r.tagged)) throw new Error(r.tagged);
    };
    const ours = await measure(imap, 'x', smtpOne);
    const theirs = await measure(dovecot.port, dovecot.password, appendOne);
    appender.close();
    // mailtap again after a restart: nothing cached, every ENVELOPE read from its file.
    await mailtap.stop();
    mailtap = startProcess('mailtap', process.execPath, ['--import', 'tsx', 'main/cli.ts', 'serve', '--data', dataDir, '--smtp-port', String(smtp), '--pop3-port', '0', '--imap-port', String(imap), '--http-port', String(http)], { cwd: root });
    await waitForPort(imap);
    const restarted = await measure(imap, 'x', null, N + IDLE_SAMPLES);

    const row = (name: string, a: number, b: number): string => `${name.padEnd(40)}${ms(a)}${ms(b)}${`${(a / b).toFixed(2)}×`.padStart(9)}`;
    console.log(`\nIMAP with ${N} messages                 mailtap    Dovecot    ratio`);
    console.log(row('FETCH 1:* (UID FLAGS ENVELOPE), cold', ours.fetchCold, theirs.fetchCold));
    console.log(row('FETCH 1:* (UID FLAGS ENVELOPE), warm', ours.fetchWarm, theirs.fetchWarm));
    console.log(row('  … mailtap after a restart, cold', restarted.fetchCold, theirs.fetchCold));
    console.log(row('UID SEARCH SUBJECT needle, cold', ours.searchCold, theirs.searchCold));
    console.log(row('UID SEARCH SUBJECT needle, warm', ours.searchWarm, theirs.searchWarm));
    console.log(row('  … mailtap after a restart, cold', restarted.searchCold, theirs.searchCold));
    const abs = (name: string, a: number, b: number): string => `${name.padEnd(40)}${ms(a)}${ms(b)}`;
    console.log(abs(`acknowledged → EXISTS in IDLE, median`, median(ours.idle), median(theirs.idle)));
    console.log(abs(`acknowledged → EXISTS in IDLE, worst`, Math.max(...ours.idle), Math.max(...theirs.idle)));
    console.log(abs(`sending began → EXISTS in IDLE, median`, median(ours.idleFromSend), median(theirs.idleFromSend)));
    console.log(abs(`sending began → EXISTS in IDLE, worst`, Math.max(...ours.idleFromSend), Math.max(...theirs.idleFromSend)));
    console.log(`\n(IDLE: ${IDLE_SAMPLES} samples; acknowledged is SMTP's 250 for mailtap and APPEND's OK for Dovecot, and a`);
    console.log(' negative figure means EXISTS arrived first; sending began covers a whole SMTP transaction or APPEND.');
    console.log(' Targets: FETCH and SEARCH within 2× of Dovecot, IDLE notification under 100 ms.)');
  } finally {
    await mailtap?.stop();
    await dovecot?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`imap-bench: ${e.message}`);
    process.exit(1);
  },
);
