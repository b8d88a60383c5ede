// One writer per data directory: a second server (or a direct import) refuses to start while
// another live process holds DATA/server.json, and takes over a marker left by a crash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestMailtap } from '../helpers/mailtap.js';

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mailtap-lock-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('data directory lock', () => {
  test('a server refuses a directory that another live process holds, naming it', () =>
    withDir(async (dir) => {
      // A live process that is not us: a sleeping child, stopped by its PID below.
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await writeFile(join(dir, 'server.json'), JSON.stringify({ pid: child.pid, url: 'http://127.0.0.1:9/?token=secret', startedAt: new Date().toISOString() }));
        await assert.rejects(startTestMailtap({ dataDir: dir }), (e: Error) => {
          assert.match(e.message, new RegExp(`pid ${child.pid}`));
          assert.match(e.message, /server\.json/);
          assert.doesNotMatch(e.message, /secret/, 'the token is not repeated in the error');
          return true;
        });
        // The other process's marker is left alone.
        assert.equal(JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')).pid, child.pid);
      } finally {
        child.kill('SIGKILL');
      }
    }));

  test('a marker left by a process that is gone is taken over, and removed on close', () =>
    withDir(async (dir) => {
      const child = spawn('true', [], { stdio: 'ignore' });
      await new Promise((r) => child.once('exit', r));
      await writeFile(join(dir, 'server.json'), JSON.stringify({ pid: child.pid, url: '', startedAt: new Date().toISOString() }));
      const m = await startTestMailtap({ dataDir: dir });
      try {
        const marker = JSON.parse(await readFile(join(dir, 'server.json'), 'utf8'));
        assert.equal(marker.pid, process.pid);
        assert.match(marker.url, /^http:\/\/127\.0\.0\.1:\d+/);
      } finally {
        await m.app.close();
      }
      assert.equal(existsSync(join(dir, 'server.json')), false);
    }));
});
