// The diffs of client replays (replay.run), kept by the replay session each run recorded, so a
// run's diff can be read again: after a reload, in another window, or for a run made through
// the API or the CLI against a running server. One JSON file per run in <data>/replays/, mode
// 0600 (a diff holds what the wire log holds, with the same secrets masked). Written atomically
// but not fsynced: a diff lost to a crash is made again by replaying. A diff goes when its
// session goes (deleted, cleared or pruned), and startup removes any left behind.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReplayResult, ReplayRunOptions, StoredReplayRun } from '../../../shared/types.js';

const SESSION_ID = /^[0-9A-Za-z_-]{1,64}$/;

export class ReplayResultStore {
  readonly dir: string;
  /** The sessions with a kept diff: deleting thousands of sessions touches only their files. */
  private readonly kept = new Set<string>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'replays');
  }

  /** Create the directory, and remove the diffs of sessions that no longer exist. */
  async open(sessionExists: (id: string) => boolean): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    const stale = names.filter((n) => n.endsWith('.tmp') || (n.endsWith('.json') && !sessionExists(n.slice(0, -5))));
    await Promise.all(stale.map((n) => rm(join(this.dir, n), { force: true })));
    const gone = new Set(stale);
    for (const n of names) if (n.endsWith('.json') && !gone.has(n)) this.kept.add(n.slice(0, -5));
  }

  /** Keep a run's diff under its replay session; a run that recorded no session is not kept. */
  async save(result: ReplayResult, options: ReplayRunOptions): Promise<void> {
    const id = result.sessionId;
    if (!id || !SESSION_ID.test(id)) return;
    const { credentials: _secret, ...kept } = options;
    const stored: StoredReplayRun = { result, options: kept };
    const file = this.file(id);
    await writeFile(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    this.kept.add(id);
  }

  /** The diff of the run that recorded `sessionId`, or null. */
  async get(sessionId: string): Promise<StoredReplayRun | null> {
    if (!SESSION_ID.test(sessionId)) return null;
    try {
      return JSON.parse(await readFile(this.file(sessionId), 'utf8')) as StoredReplayRun;
    } catch {
      return null; // none kept, or a torn file: as if there were none
    }
  }

  async remove(sessionIds: string[]): Promise<void> {
    const gone = sessionIds.filter((id) => this.kept.delete(id));
    await Promise.all(gone.map((id) => rm(this.file(id), { force: true })));
  }

  private file(sessionId: string): string {
    return join(this.dir, `${sessionId}.json`);
  }
}
