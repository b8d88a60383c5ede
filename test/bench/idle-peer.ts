// An idle Node process that measures its own event-loop stalls, run beside mailtap while it is
// under load: the machine's share of a stall. It does nothing, so every stall it sees is time
// it was runnable and the (virtual) CPU was not given to it: the host's or the kernel's
// scheduling, not its code. On these 2-core VMs it sees stalls of 200-500 ms during a long
// ingest, with /proc/<pid>/schedstat showing all of it as time in the run queue.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const SCRIPT = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
let h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
  if (l === 'reset') { h.reset(); process.stdout.write('ok\\n'); }
  else if (l === 'max') process.stdout.write(String(h.max / 1e6) + '\\n');
});
`;

export interface IdlePeer {
  reset(): Promise<void>;
  /** The longest stall since the last reset, in ms (the same measure as mailtap's /api/stats). */
  maxMs(): Promise<number>;
  stop(): void;
}

export function startIdlePeer(): IdlePeer {
  const child = spawn(process.execPath, ['-e', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const ask = (q: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the idle peer did not answer')), 5000);
      waiting.push((l) => (clearTimeout(timer), resolve(l)));
      child.stdin!.write(`${q}\n`);
    });
  return {
    reset: async () => void (await ask('reset')),
    maxMs: async () => Number(await ask('max')),
    stop: () => void child.kill('SIGKILL'),
  };
}
