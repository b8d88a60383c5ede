// The vocabulary between sans-IO protocol codecs and the one socket adapter (main/core/net/).
// Events go in, commands come out (after mitmproxy's proxy layers). Nothing here does I/O.
import type { Envelope, TimelineEventInput, TlsInfo } from '../../../shared/types.js';

/** Which peer a codec is talking to: the client, or (in the proxy) the upstream server. */
export type Side = 'client' | 'server';

export type CodecEvent =
  | { type: 'data'; side: Side; bytes: Uint8Array }
  | { type: 'closed'; side: Side }
  | { type: 'tls-ready'; side: Side; info: TlsInfo }
  | { type: 'tls-failed'; side: Side; error: string }
  | { type: 'delivered'; id: number; ok: boolean; messageId?: string; error?: string }
  /** The adapter's idle timer for that side ran out. */
  | { type: 'timeout'; side: Side }
  /** The answer to a `request` command. */
  | { type: 'response'; id: number; ok: boolean; value?: unknown; error?: string }
  /**
   * Something the host has to tell the codec unasked, such as new mail in the mailbox an IMAP
   * client has selected (RFC 2177 IDLE). What a notification looks like is agreed between a
   * codec and its host, as for requests.
   */
  | { type: 'notify'; notification: unknown }
  /** The proxy's upstream connection (asked for by `open-upstream`) is up, TLS included if implicit. */
  | { type: 'connected'; side: Side }
  /** The upstream could not be reached, refused, timed out or failed TLS verification. */
  | { type: 'connect-failed'; side: Side; error: string };

export interface DeliveryMeta {
  /** Transport warnings found while reading the message, e.g. bare LF. */
  warnings: string[];
  /**
   * The one chunk is a buffer of this message's own, held by nothing else (not a view of socket
   * data the wire log still holds): the store may keep it, or move it to a worker, as it is.
   */
  owned?: boolean;
}

export type CodecCommand =
  | { type: 'send'; side: Side; bytes: Uint8Array }
  | { type: 'start-tls'; side: Side; role: 'server' | 'client' }
  | { type: 'close'; side: Side }
  | { type: 'record'; event: TimelineEventInput }
  /** Store a message. The codec waits for a `delivered` event with the same id before going on. */
  | { type: 'deliver'; id: number; envelope: Envelope; chunks: Uint8Array[]; size: number; meta: DeliveryMeta }
  | { type: 'open-upstream' }
  /**
   * Ask the host for something only it can do (read a stored message, log a user in against
   * the mailbox, delete messages). The codec waits for the `response` with the same id; what a
   * request and its value look like is agreed between a codec and the host that serves it.
   */
  | { type: 'request'; id: number; request: unknown };

export interface Codec {
  /** Commands to run when the connection opens (a server's greeting). */
  start(): CodecCommand[];
  handle(event: CodecEvent): CodecCommand[];
  /**
   * Bytes read from `side` that the codec keeps, not yet passed on, until the other side
   * answers (a relay holding what a client sent after DATA until the 354). The adapter stops
   * reading that side while this is large (read-gate.ts).
   */
  heldBytes?(side: Side): number;
}

const encoder = new TextEncoder();
export const ascii = (s: string): Uint8Array => encoder.encode(s);

/** Merge adjacent sends to the same side, so a pipelined burst gets one write (RFC 2920 §3.2). */
export function coalesceSends(commands: CodecCommand[]): CodecCommand[] {
  const out: CodecCommand[] = [];
  for (const c of commands) {
    const last = out[out.length - 1];
    if (c.type === 'send' && last?.type === 'send' && last.side === c.side) {
      const merged = new Uint8Array(last.bytes.length + c.bytes.length);
      merged.set(last.bytes, 0);
      merged.set(c.bytes, last.bytes.length);
      out[out.length - 1] = { type: 'send', side: c.side, bytes: merged };
    } else out.push(c);
  }
  return out;
}
