// Child processes for benchmarks: started, waited for, and always stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scratch: string[] = [];

/**
 * A data directory for one measured run, removed when the benchmark ends rather than when the
 * run does. Deleting ten thousand files just before the next run would bill that run for it:
 * on ext4 without a journal (these VMs), creating an inode scans past every inode deleted in
 * the last few seconds (ext4's recently_deleted()), which perf showed as a fifth of the CPU of
 * the run after.
 */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

process.on('exit', () => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

export interface Proc {
  child: ChildProcess;
  output(): string;
  onStop(f: () => Promise<unknown>): void;
  stop(): Promise<void>;
}

const running = new Set<Proc>();
process.on('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

export function startProcess(name: string, cmd: string, args: string[], opts: { cwd?: string } = {}): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20000)));
  child.on('error', (e) => (out += `\n${name}: ${e.message}`));
  const cleanups: (() => Promise<unknown>)[] = [];
  const p: Proc = {
    child,
    output: () => out,
    onStop: (f) => cleanups.push(f),
    async stop() {
      running.delete(p);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const exited = new Promise((r) => child.once('exit', r));
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      for (const f of cleanups) await f();
    },
  };
  running.add(p);
  return p;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Wait until something accepts on the port (bounded: 20 s). */
export async function waitForPort(port: number, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${port}`);
}
