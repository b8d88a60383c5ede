// The IMAP facts of stored messages (encoded ENVELOPE, BODY, BODYSTRUCTURE) kept on disk, so a
// restart does not make the first FETCH of ten thousand ENVELOPEs read ten thousand files (the
// role of Dovecot's dovecot.index.cache). It is a cache: append-only JSON lines, written without
// fsync, never trusted beyond being a faster way to the same answer; deleting it loses nothing.
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';

export interface CachedFacts {
  envelope?: string;
  bodystructure?: string;
  body?: string;
}

type Line = { id: string } & CachedFacts;

export class FactsFile {
  private queue: string[] = [];
  private writing: Promise<void> | null = null;
  /** Ends the quarter-second wait at once (settled()): the timer is unref'd and cannot be awaited. */
  private wakeNow: (() => void) | null = null;

  constructor(readonly path: string) {}

  /** Read what was kept, for the ids that still exist; rewrite the file when it is mostly stale. */
  async load(live: (id: string) => boolean): Promise<Map<string, CachedFacts>> {
    const out = new Map<string, CachedFacts>();
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return out;
    }
    let lines = 0;
    for (const l of text.split('\n')) {
      if (!l) continue;
      lines++;
      try {
        const { id, ...f } = JSON.parse(l) as Line;
        if (typeof id === 'string' && live(id)) out.set(id, { ...out.get(id), ...f });
      } catch {
        /* a torn last line */
      }
    }
    if (lines > out.size * 2 + 1000) {
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, [...out].map(([id, f]) => JSON.stringify({ id, ...f }) + '\n').join(''));
      await rename(tmp, this.path);
    }
    return out;
  }

  /** Note new facts; they are written together, soon, in the background. */
  add(id: string, f: CachedFacts): void {
    this.queue.push(JSON.stringify({ id, ...f }) + '\n');
    // Batched over a quarter second: one append per burst, not one per message (each file
    // operation costs the event loop more than encoding the facts did).
    this.writing ??= new Promise<void>((r) => {
      const timer = setTimeout(r, 250).unref();
      this.wakeNow = () => (clearTimeout(timer), r());
    }).then(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.wakeNow = null;
    // Bounded: each round writes what was queued before it.
    while (this.queue.length) {
      const batch = this.queue.join('');
      this.queue = [];
      await appendFile(this.path, batch, { mode: 0o600 }).catch(() => undefined);
    }
    this.writing = null;
  }

  /** Wait for queued facts to reach the file (tests, shutdown). */
  async settled(): Promise<void> {
    this.wakeNow?.();
    this.wakeNow = null;
    while (this.writing) await this.writing;
  }
}
