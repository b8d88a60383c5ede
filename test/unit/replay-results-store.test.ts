// The kept diffs of client replays (main/core/store/replay-results.ts): saved without the
// credentials, read back, removed with their session, and swept at startup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayResult } from '../../shared/types.js';
import { ReplayResultStore } from '../../main/core/store/replay-results.js';

const result = (sessionId: string | null): ReplayResult => ({
  ok: true, sourceId: 'src0000000000001', sessionId, target: '127.0.0.1:25', exchanges: [], counts: { match: 0, mismatch: 0, missing: 0, extra: 0, skipped: 0 }, notes: [], error: null, durationMs: 5,
});

test('saved, read back without the credentials, removed with its session; startup sweeps what has no session', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtap-replays-'));
  try {
    mkdirSync(join(dir, 'replays'));
    writeFileSync(join(dir, 'replays', 'gone000000000001.json'), '{}');
    writeFileSync(join(dir, 'replays', 'kept000000000001.json'), JSON.stringify({ result: result('kept000000000001'), options: { sessionId: 'src', target: 'x:1' } }));
    writeFileSync(join(dir, 'replays', 'half000000000001.json.tmp'), '{');
    const store = new ReplayResultStore(dir);
    await store.open((id) => id === 'kept000000000001' || id === 'new0000000000001');
    assert.deepEqual(readdirSync(join(dir, 'replays')).sort(), ['kept000000000001.json'], 'a diff without its session, and a torn write, are gone');

    await store.save(result('new0000000000001'), { sessionId: 'src', target: 'x:1', credentials: { user: 'u', password: 'secret-pw' } });
    const file = join(dir, 'replays', 'new0000000000001.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file, 'utf8').includes('secret-pw'));
    assert.deepEqual(await store.get('new0000000000001'), { result: result('new0000000000001'), options: { sessionId: 'src', target: 'x:1' } });
    await store.save(result(null), { sessionId: 'src', target: 'x:1' });
    assert.equal(readdirSync(join(dir, 'replays')).length, 2, 'a run that recorded no session is not kept');

    assert.equal(await store.get('../settings'), null, 'a path is no session id');
    assert.equal(await store.get('none000000000001'), null);
    await store.remove(['new0000000000001', 'kept000000000001', 'other00000000001']);
    assert.ok(!existsSync(file));
    assert.deepEqual(readdirSync(join(dir, 'replays')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
