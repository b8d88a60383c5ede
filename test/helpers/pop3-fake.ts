// A maildrop host for POP3 codec tests: answers the codec's requests from memory the way
// main/core/sink/pop3-sink.ts answers them from the store, and remembers what was deleted.
import type { Pop3Request } from '../../main/core/protocols/pop3/maildrop.js';
import type { PlayResult } from './playbook.js';

export interface FakeMessage {
  id: string;
  rcptTo: string[];
  raw: string;
}

export const MESSAGES: FakeMessage[] = [
  { id: '0000000001aaaaaa', rcptTo: ['bob@example.test'], raw: 'Subject: one\r\n\r\nhello\r\n' },
  { id: '0000000002bbbbbb', rcptTo: ['alice@example.test'], raw: 'Subject: two\r\nX-A: b\r\n\r\n.leading dot\r\nline 2\r\n.\r\nline 4\r\n' },
  { id: '0000000003cccccc', rcptTo: ['Bob@Example.TEST', 'carol@example.test'], raw: 'Subject: three\r\n\r\nno final line break' },
];

export class FakeHost {
  messages: FakeMessage[];
  deleted: string[] = [];
  seen: string[] = [];
  requests: Pop3Request[] = [];
  failDelete = false;

  constructor(messages: FakeMessage[] = MESSAGES) {
    this.messages = messages.map((m) => ({ ...m }));
  }

  readonly serve = (request: unknown): unknown => {
    const r = request as Pop3Request;
    this.requests.push(r);
    switch (r.op) {
      case 'maildrop': {
        const a = r.user.includes('@') ? r.user.toLowerCase() : null;
        return this.messages.filter((m) => !a || m.rcptTo.some((x) => x.toLowerCase() === a)).map((m) => ({ id: m.id, size: Buffer.byteLength(m.raw, 'latin1') }));
      }
      case 'read': {
        const m = this.messages.find((x) => x.id === r.id);
        if (!m) throw new Error('no such message');
        if (r.seen) this.seen.push(m.id);
        return Buffer.from(m.raw, 'latin1');
      }
      case 'delete': {
        if (this.failDelete) throw new Error('disk full');
        const gone = r.ids.filter((id) => this.messages.some((m) => m.id === id));
        this.messages = this.messages.filter((m) => !gone.includes(m.id));
        this.deleted.push(...gone);
        return gone.length;
      }
    }
  };
}

/**
 * Split what a POP3 server sent into responses. `shape` says, for each response in turn,
 * whether a multi-line body is expected ("*" suffix); each response comes back as a token:
 * "+OK", "-ERR", "+" or with its response code, "-ERR[AUTH]", and "*" when a body was read.
 * A body where none was expected (or none where one was) misaligns and shows in the tokens.
 */
export function responses(r: PlayResult | string, shape: string[]): { tokens: string[]; bodies: string[] } {
  const sent = typeof r === 'string' ? r : r.sent;
  const lines = sent.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const tokens: string[] = [];
  const bodies: string[] = [];
  let i = 0;
  for (let k = 0; i < lines.length; k++) {
    const line = lines[i++]!;
    const m = /^(\+OK|-ERR|\+)(?: \[([^\]]+)\])?/.exec(line);
    let token = m ? `${m[1]}${m[2] ? `[${m[2]}]` : ''}` : `?${line}`;
    if (m?.[1] === '+OK' && shape[k]?.endsWith('*')) {
      const body: string[] = [];
      while (i < lines.length && lines[i] !== '.') body.push(lines[i++]!);
      i++;
      bodies.push(body.join('\r\n'));
      token += '*';
    }
    tokens.push(token);
  }
  return { tokens, bodies };
}
