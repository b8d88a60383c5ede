// Drives a sans-IO codec with no sockets, in the style of mitmproxy's playbooks: events in,
// commands out. Deliveries are acknowledged and TLS upgrades completed by the driver, so a
// test is a table of client bytes and the server bytes they must produce.
import type { Codec, CodecCommand, CodecEvent } from '../../main/core/protocols/types.js';
import type { Envelope, TlsInfo } from '../../shared/types.js';

export interface Delivery {
  envelope: Envelope;
  body: Buffer;
  warnings: string[];
}

export interface PlayResult {
  /** Every byte the codec sent to the client, as latin1 text. */
  sent: string;
  /** The replies, one entry per line. */
  lines: string[];
  deliveries: Delivery[];
  commands: CodecCommand[];
  closed: boolean;
  tlsStarts: number;
}

export interface PlayOptions {
  /** Split every chunk into single bytes. */
  bytewise?: boolean;
  /** Split points: chunks are re-cut at these sizes, cycling. */
  cuts?: number[];
  deliverOk?: boolean;
  /** Answers the codec's `request` commands (POP3, IMAP); a throw is a failed response. */
  serve?: (request: unknown) => unknown;
}

export const tlsInfo: TlsInfo = {
  leg: 'client', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', sni: null, alpn: null, certificateSubject: 'mailtap.local',
};

function recut(chunks: Buffer[], opts: PlayOptions): Buffer[] {
  if (opts.bytewise) return chunks.flatMap((c) => [...c].map((b) => Buffer.from([b])));
  if (!opts.cuts?.length) return chunks;
  const all = Buffer.concat(chunks);
  const out: Buffer[] = [];
  let pos = 0;
  let i = 0;
  while (pos < all.length) {
    const n = Math.max(1, opts.cuts[i++ % opts.cuts.length]!);
    out.push(all.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

export function play(codec: Codec, input: (string | Buffer)[], opts: PlayOptions = {}): PlayResult {
  const res: PlayResult = { sent: '', lines: [], deliveries: [], commands: [], closed: false, tlsStarts: 0 };
  let n = 0;
  const run = (cmds: CodecCommand[]): void => {
    const queue = [...cmds];
    // Bounded: each delivery or TLS start is answered once.
    for (let guard = 0; queue.length && guard < 100000; guard++) {
      const c = queue.shift()!;
      res.commands.push(c);
      if (c.type === 'send') res.sent += Buffer.from(c.bytes).toString('latin1');
      else if (c.type === 'close') res.closed = true;
      else if (c.type === 'start-tls') {
        res.tlsStarts++;
        queue.push(...codec.handle({ type: 'tls-ready', side: 'client', info: tlsInfo }));
      } else if (c.type === 'deliver') {
        res.deliveries.push({ envelope: c.envelope, body: Buffer.concat(c.chunks.map((x) => Buffer.from(x))), warnings: c.meta.warnings });
        const ev: CodecEvent = opts.deliverOk === false
          ? { type: 'delivered', id: c.id, ok: false, error: 'disk full' }
          : { type: 'delivered', id: c.id, ok: true, messageId: `M${++n}` };
        queue.push(...codec.handle(ev));
      } else if (c.type === 'request' && opts.serve) {
        let ev: CodecEvent;
        try {
          ev = { type: 'response', id: c.id, ok: true, value: opts.serve(c.request) };
        } catch (e) {
          ev = { type: 'response', id: c.id, ok: false, error: (e as Error).message };
        }
        queue.push(...codec.handle(ev));
      }
    }
  };
  run(codec.start());
  const chunks = recut(input.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x)), opts);
  for (const chunk of chunks) {
    if (res.closed) break;
    run(codec.handle({ type: 'data', side: 'client', bytes: chunk }));
  }
  res.lines = res.sent.split('\r\n').filter((l) => l !== '');
  return res;
}

/** The reply codes only, in order: ["220", "250", …] (one per reply, multi-line collapsed). */
export function codes(r: PlayResult): string[] {
  return r.lines.filter((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l)).map((l) => l.slice(0, 3));
}
