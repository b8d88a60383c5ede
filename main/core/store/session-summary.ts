import type { Endpoint, Protocol, SessionRole, SessionSummary, TimelineEvent } from '../../../shared/types.js';
import { nowMicros } from '../clock.js';
import { newId } from './ids.js';

/** A new session's summary, starting now, with every counter at zero. */
export function newSessionSummary(protocol: Protocol, role: SessionRole, client: Endpoint, server: Endpoint, replayOf?: string): SessionSummary {
  return {
    id: newId(),
    protocol,
    role,
    startedAt: nowMicros(),
    endedAt: null,
    client,
    server,
    upstream: null,
    tls: false,
    user: null,
    messageIds: [],
    exchanges: 0,
    warnings: 0,
    errors: 0,
    bytesIn: 0,
    bytesOut: 0,
    ...(replayOf ? { replayOf } : {}),
  };
}

/** Keep a summary's counters in step with one timeline event (recording, and repair at startup). */
export function countEvent(s: SessionSummary, e: TimelineEvent): void {
  if (e.kind === 'exchange') {
    s.exchanges++;
    if (e.latencyUs !== null && e.latencyUs > (s.maxLatencyUs ?? 0)) s.maxLatencyUs = e.latencyUs;
  }
  else if (e.kind === 'warning') s.warnings++;
  else if (e.kind === 'error') s.errors++;
  else if (e.kind === 'auth' && e.ok && e.user) s.user = e.user;
  else if (e.kind === 'message') s.messageIds.push(e.messageId);
  else if (e.kind === 'tls' && e.info.leg === 'client') s.tls = true;
}
