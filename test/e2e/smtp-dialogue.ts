// A scripted SMTP client on a raw socket: sends each command, waits for its complete reply
// (multi-line replies end with "NNN "), and returns what was said, so a test can compare the
// timeline with the real dialogue.
import { connect, type Socket } from 'node:net';

export interface Said {
  command: string | null;
  codes: string[];
  lines: string[];
}

const REPLY_TIMEOUT_MS = 5000;

/**
 * `commands` are sent in order; after "DATA" (354), the next item is the message body, sent
 * with CRLF line ends unless `bareLf` keeps its LFs as they are (the bare-LF warning case).
 */
export async function smtpDialogue(port: number, commands: string[], opts: { bareLf?: boolean } = {}): Promise<Said[]> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  socket.setEncoding('latin1');
  let buffer = '';
  let waiter: (() => void) | null = null;
  socket.on('data', (d: string) => {
    buffer += d;
    waiter?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  /** Reads one complete reply (intermediate 354 included): every line up to "NNN text". */
  const readReply = async (): Promise<{ codes: string[]; lines: string[] }> => {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const lines = buffer.split('\r\n');
      const end = lines.findIndex((l) => /^\d{3}( |$)/.test(l));
      if (end >= 0 && end < lines.length - 1) {
        const reply = lines.slice(0, end + 1);
        buffer = lines.slice(end + 1).join('\r\n');
        return { codes: [reply[end]!.slice(0, 3)], lines: reply };
      }
      if (Date.now() > deadline) throw new Error(`no complete SMTP reply; have ${JSON.stringify(buffer)}`);
      await new Promise<void>((r) => {
        waiter = r;
        setTimeout(r, 100);
      });
    }
  };

  const said: Said[] = [{ command: null, ...(await readReply()) }];
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    socket.write(c + '\r\n');
    const r = await readReply();
    const entry: Said = { command: c, ...r };
    if (r.codes[0] === '354') {
      // DATA: the next item is the message; its final reply completes the same exchange.
      const body = commands[++i] ?? '';
      socket.write((opts.bareLf ? body : body.replace(/\r?\n/g, '\r\n')) + '\r\n.\r\n');
      const done = await readReply();
      entry.codes.push(...done.codes);
      entry.lines.push(...done.lines);
    }
    said.push(entry);
  }
  socket.end();
  await new Promise<void>((r) => {
    socket.once('close', () => r());
    setTimeout(r, 2000);
  });
  return said;
}
