import { appendFile } from 'node:fs/promises';

/**
 * Appends to a file in batches: when the buffer passes `flushBytes`, after `flushMs`, and on
 * flush(). For logs that are rebuilt-able or non-critical (wire logs, timelines), where an
 * fsync per write would cost more than it protects.
 */
export class BufferedFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  failed: Error | null = null;

  constructor(
    readonly path: string,
    private readonly flushBytes = 256 * 1024,
    private readonly flushMs = 250,
  ) {}

  append(b: Buffer): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= this.flushBytes) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return this.chain;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.chain = this.chain
      .then(() => appendFile(this.path, data))
      .catch((e: Error) => {
        this.failed = e;
      });
    return this.chain;
  }
}
