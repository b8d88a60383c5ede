// Watches the mail transaction passing through the SMTP proxy and turns it into a `deliver`
// command once the upstream has answered the end of the message, so a proxied message is
// caught and MIME-decoded like one the sink received (design.md, "The proxy").
//
// Two clocks. A message's octets are known when the client sends them; its envelope is known
// only from the upstream's replies, which come later and in command order (RFC 2920 §3.1). With
// PIPELINING the two interleave: "MAIL, RCPT, BDAT 5 LAST <data>" is sent before any reply, and
// the next transaction's MAIL may follow the end of data before its 250 (§3.1 lets message
// content start a group). So finished payloads wait in a queue, in order, each for the reply to
// its end, and the envelope is built from replies alone: a refused MAIL, RCPT or EHLO changes
// nothing, as it changes nothing on the server (RFC 5321 §4.1.4, §4.1.1.2).
import type { Envelope } from '../../../../shared/types.js';
import { beginSasl, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import type { CodecCommand } from '../types.js';
import { DataReader } from './data-reader.js';
import { parsePath } from './commands/path.js';

interface Payload {
  chunks: Buffer[];
  warnings: string[];
}

export class MessageTap {
  // --- as the upstream accepted it (reply order)
  private helo: string | null = null;
  private userName: string | null = null;
  /** The AUTH exchange under way (RFC 4954 §4), until the upstream's final reply. */
  private auth: SaslSeen | null = null;
  private tls = false;
  private mailFrom: string | null = null;
  private params: Envelope['params'] = {};
  private rcpt: string[] = [];
  // --- as the client sends it (send order)
  private reader: DataReader | null = null;
  private chunks: Buffer[] | null = null;
  /** Payloads whose end was sent, oldest first, each waiting for the reply to its end. */
  private readonly sent: Payload[] = [];
  private nextId = 1;

  /** After TLS the client starts over (RFC 3207 §4.2): the server forgets what it was told. */
  reset(tls: boolean): void {
    this.tls = tls;
    this.helo = null;
    this.userName = null;
    this.auth = null;
    this.clearEnvelope();
    this.discardUnsent();
  }

  /**
   * The client sent a command that ends any payload in progress (MAIL, RSET, EHLO, HELO): its
   * octets belong to no message the upstream will take.
   */
  discardUnsent(): void {
    this.reader = null;
    this.chunks = null;
  }

  // ------------------------------------------------------------ replies

  /** EHLO or HELO was accepted: the name, and a state reset as by RSET (RFC 5321 §4.1.4). */
  hello(name: string): void {
    this.helo = name || null;
    this.clearEnvelope();
  }

  /** RSET was accepted (RFC 5321 §4.1.1.5). */
  rset(): void {
    this.clearEnvelope();
  }

  /** MAIL was accepted: a transaction starts (RFC 5321 §4.1.1.2). */
  mail(mailArgs: string): void {
    const p = parsePath(mailArgs, 'FROM');
    this.mailFrom = typeof p === 'string' ? null : p.address;
    this.params = typeof p === 'string' ? {} : p.params;
    this.rcpt = [];
  }

  /** RCPT was accepted. */
  recipient(rcptArgs: string): void {
    const p = parsePath(rcptArgs, 'TO');
    if (typeof p !== 'string') this.rcpt.push(p.address);
  }

  /** AUTH was sent: its arguments are the mechanism and the optional initial response. */
  authStart(authArgs: string): void {
    this.auth = beginSasl(authArgs);
  }

  /** A client line answering a 334 challenge (RFC 4954 §4). */
  authResponse(line: string): void {
    if (this.auth) observeSaslResponse(this.auth, line);
  }

  /**
   * The upstream's final reply to AUTH: only 235 makes the client authenticated (RFC 4954 §6),
   * whatever the mechanism; the user is what the exchange named (sasl-decode.ts).
   */
  authEnd(accepted: boolean): void {
    if (accepted && this.auth) this.userName = this.auth.user;
    this.auth = null;
  }

  /**
   * The upstream answered the end of a message: a `deliver` command for the oldest payload
   * sent, or null if there is none. The transaction is over either way.
   */
  finish(upstreamReply: string, accepted: boolean): CodecCommand | null {
    const payload = this.sent.shift();
    const envelope: Envelope = { mailFrom: this.mailFrom ?? '', rcptTo: this.rcpt, params: this.params, helo: this.helo, user: this.userName, tls: this.tls };
    this.clearEnvelope();
    if (!payload) return null;
    if (!accepted) payload.warnings.push(`the upstream did not accept it: ${upstreamReply}`);
    const size = payload.chunks.reduce((n, c) => n + c.length, 0);
    return { type: 'deliver', id: this.nextId++, envelope, chunks: payload.chunks, size, meta: { warnings: payload.warnings } };
  }

  // ------------------------------------------------------------ the client's octets

  /** The 354 came: what the client sends next is the payload. */
  startData(): void {
    this.reader = new DataReader();
  }

  /** Feed payload bytes; says how many belong to the payload and whether CRLF.CRLF was seen. */
  data(bytes: Buffer): { consumed: number; done: boolean } {
    const reader = (this.reader ??= new DataReader());
    const r = reader.push(bytes);
    if (r.done) {
      this.sent.push({ chunks: reader.chunks, warnings: reader.describeWarnings() });
      this.reader = null;
    }
    return r;
  }

  startChunk(): void {
    this.chunks ??= [];
  }

  chunk(bytes: Buffer): void {
    (this.chunks ??= []).push(bytes); // a view: the codec's input is never changed afterwards
  }

  /** The LAST chunk of a BDAT message was sent whole (RFC 3030 §2). */
  endChunks(): void {
    this.sent.push({ chunks: this.chunks ?? [], warnings: [] });
    this.chunks = null;
  }

  private clearEnvelope(): void {
    this.mailFrom = null;
    this.params = {};
    this.rcpt = [];
  }
}
