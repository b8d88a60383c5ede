// Drives a relay codec with no sockets (after mitmproxy's playbooks): events in from either
// side, commands collected; what each side was sent reads back as text. Side 'client' is the
// client, 'server' the upstream.
import assert from 'node:assert/strict';
import type { Codec, CodecCommand, CodecEvent, Side } from '../../main/core/protocols/types.js';
import { tlsInfo } from './playbook.js';

export type Deliver = Extract<CodecCommand, { type: 'deliver' }>;

/** One side's bytes in a dialogue. */
export type Turn = ['client' | 'server', string];

export class ProxyDrive<C extends Codec> {
  readonly log: CodecCommand[] = [];

  constructor(readonly codec: C) {
    this.log.push(...codec.start());
  }

  ev(e: CodecEvent): this {
    this.log.push(...this.codec.handle(e));
    return this;
  }

  connected(): this {
    return this.ev({ type: 'connected', side: 'server' });
  }

  tls(side: Side): this {
    return this.ev({ type: 'tls-ready', side, info: { ...tlsInfo, leg: side === 'client' ? 'client' : 'upstream' } });
  }

  /** Bytes from one side: whole, one byte at a time, or cut at the given sizes (cycling). */
  from(side: Side, text: string | Buffer, how: 'whole' | 'bytewise' | number[] = 'whole'): this {
    const b = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    if (how === 'whole') return this.ev({ type: 'data', side, bytes: b });
    const sizes = how === 'bytewise' ? [1] : how;
    for (let pos = 0, k = 0; pos < b.length; k++) {
      const n = Math.max(1, sizes[k % sizes.length]!);
      this.ev({ type: 'data', side, bytes: b.subarray(pos, pos + n) });
      pos += n;
    }
    return this;
  }

  sentBytes(side: Side): Buffer {
    return Buffer.concat(this.log.filter((c): c is Extract<CodecCommand, { type: 'send' }> => c.type === 'send' && c.side === side).map((c) => Buffer.from(c.bytes)));
  }

  sent(side: Side): string {
    return this.sentBytes(side).toString('latin1');
  }

  kinds<T extends CodecCommand['type']>(type: T): Extract<CodecCommand, { type: T }>[] {
    return this.log.filter((c): c is Extract<CodecCommand, { type: T }> => c.type === type);
  }

  delivered(): string[] {
    return this.kinds('deliver').map((d) => Buffer.concat(d.chunks.map((c) => Buffer.from(c))).toString('latin1'));
  }

  /** Codes of the timeline events the codec recorded itself. */
  recorded(): string[] {
    return this.kinds('record').map((r) => ('code' in r.event ? r.event.code : r.event.kind));
  }

  closed(): Side[] {
    return this.kinds('close').map((c) => c.side);
  }

  /**
   * Play a dialogue one byte at a time that fetches a message, check that the upstream got
   * every client byte, and give the envelope the fetched message was caught with: nobody sent
   * it, so it names only who logged in, and TLS.
   */
  fetchedEnvelope(turns: Turn[]): { user: string | null; tls: boolean } {
    for (const [side, text] of turns) this.from(side, text, 'bytewise');
    assert.equal(this.sent('server'), turns.filter(([s]) => s === 'client').map(([, t]) => t).join(''));
    const [del] = this.kinds('deliver');
    assert.ok(del, 'caught');
    assert.deepEqual([del.envelope.mailFrom, del.envelope.rcptTo, del.envelope.helo], ['', [], null], 'nobody sent it');
    return { user: del.envelope.user, tls: del.envelope.tls };
  }
}
