// Throughput of the MIME module on one core: summarizeMessage runs for every caught message,
// parseMessage when one is opened. Run with `npx tsx test/bench/mime-bench.ts`.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, summarizeMessage } from '../../main/core/mime/index.js';

const corpus = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../fixtures/corpus/${name}`, import.meta.url)));

/** Calls `fn` for about `ms` milliseconds after a warm-up and returns calls per second. */
async function rate(fn: () => unknown, ms = 1500): Promise<number> {
  const run = async (deadline: number): Promise<number> => {
    let calls = 0;
    while (performance.now() < deadline) {
      const result = fn();
      if (result instanceof Promise) await result;
      calls++;
    }
    return calls;
  };
  await run(performance.now() + ms / 5);
  const start = performance.now();
  const calls = await run(start + ms);
  return calls / ((performance.now() - start) / 1000);
}

const rows: string[][] = [['message', 'size', 'summarize msg/s', 'summarize MB/s', 'parse msg/s', 'parse MB/s']];
for (const name of ['01-plain-ascii.eml', '21-two-megabytes.eml']) {
  const raw = corpus(name);
  const mb = raw.length / 1e6;
  const summarize = await rate(() => summarizeMessage(raw));
  const parse = await rate(() => parseMessage(raw));
  rows.push([name, `${raw.length} B`, summarize.toFixed(0), (summarize * mb).toFixed(1), parse.toFixed(0), (parse * mb).toFixed(1)]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
