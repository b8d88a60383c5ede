// kill -9 the server during a burst of mail: after a restart, every message that got a 250 is
// there, byte-exact. This is the promise behind answering 250 only after fsync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageSummary, Page } from '../../shared/types.js';
import { RawSmtp } from '../helpers/smtp-client.js';

const root = new URL('../..', import.meta.url).pathname;

function startServer(dataDir: string): Promise<{ child: ChildProcess; smtp: number; http: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'serve', '--data', dataDir, '--smtp-port', '0', '--pop3-port', '0', '--imap-port', '0', '--http-port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const smtp = /smtp sink listening on 127\.0\.0\.1:(\d+)/.exec(out);
      const http = /ui\s+(http:\/\/\S+)/.exec(out);
      if (smtp && http) {
        clearTimeout(t);
        resolve({ child, smtp: Number(smtp[1]), http: http[1]!.replace(/\/$/, '') });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

test('kill -9 during a burst loses no acknowledged message', { timeout: 90_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mailtap-crash-'));
  const first = await startServer(dataDir);
  const acked = new Map<string, string>();
  const CLIENTS = 8;
  const TARGET = 400;
  let stop = false;
  const workers = Array.from({ length: CLIENTS }, async (_, w) => {
    const c = await RawSmtp.open(first.smtp);
    await c.reply();
    c.write('EHLO crash\r\n');
    await c.reply();
    // Bounded: each worker sends at most TARGET messages, and stops when the server dies.
    for (let i = 0; i < TARGET && !stop; i++) {
      const subject = `crash-${w}-${i}`;
      const body = `Subject: ${subject}\r\nFrom: a@x\r\nTo: b@y\r\n\r\n${'body line\r\n'.repeat(1 + (i % 20))}`;
      const r = await c.send('a@x', 'b@y', body);
      if (r.startsWith('250')) acked.set(subject, body + '\r\n');
      else break;
    }
    c.close();
  });
  // Kill once a good number of messages are in, while the burst is still running.
  const deadline = Date.now() + 30_000;
  while (acked.size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  first.child.kill('SIGKILL');
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.size >= 300, `only ${acked.size} messages acknowledged before the kill`);

  const second = await startServer(dataDir);
  try {
    const page = (await (await fetch(`${second.http}/api/messages?limit=500`)).json()) as Page<MessageSummary>;
    const bySubject = new Map(page.items.map((m) => [m.subject, m]));
    const missing = [...acked.keys()].filter((s) => !bySubject.has(s));
    assert.deepEqual(missing, [], `${missing.length} acknowledged messages lost`);
    // In flight at the kill, at most one per client may have been stored without its 250.
    assert.ok(page.total <= acked.size + CLIENTS, `${page.total} stored for ${acked.size} acknowledged`);
    // Spot-check bytes.
    for (const subject of [...acked.keys()].slice(0, 20)) {
      const m = bySubject.get(subject)!;
      const raw = Buffer.from(await (await fetch(`${second.http}/api/messages/${m.id}/raw`)).arrayBuffer());
      assert.equal(raw.toString(), acked.get(subject));
    }
  } finally {
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
});
