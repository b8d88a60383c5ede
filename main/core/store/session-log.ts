// The session log: recorded sessions appended to shared segment files (sessions/<n>.mtlog)
// instead of one file per session. A short SMTP session is written as one contiguous chunk when
// it ends; a long one in chunks as it grows. Creating a file costs more than everything else a
// short session does, so a burst of thousands of sessions creates none.
//
// Segment: the magic "MTLOG1\n\0", then chunks. A chunk is a run of session records (see
// session-file.ts) each prefixed by the 16-character session id, so a segment can be scanned
// without the index (repair after a crash). The index keeps, per session, where its chunks are.
import { type FileHandle, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GATHER_MS } from './journal.js';

export const LOG_MAGIC = Buffer.from('MTLOG1\n\0');
export const ID_LEN = 16;

/** Where one chunk of a session's records lies: segment number, byte offset, length. */
export type ChunkLoc = [segment: number, offset: number, length: number];

const SEGMENT_BYTES = 64 * 1024 * 1024;

const segName = (n: number): string => `${String(n).padStart(8, '0')}.mtlog`;

interface Pending {
  segment: number;
  data: Buffer[];
  resolve: () => void;
  reject: (e: Error) => void;
}

export class SessionLog {
  private fh: FileHandle | null = null;
  /** The segment new chunks are assigned to, and its size so far (including queued chunks). */
  private segment = 1;
  private size = 0;
  /** The segment the file handle has open. */
  private openSeg = 0;
  private queue: Pending[] = [];
  /** The write-out in progress (or about to start), until the queue is empty. */
  private running: Promise<void> | null = null;
  /** Starts the write-out now instead of at the end of the gather window. */
  private startNow: (() => void) | null = null;
  /** Settles when the chunk appended last is written. */
  private lastWritten: Promise<void> = Promise.resolve();
  /** Chunks per segment still referenced by the index, for deleting whole dead segments. */
  private readonly refs = new Map<number, number>();

  constructor(readonly dir: string) {}

  /** Open the newest segment for appending; returns the existing segment numbers. */
  async open(): Promise<number[]> {
    const segs = (await readdir(this.dir)).filter((f) => /^\d{8}\.mtlog$/.test(f)).map((f) => parseInt(f, 10)).sort((a, b) => a - b);
    this.segment = segs.length ? segs[segs.length - 1]! : 1;
    await this.openSegment(this.segment);
    this.size = (await this.fh!.stat()).size;
    return segs;
  }

  private async openSegment(n: number): Promise<void> {
    await this.fh?.close();
    this.fh = await open(join(this.dir, segName(n)), 'a+');
    this.openSeg = n;
    if ((await this.fh.stat()).size === 0) await this.fh.write(LOG_MAGIC);
  }

  /**
   * Append a chunk, given as the buffers that make it up (written contiguously, in order); its
   * location is known at once, and the promise says when it is written.
   */
  append(data: Buffer[]): { loc: ChunkLoc; written: Promise<void> } {
    let length = 0;
    for (const b of data) length += b.length;
    if (this.size + length > SEGMENT_BYTES && this.size > LOG_MAGIC.length) {
      this.segment++;
      this.size = LOG_MAGIC.length;
    }
    const loc: ChunkLoc = [this.segment, this.size, length];
    this.size += length;
    this.ref(loc[0], 1);
    const written = new Promise<void>((resolve, reject) => {
      this.queue.push({ segment: loc[0], data, resolve, reject });
      this.schedule();
    });
    this.lastWritten = written;
    return { loc, written };
  }

  /**
   * Chunks are gathered a moment (GATHER_MS) before they are written, so that the chunks of
   * sessions ending together go out in one writev: each write handed to libuv's pool costs the
   * event loop more than the chunk. A read waits for the chunks queued before it (settled()).
   */
  private schedule(): void {
    if (this.running) return;
    this.running = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.startNow?.(), GATHER_MS);
      this.startNow = () => {
        this.startNow = null;
        clearTimeout(timer);
        void this.drain().then(resolve);
      };
    });
  }

  /**
   * Everything appended so far is written (or failed). Chunks are written in the order they
   * were appended, so that is when the last one is; chunks appended meanwhile are not waited for.
   */
  async settled(): Promise<void> {
    this.startNow?.();
    await this.lastWritten.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    // Bounded by the queue: each round writes every queued chunk of one segment in one call.
    while (this.queue.length) {
      const seg = this.queue[0]!.segment;
      let n = 0;
      while (n < this.queue.length && this.queue[n]!.segment === seg) n++;
      const batch = this.queue.splice(0, n);
      try {
        if (seg !== this.openSeg) await this.openSegment(seg);
        await this.fh!.writev(batch.flatMap((b) => b.data));
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e as Error);
      }
    }
    this.running = null;
  }

  /** Read a session's chunks back, in order, opening each segment once. */
  async read(locs: ChunkLoc[]): Promise<Buffer> {
    await this.settled();
    const parts: Buffer[] = [];
    let i = 0;
    while (i < locs.length) {
      const seg = locs[i]![0];
      const fh = await open(join(this.dir, segName(seg)), 'r');
      try {
        for (; i < locs.length && locs[i]![0] === seg; i++) {
          const [, offset, length] = locs[i]!;
          const buf = Buffer.allocUnsafe(length);
          const { bytesRead } = await fh.read(buf, 0, length, offset);
          parts.push(buf.subarray(0, bytesRead));
        }
      } finally {
        await fh.close();
      }
    }
    return Buffer.concat(parts);
  }

  /** Whole segments, for repair. */
  async readSegment(n: number): Promise<Buffer> {
    const fh = await open(join(this.dir, segName(n)), 'r');
    try {
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  ref(segment: number, delta: number): void {
    this.refs.set(segment, (this.refs.get(segment) ?? 0) + delta);
  }

  /** Forget chunks; segments nobody refers to any more (and not being written) are deleted. */
  async release(locs: ChunkLoc[]): Promise<void> {
    for (const [seg] of locs) this.ref(seg, -1);
    for (const [seg, n] of [...this.refs]) {
      if (n > 0 || seg === this.segment) continue;
      this.refs.delete(seg);
      await unlink(join(this.dir, segName(seg))).catch(() => undefined);
    }
  }

  async sizeOf(n: number): Promise<number> {
    return (await stat(join(this.dir, segName(n)))).size;
  }

  async close(): Promise<void> {
    await this.settled();
    await this.fh?.close();
    this.fh = null;
  }
}
