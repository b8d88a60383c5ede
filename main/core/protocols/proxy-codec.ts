// What the SMTP, POP3 and IMAP relay codecs share (after mitmproxy's proxy layers): the life
// of a proxied connection, from `open-upstream` to both legs closed. A subclass frames its
// protocol and decides what to forward; this base owns the rules that are the same for all:
//
// - client bytes wait until the upstream is connected, then flow in order;
// - an upstream that cannot be reached, fails TLS or times out gives the client the protocol's
//   own error (SMTP 421, POP3 -ERR, IMAP * BYE; design.md "The proxy") and both legs close;
// - plaintext behind a STARTTLS-class command, on either leg, is refused, flagged as
//   `starttls-injection` and the connection closed (CVE-2011-0411 class);
// - one side closing passes on what it sent, then half-closes the other side.
import type { TlsMode } from '../../../shared/types.js';
import { type Codec, type CodecCommand, type CodecEvent, type Side, ascii } from './types.js';

export interface ProxyTlsModes {
  clientTls: TlsMode;
  upstreamTls: TlsMode;
}

export type ProxyLeg = 'client' | 'upstream';

/**
 * A reply owed to the client, in command order (RFC 2920 §3.1): one to relay from upstream, or
 * one the proxy makes itself (`local`), sent once every reply ahead of it went out.
 */
export interface OwedReply {
  local?: Uint8Array;
  /** Runs when the local reply goes out. */
  then?: () => CodecCommand[];
}

/** Queue a local reply behind the replies owed before it, and send what is due. */
export function queueLocal<P extends OwedReply>(pending: P[], p: P): CodecCommand[] {
  pending.push(p);
  return flushLocal(pending);
}

/** Send the local replies at the head of the queue. */
export function flushLocal(pending: OwedReply[]): CodecCommand[] {
  const out: CodecCommand[] = [];
  while (pending[0]?.local) {
    const p = pending.shift()!;
    out.push({ type: 'send', side: 'client', bytes: p.local! }, ...(p.then?.() ?? []));
  }
  return out;
}

export abstract class ProxyCodec implements Codec {
  protected phase: 'connecting' | 'relay' | 'done' = 'connecting';
  /** Client bytes not yet framed. */
  protected clientBuf: Buffer = Buffer.alloc(0);
  protected clientIsTls: boolean;
  protected upstreamIsTls = false;
  /** The client has had its greeting: failures from now on are answers, not greetings. */
  protected greeted = false;
  /** The proxy said "go ahead" to the client's STARTTLS; the handshake has not finished. */
  protected awaitingClientTls = false;

  constructor(protected readonly modes: ProxyTlsModes) {
    this.clientIsTls = modes.clientTls === 'implicit';
  }

  /** May the client leg still upgrade with STARTTLS/STLS? What capability lists offer it by. */
  protected get clientCanUpgrade(): boolean {
    return this.modes.clientTls === 'starttls' && !this.clientIsTls;
  }

  start(): CodecCommand[] {
    return [{ type: 'open-upstream' }];
  }

  handle(e: CodecEvent): CodecCommand[] {
    return batchSends(this.dispatch(e));
  }

  private dispatch(e: CodecEvent): CodecCommand[] {
    if (this.phase === 'done') return [];
    switch (e.type) {
      case 'connected':
        this.phase = 'relay';
        this.upstreamIsTls = this.modes.upstreamTls === 'implicit';
        return this.pumpClient();
      case 'connect-failed':
        return this.fail(`upstream unavailable: ${e.error}`, false);
      case 'data':
        if (e.side === 'server') return this.onUpstreamData(e.bytes);
        if (this.awaitingClientTls) return this.injection('client', e.bytes.length);
        // A view, not a copy: a chunk handed to a codec is never changed afterwards (socket
        // reads are fresh buffers), and DATA's readers key their shared scan on its memory.
        this.clientBuf = this.clientBuf.length ? Buffer.concat([this.clientBuf, e.bytes]) : Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
        return this.phase === 'relay' ? this.pumpClient() : [];
      case 'tls-ready':
        if (e.side === 'client') {
          this.clientIsTls = true;
          this.awaitingClientTls = false;
          return this.onClientTls();
        }
        this.upstreamIsTls = true;
        return this.onUpstreamTls();
      case 'tls-failed':
        return e.side === 'client' ? this.closeBoth() : this.fail(`upstream TLS failed: ${e.error}`, false);
      case 'closed':
        return this.onClosed(e.side);
      case 'timeout':
        // A client kept waiting for a greeting is waiting on the upstream, not idle itself.
        if (e.side === 'server' || !this.greeted) return this.fail('upstream timed out');
        const bye = this.idleLine();
        return [...(bye ? [this.toClient(bye)] : []), ...this.closeBoth()];
      default:
        return [];
    }
  }

  heldBytes(side: Side): number {
    return side === 'client' ? this.clientBuf.length : 0;
  }

