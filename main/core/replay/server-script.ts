// The server side of a captured session as turns: the items the client sent (commands, bodies,
// SASL lines, literals) and the bytes the server answered with, as recorded. Turn 0 is the
// greeting. A turn whose answer agreed to STARTTLS is followed by the TLS handshake.
import type { Leg, Protocol } from '../../../shared/types.js';
import type { WireRecord } from '../store/session-records.js';
import { ClientItemReader, type ClientItem } from './client-items.js';
import { unitFramer, type ResponseUnit } from './units.js';

export interface ServerTurn {
  items: ClientItem[];
  response: Buffer;
  units: ResponseUnit[];
  /** The server agreed to STARTTLS/STLS in this turn; TLS comes next. */
  tlsAfter: boolean;
}

export interface ServerScript {
  protocol: Protocol;
  turns: ServerTurn[];
  implicit: boolean;
}

export function buildServerScript(protocol: Protocol, wire: WireRecord[], leg: Leg = 'client'): ServerScript {
  const records = wire.filter((r) => r.leg === leg);
  const implicit = records[0]?.tls ?? false;
  const items = new ClientItemReader(protocol);
  const units = unitFramer(protocol);
  const turns: ServerTurn[] = [];
  let cur: ServerTurn = { items: [], response: Buffer.alloc(0), units: [], tlsAfter: false };
  const parts: Buffer[][] = [[]];
  turns.push(cur);
  let last: 'c2s' | 's2c' = 's2c';
  let tls = implicit;
  for (const r of records) {
    if (r.tls && !tls) {
      cur.tlsAfter = true;
      items.resetForTls();
    }
    tls = r.tls;
    if (r.direction === 'c2s') {
      // A new turn, unless the client spoke before any greeting (then turn 0 waits for it).
      if (last === 's2c' && (turns.length > 1 || parts[0]!.length > 0)) {
        cur = { items: [], response: Buffer.alloc(0), units: [], tlsAfter: false };
        turns.push(cur);
        parts.push([]);
      }
      items.push(r.bytes);
      units.client(r.bytes);
      for (let it = items.next(); it; it = items.next()) cur.items.push(it);
      last = 'c2s';
    } else {
      parts[parts.length - 1]!.push(r.bytes);
      for (const u of units.server(r.bytes)) {
        cur.units.push(u);
        items.answered(u);
        // Items the client sent ahead (pipelining) may read differently now: pick them up.
        for (let it = items.next(); it; it = items.next()) cur.items.push(it);
      }
      last = 's2c';
    }
  }
  turns.forEach((t, i) => (t.response = Buffer.concat(parts[i]!)));
  return { protocol, turns: turns.filter((t, i) => i === 0 || t.items.length > 0 || t.response.length > 0), implicit };
}
