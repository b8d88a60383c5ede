// When the socket adapters stop reading a socket for a while, and why. Two reasons:
//
// - Backpressure. A peer that sends without reading (a client pipelining commands and never
//   reading the replies, an IMAP client slower than the server's FETCH) would otherwise make us
//   queue without bound what we write towards it. Once more than READ_HIGH_WATER bytes wait
//   for a socket, the side whose input made them stops being read until that socket drains;
//   TCP's flow control then slows the sender, as it would with no proxy in between. A sink's
//   replies go back to the client that sent the commands, so there the client is held until
//   it reads them: Postfix's smtpd does the same (it blocks writing a reply and reads nothing
//   meanwhile), and a pipelining client that never reads deadlocks against any server.
// - Fairness within one event-loop turn. libuv reads a readable socket up to 32 times in a
//   row, 64 KB each, before it looks at the next one or at timers: ten clients sending 1 MB
//   messages made single turns of 20 MB, 100 ms and more during which nothing else ran. Past
//   TURN_BUDGET bytes handled in one turn, a socket yields until the next one.
//
// - Held input. A relay codec keeps what a side sent while it waits for the other side's answer
//   (a client's bytes after DATA, until the upstream's 354). Past READ_HIGH_WATER of those,
//   that side is not read until the codec lets them go (heldBack).
//
// The same mark holds back a sink's answer that is built in batches (IMAP's FETCH 1:*): the
// next batch is not asked of the store while the client has not taken the last (whenDrained).
//
// Pausing a socket stops libuv's reads of it at once (readStop); what was read already is kept
// in order and handed over when it resumes. Nothing is dropped.
import type { Socket } from 'node:net';

/** Bytes queued towards one socket before the side that feeds it stops being read. */
export const READ_HIGH_WATER = 1024 * 1024;
/** Bytes handled in one event-loop turn, over all sockets, before each yields to the next turn. */
export const TURN_BUDGET = 1024 * 1024;

const FULL = 1;
const TURN = 2;
const HELD = 4;

let turnBytes = 0;
let turnEnding = false;
const yielded = new Set<ReadGate>();

/** Ends the turn in the check phase, right after this poll phase's I/O callbacks. */
function endTurnSoon(): void {
  if (turnEnding) return;
  turnEnding = true;
  setImmediate(() => {
    turnEnding = false;
    turnBytes = 0;
    const gates = [...yielded];
    yielded.clear();
    for (const g of gates) g.turnEnded();
  });
}

/** Run `then` once `s` has written out what waits for it, or has closed; returns a cancel. */
export function whenDrained(s: Socket, then: () => void): () => void {
  const off = (): void => {
    s.removeListener('drain', done);
    s.removeListener('close', done);
  };
  const done = (): void => {
    off();
    then();
  };
  s.once('drain', done);
  s.once('close', done);
  return off;
}

export class ReadGate {
  private holds = 0;
  /** Cancels the wait for the socket this one is held back for. */
  private stopWaiting: (() => void) | null = null;

  constructor(readonly socket: Socket) {}

  /**
   * A chunk of `bytes` read from this socket was handled, and what it made us write went to
   * `wrote`. Holds the socket back if one of those is over its high-water mark, or if this
   * turn's budget is spent.
   */
  handled(bytes: number, wrote: readonly (Socket | null)[]): void {
    if (!(this.holds & FULL)) {
      for (const s of wrote) {
        if (s && !s.destroyed && s.writableLength > READ_HIGH_WATER) {
          this.hold(FULL);
          this.stopWaiting = whenDrained(s, () => {
            this.stopWaiting = null;
            this.release(FULL);
          });
          break;
        }
      }
    }
    turnBytes += bytes;
    endTurnSoon();
    if (turnBytes > TURN_BUDGET && !(this.holds & TURN)) {
      this.hold(TURN);
      yielded.add(this);
    }
  }

  /** The codec keeps `bytes` of this socket's input waiting for the other side: over the mark, stop reading. */
  heldBack(bytes: number): void {
    if (bytes > READ_HIGH_WATER) this.hold(HELD);
    else this.release(HELD);
  }

  /** Stop holding the socket back (it is being replaced, for TLS, or it closed). */
  dispose(): void {
    yielded.delete(this);
    if (this.stopWaiting) {
      this.stopWaiting();
      this.stopWaiting = null;
      this.release(FULL);
    }
    this.holds = 0;
  }

  /** A new event-loop turn began: a socket that yielded may be read again. */
  turnEnded(): void {
    this.release(TURN);
  }

  private release(reason: number): void {
    if (!(this.holds & reason)) return;
    this.holds &= ~reason;
    if (!this.holds && !this.socket.destroyed) this.socket.resume();
  }

  private hold(reason: number): void {
    if (this.holds & reason) return;
    if (!this.holds) this.socket.pause();
    this.holds |= reason;
  }
}