  /** Frame buffered client bytes and forward them, stopping where a reply decides what comes next. */
  protected abstract pumpClient(): CodecCommand[];
  protected abstract onUpstreamData(bytes: Uint8Array): CodecCommand[];
  protected abstract onClientTls(): CodecCommand[];
  protected abstract onUpstreamTls(): CodecCommand[];
  /** The protocol's "the server is unavailable" line, sent as the greeting or as an answer. */
  protected abstract failLine(why: string): Uint8Array;
  /** The protocol's line for refused injection. */
  protected abstract injectionLine(): Uint8Array;
  /** The protocol's autologout line for an idle client, or null to close without a word. */
  protected abstract idleLine(): Uint8Array | null;
  /** Upstream bytes framed but not yet forwarded, passed on when the upstream closes. */
  protected abstract upstreamRest(): Buffer;
  /** The STARTTLS-class command and the rule it breaks, for the injection event. */
  protected abstract readonly injectionRule: string;

  protected toClient(bytes: Uint8Array): CodecCommand {
    return { type: 'send', side: 'client', bytes };
  }

  protected toServer(bytes: Uint8Array): CodecCommand {
    return { type: 'send', side: 'server', bytes };
  }

  /**
   * The client's STARTTLS (POP3's STLS) is the proxy's to answer, never the upstream's (RFC 3207
   * §4, RFC 2595 §4), in turn with the replies ahead of it: refused where the client leg cannot
   * upgrade, refused as injection with bytes pipelined behind it, else `ready` and the handshake.
   * `hold` stops reading client commands until the handshake is done.
   */
  protected answerClientStartTls<P extends OwedReply>(pending: P[], entry: P, lines: { ready: string; refused: (alreadyTls: boolean) => string }, hold: () => void): CodecCommand[] {
    if (!this.clientCanUpgrade) return queueLocal(pending, { ...entry, local: ascii(lines.refused(this.clientIsTls)) });
    if (this.clientBuf.length) return this.injection('client', this.clientBuf.length);
    hold();
    this.awaitingClientTls = true;
    return queueLocal(pending, { ...entry, local: ascii(lines.ready), then: () => [{ type: 'start-tls', side: 'client', role: 'server' }] });
  }

  /** Plaintext behind STARTTLS (CVE-2011-0411 class): refused, flagged, closed. */
  protected injection(leg: ProxyLeg, n: number): CodecCommand[] {
    const text = `${n} bytes of plaintext pipelined after ${this.injectionRule} on the ${leg} leg: refused (CVE-2011-0411 class)`;
    const out: CodecCommand[] = [{ type: 'record', event: { kind: 'error', t: Date.now() * 1000, code: 'starttls-injection', text, leg } }];
    this.clientBuf = Buffer.alloc(0);
    // Once the client was told to start TLS, a plaintext answer would be read as a handshake.
    if (!this.awaitingClientTls || leg === 'upstream') out.push(this.toClient(this.injectionLine()));
    return [...out, ...this.closeBoth()];
  }

  /**
   * The upstream failed: the client gets the protocol's error and both legs close. The reason
   * goes on the timeline, unless the adapter recorded it already (`record` false).
   */
  protected fail(why: string, record = true): CodecCommand[] {
    if (this.phase === 'done') return [];
    const text = why.replace(/[\r\n]+/g, ' ');
    const note: CodecCommand[] = record ? [{ type: 'record', event: { kind: 'error', t: Date.now() * 1000, code: 'upstream', text, leg: 'upstream' } }] : [];
    return [...note, this.toClient(this.failLine(text)), ...this.closeBoth()];
  }

  protected closeBoth(): CodecCommand[] {
    this.phase = 'done';
    return [{ type: 'close', side: 'client' }, { type: 'close', side: 'server' }];
  }

  /** One side closed: pass on what it sent, then half-close the other side (after mitmproxy). */
  protected onClosed(side: Side): CodecCommand[] {
    const out: CodecCommand[] = [];
    if (side === 'client') {
      if (this.phase === 'relay' && this.clientBuf.length && !this.awaitingClientTls) out.push(this.toServer(this.clientBuf));
      this.clientBuf = Buffer.alloc(0);
      out.push({ type: 'close', side: 'server' });
    } else {
      const rest = this.upstreamRest();
      if (!this.greeted) return this.fail('upstream closed the connection before its greeting');
      if (rest.length) out.push(this.toClient(rest));
      out.push({ type: 'close', side: 'client' });
    }
    return out;
  }
}

/**
 * Merge runs of sends to the same side into one write, concatenated once: a relayed chunk of
 * many lines goes out as it came in, without a copy per line.
 */
export function batchSends(cmds: CodecCommand[]): CodecCommand[] {
  if (cmds.length < 2) return cmds;
  const out: CodecCommand[] = [];
  let run: Uint8Array[] = [];
  let side: Side | null = null;
  const flush = (): void => {
    if (side && run.length) out.push({ type: 'send', side, bytes: run.length === 1 ? run[0]! : Buffer.concat(run) });
    run = [];
    side = null;
  };
  for (const c of cmds) {
    if (c.type !== 'send') {
      flush();
      out.push(c);
      continue;
    }
    if (side !== c.side) flush();
    side = c.side;
    if (c.bytes.length) run.push(c.bytes);
  }
  flush();
  return out;
}
