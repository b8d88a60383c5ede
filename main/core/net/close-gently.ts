// Closing a connection without cutting off what is still in flight: our side ends (the peer
// reads what we sent, then EOF), and a peer that never closes its own side is destroyed after a
// grace period, so it cannot hold the socket forever.
import type { Socket } from 'node:net';

/** How long a peer has to close its side once we have closed ours. */
export const CLOSE_GRACE_MS = 2000;

/** Destroy `s` once the grace period is over, unless it is closed before. */
export function destroyAfterGrace(s: Socket, graceMs = CLOSE_GRACE_MS): void {
  setTimeout(() => s.destroy(), graceMs).unref();
}

/** End our side of `s`, after writing `last` if given, and destroy it after the grace period. */
export function endGently(s: Socket, last?: Uint8Array, graceMs = CLOSE_GRACE_MS): void {
  if (last) s.end(last);
  else s.end();
  destroyAfterGrace(s, graceMs);
}
