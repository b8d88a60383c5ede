// Watches the mail transaction passing through the SMTP proxy and turns it into a `deliver`
// command once the upstream has answered the end of the message, so a proxied message is
// caught and MIME-decoded like one the sink received (design.md, "The proxy").
import type { Envelope } from '../../../../shared/types.js';
import { beginSasl, observeSaslResponse, type SaslSeen } from '../sasl-decode.js';
import type { CodecCommand } from '../types.js';
import { DataReader } from './data-reader.js';
import { parsePath } from './commands/path.js';

export class MessageTap {
  helo: string | null = null;
  private userName: string | null = null;
  /** The AUTH exchange under way (RFC 4954 §4), until the upstream's final reply. */
  private auth: SaslSeen | null = null;
  private tls = false;
  private mailFrom: string | null = null;
  private params: Envelope['params'] = {};
  private rcpt: string[] = [];
  private reader: DataReader | null = null;
  private chunks: Buffer[] | null = null;
  private nextId = 1;

  /** After TLS the client starts over (RFC 3207 §4.2): the server forgets what it was told. */
  reset(tls: boolean): void {
    this.tls = tls;
    this.helo = null;
    this.userName = null;
    this.auth = null;
    this.resetTransaction(null);
  }

  hello(name: string): void {
    this.helo = name || null;
  }

  /** MAIL starts a transaction (RFC 5321 §4.1.1.2); RSET and EHLO end one. */
  resetTransaction(mailArgs: string | null): void {
    this.rcpt = [];
    this.reader = null;
    this.chunks = null;
    const p = mailArgs === null ? null : parsePath(mailArgs, 'FROM');
    this.mailFrom = p && typeof p !== 'string' ? p.address : null;
    this.params = p && typeof p !== 'string' ? p.params : {};
  }

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

  startData(): void {
    this.reader = new DataReader();
  }

  /** Feed payload bytes; says how many belong to the payload and whether CRLF.CRLF was seen. */
  data(bytes: Buffer): { consumed: number; done: boolean } {
    if (!this.reader) this.reader = new DataReader();
    return this.reader.push(bytes);
  }

  startChunk(): void {
    this.chunks ??= [];
  }

  chunk(bytes: Buffer): void {
    (this.chunks ??= []).push(bytes); // a view: the codec's input is never changed afterwards
  }

  /** The message is complete and answered: a `deliver` command, or null if nothing was read. */
  finish(upstreamReply: string, accepted: boolean): CodecCommand | null {
    const chunks = this.reader ? this.reader.chunks : this.chunks;
    const warnings = this.reader ? this.reader.describeWarnings() : [];
    if (!accepted) warnings.push(`the upstream did not accept it: ${upstreamReply}`);
    this.reader = null;
    this.chunks = null;
    if (!chunks) return null;
    const envelope: Envelope = { mailFrom: this.mailFrom ?? '', rcptTo: [...this.rcpt], params: this.params, helo: this.helo, user: this.userName, tls: this.tls };
    this.rcpt = [];
    const size = chunks.reduce((n, c) => n + c.length, 0);
    return { type: 'deliver', id: this.nextId++, envelope, chunks, size, meta: { warnings } };
  }
}
