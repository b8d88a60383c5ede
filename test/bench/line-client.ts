// A small raw-socket line client for the proxy benchmarks (SMTP and IMAP): lines are queued,
// and an IMAP literal announced by {size} at the end of a line is counted by its size and
// dropped, never buffered, so 10 MB fetches cost the client next to nothing.
import { connect, type Socket } from 'node:net';

const EMPTY = Buffer.alloc(0);

export class LineClient {
  private partial: Buffer = EMPTY;
  private left = 0;
  private lines: string[] = [];
  private waiter: (() => void) | null = null;
  /** Bytes of literal data received so far. */
  literalBytes = 0;
  closed: Error | null = null;
  /** Resolves with the reason when the connection closes. */
  readonly whenClosed: Promise<Error>;

  private constructor(private readonly s: Socket) {
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => this.feed(d));
    let onClosed!: (e: Error) => void;
    this.whenClosed = new Promise((r) => (onClosed = r));
    const end = (e?: Error): void => {
      this.closed ??= e ?? new Error('connection closed');
      onClosed(this.closed);
      this.wake();
    };
    s.on('error', end);
    s.on('close', () => end());
  }

  static open(port: number, ms = 30_000): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      const t = setTimeout(() => (s.destroy(), reject(new Error('connect timeout'))), ms);
      s.once('connect', () => (clearTimeout(t), resolve(new LineClient(s))));
      s.once('error', (e) => (clearTimeout(t), reject(e)));
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private feed(d: Buffer): void {
    while (d.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, d.length);
        this.left -= n;
        this.literalBytes += n;
        d = d.subarray(n);
        continue;
      }
      const i = d.indexOf(10);
      if (i < 0) {
        this.partial = this.partial.length ? Buffer.concat([this.partial, d]) : Buffer.from(d);
        return;
      }
      const line = (this.partial.length ? Buffer.concat([this.partial, d.subarray(0, i + 1)]) : d.subarray(0, i + 1)).toString('latin1');
      this.partial = EMPTY;
      d = d.subarray(i + 1);
      const m = /\{(\d+)\}\r?\n$/.exec(line);
      if (m) this.left = Number(m[1]);
      this.lines.push(line.replace(/\r?\n$/, ''));
    }
    this.wake();
  }

  /** The first line (queued or to come) that matches; earlier lines are dropped. */
  async next(match: (line: string) => boolean = () => true, ms = 30_000): Promise<string> {
    const end = performance.now() + ms;
    for (;;) {
      while (this.lines.length) {
        const l = this.lines.shift()!;
        if (match(l)) return l;
      }
      if (this.closed) throw this.closed;
      const left = end - performance.now();
      if (left <= 0) throw new Error('no reply in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => (clearTimeout(t), resolve());
      });
    }
  }

  write(s: string | Buffer): void {
    this.s.write(s);
  }

  /** An SMTP command; resolves with the final line of its reply ("250 …"). */
  async smtp(cmd: string, ms?: number): Promise<string> {
    this.write(`${cmd}\r\n`);
    return this.next((l) => /^\d{3}( |$)/.test(l), ms);
  }

  private tag = 0;
  /** An IMAP command; resolves with its tagged line. */
  async imap(cmd: string, ms?: number): Promise<string> {
    const t = `b${++this.tag}`;
    this.write(`${t} ${cmd}\r\n`);
    const line = await this.next((l) => l.startsWith(`${t} `), ms);
    if (!line.startsWith(`${t} OK`)) throw new Error(`${cmd.split(' ')[0]}: ${line}`);
    return line;
  }

  /** Resolves once the peer has closed (bounded). */
  ended(ms = 10_000): Promise<void> {
    return this.next(() => false, ms).then(
      () => undefined,
      (e: Error) => {
        if (!this.closed) throw e;
      },
    );
  }

  destroy(): void {
    this.s.destroy();
  }
}
