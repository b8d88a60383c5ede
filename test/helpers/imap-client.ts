// A minimal IMAP client on a raw socket, for tests and the benchmark that need exact control:
// the same commands to mailtap and to Dovecot, APPEND with a synchronising literal, and the
// responses whole (literals inline, as binary strings) so they can be compared.
import { connect, type Socket } from 'node:net';

export interface ImapResult {
  /** The tagged line, e.g. "t3 OK [APPENDUID 1 5] done". */
  tagged: string;
  /** Untagged responses, each whole, literals inline. */
  untagged: string[];
}

export class RawImap {
  private buf: Buffer = Buffer.alloc(0);
  private current = '';
  private literal = 0;
  private responses: string[] = [];
  /** performance.now() when each queued response was complete. */
  private times: number[] = [];
  /** When the response last returned by next() arrived. */
  lastAt = 0;
  private waiters: (() => void)[] = [];
  private n = 0;
  closed = false;

  private constructor(private readonly s: Socket) {
    s.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    const end = (): void => {
      this.closed = true;
      this.wake();
    };
    s.on('close', end);
    s.on('error', end);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawImap> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => {
        const c = new RawImap(s);
        void c.next(10_000).then(() => resolve(c), reject);
      });
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private parse(): void {
    for (;;) {
      if (this.literal > 0) {
        if (this.buf.length < this.literal) return;
        this.current += this.buf.toString('latin1', 0, this.literal);
        this.buf = this.buf.subarray(this.literal);
        this.literal = 0;
      }
      const lf = this.buf.indexOf(10);
      if (lf < 0) return;
      const line = this.buf.toString('latin1', 0, lf > 0 && this.buf[lf - 1] === 13 ? lf - 1 : lf);
      this.buf = this.buf.subarray(lf + 1);
      const m = /\{(\d+)\}$/.exec(line);
      this.current += line + (m ? '\r\n' : '');
      if (m) {
        this.literal = Number(m[1]);
        continue;
      }
      this.responses.push(this.current);
      this.times.push(performance.now());
      this.current = '';
      this.wake();
    }
  }

  /** The next whole response, waiting up to `ms`. */
  async next(ms = 30_000): Promise<string> {
    const end = Date.now() + ms;
    while (!this.responses.length) {
      if (this.closed) throw new Error('connection closed');
      const left = end - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
    this.lastAt = this.times.shift()!;
    return this.responses.shift()!;
  }

  write(data: string | Buffer): void {
    this.s.write(data);
  }

  /** Send a command (without tag and CRLF) and collect everything up to its tagged response. */
  async command(text: string, ms = 60_000): Promise<ImapResult> {
    const tag = `t${++this.n}`;
    this.write(`${tag} ${text}\r\n`);
    return this.until(tag, ms);
  }

  private async until(tag: string, ms: number): Promise<ImapResult> {
    const untagged: string[] = [];
    for (;;) {
      const r = await this.next(ms);
      if (r.startsWith(`${tag} `)) return { tagged: r, untagged };
      untagged.push(r);
    }
  }

  /** APPEND with a synchronising literal: wait for "+", then send the message. */
  async append(mailbox: string, message: Buffer, flags = ''): Promise<ImapResult> {
    const tag = `t${++this.n}`;
    this.write(`${tag} APPEND ${mailbox}${flags ? ` (${flags})` : ''} {${message.length}}\r\n`);
    const cont = await this.next();
    if (!cont.startsWith('+')) return { tagged: cont, untagged: [] };
    this.write(Buffer.concat([message, Buffer.from('\r\n')]));
    return this.until(tag, 60_000);
  }

  close(): void {
    this.s.destroy();
  }
}
