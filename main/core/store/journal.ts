// An append-only JSON-lines journal with group commit: records handed in while a flush is
// running are written and fsynced together by the next one, so a burst of messages costs one
// fsync per batch instead of one per message. commit() resolves only once the record is on
// disk, which is what lets SMTP answer 250 only for mail that is safe.
import { type FileHandle, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DurableWriter } from './durable-writer.js';

/** How long a journal that is not durable gathers records before writing them. */
export const GATHER_MS = 20;

export class Journal<T> {
  private fh: FileHandle | null = null;
  private queue: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing = false;
  private dirsToSync = new Set<string>();
  lines = 0;

  /**
   * durable: fsync each batch (messages). Not durable: the OS flushes (sessions, which startup
   * repairs), and a batch is gathered for GATHER_MS before it is written: each write handed to
   * libuv's pool costs the event loop about 50-100 µs on these machines, more than the record.
   */
  constructor(
    readonly path: string,
    private readonly durable = true,
    /** Where appends and their fsyncs run; without one, fs/promises on the event loop. */
    private readonly writer?: DurableWriter,
  ) {}

  /** Read every whole record. A last line cut short by a crash is skipped. */
  async load(): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return [];
    }
    const out = parseJsonLines<T>(text);
    this.lines = out.length;
    return out;
  }

  async openForAppend(): Promise<void> {
    if (!this.writer) this.fh = await open(this.path, 'a');
  }

  /** Append a record; resolves once it and (optionally) a directory entry are durable. */
  commit(record: T, syncDir?: string): Promise<void> {
    if (syncDir) this.dirsToSync.add(syncDir);
    return new Promise((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(record) + '\n', resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      if (this.durable) void this.flush();
      else setTimeout(() => void this.flush(), GATHER_MS);
    });
  }

  private async flush(): Promise<void> {
    // Bounded by the queue: each round takes everything queued so far.
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      const dirs = [...this.dirsToSync];
      this.dirsToSync.clear();
      try {
        const text = batch.map((b) => b.line).join('');
        if (this.writer) await this.writer.append(this.path, text, this.durable, dirs);
        else {
          if (!this.fh) await this.openForAppend();
          await this.fh!.write(text);
          if (this.durable) await Promise.all([this.fh!.datasync(), ...dirs.map(syncDirectory)]);
        }
        this.lines += batch.length;
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e as Error);
      }
    }
    this.flushing = false;
  }

  /** Replace the journal with these records (compaction), atomically. */
  async rewrite(records: T[]): Promise<void> {
    await this.close();
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, records.map((r) => JSON.stringify(r) + '\n').join(''));
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
    await rename(tmp, this.path);
    await syncDirectory(dirname(this.path));
    this.lines = records.length;
  }

  async close(): Promise<void> {
    // Let a running flush finish first.
    for (let i = 0; i < 1000 && (this.flushing || this.queue.length); i++) await new Promise((r) => setTimeout(r, 5));
    await this.fh?.close();
    this.fh = null;
    await this.writer?.closeFile(this.path);
  }
}

/** The whole records of a JSON-lines text; a line cut short (a crash, or a write in progress) is skipped. */
export function parseJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      /* a torn write at the end of the file */
    }
  }
  return out;
}

export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
