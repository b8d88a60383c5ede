// A minimal SMTP client on a raw socket, for tests that need control the real clients do not
// give: counting acknowledgements during a crash, or exact pipelining.
import { connect, type Socket } from 'node:net';

export class RawSmtp {
  private buf = '';
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];
  closed = false;

  private constructor(private readonly s: Socket) {
    s.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        // Only the last line of a multi-line reply completes it.
        if (/^\d{3}-/.test(line)) continue;
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    const fail = (): void => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w('closed');
    };
    s.on('close', fail);
    s.on('error', fail);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RawSmtp(s)));
      s.once('error', reject);
    });
  }

  /** The next complete reply's last line ("closed" if the connection went away). */
  reply(timeoutMs = 10_000): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve('timeout'), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(t);
        resolve(line);
      });
    });
  }

  write(data: string | Buffer): void {
    if (!this.closed) this.s.write(data);
  }

  /** One message over this connection; resolves with the final reply line. */
  async send(from: string, to: string, body: string | Buffer): Promise<string> {
    this.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    const r1 = await this.reply();
    const r2 = await this.reply();
    const r3 = await this.reply();
    if (!r1.startsWith('250') || !r2.startsWith('250') || !r3.startsWith('354')) return `${r1} | ${r2} | ${r3}`;
    this.write(body);
    this.write('\r\n.\r\n');
    return this.reply();
  }

  close(): void {
    this.s.destroy();
  }
}
