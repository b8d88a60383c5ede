// The client side of a captured session as a script of steps. A step is what the client sent
// in one go (the c2s chunks between two server turns) and how many response units the server
// completed before the client spoke again, so a replay waits for as many from the target.
// Step 0 sends nothing: it waits for the greeting. The TLS flag of the chunks says where a
// STARTTLS upgrade happened (RFC 3207 §4, RFC 2595 §4, RFC 9051 §6.2.1) or that TLS was implicit.
import type { Leg, Protocol, TlsMode } from '../../../shared/types.js';
import type { WireRecord } from '../store/session-records.js';
import { unitFramer } from './units.js';

export interface ReplayStep {
  send: Buffer;
  /** Response units the recorded server completed while this was the client's last step. */
  units: number;
  /** Sent inside TLS. */
  tls: boolean;
  /** µs after the session's first chunk that the recorded client sent it (for original pacing). */
  at: number;
  /** The step is exactly one STARTTLS (SMTP, IMAP) or STLS (POP3) command. */
  starttls: boolean;
  /** Not in the recording: added to reach TLS (tls mode starttls on a plaintext recording). */
  injected?: boolean;
  /** In the recording, but not sent (a STARTTLS when the target's TLS mode makes it moot). */
  skip?: boolean;
}

export interface ClientScript {
  protocol: Protocol;
  steps: ReplayStep[];
  /** Connect with TLS before the greeting (RFC 8314). */
  implicit: boolean;
}

const STARTTLS_LINE = /^(?:\S+ STARTTLS|STARTTLS|STLS)\r?\n$/i;

export function buildScript(protocol: Protocol, wire: WireRecord[], leg: Leg = 'client'): ClientScript {
  const records = wire.filter((r) => r.leg === leg);
  const t0 = records[0]?.t ?? 0;
  const implicit = records[0]?.tls ?? false;
  const units = unitFramer(protocol);
  const steps: ReplayStep[] = [{ send: Buffer.alloc(0), units: 0, tls: implicit, at: 0, starttls: false }];
  let parts: Buffer[] = [];
  let last: 'c2s' | 's2c' = 's2c';
  const close = (): void => {
    const cur = steps[steps.length - 1]!;
    if (parts.length) cur.send = Buffer.concat(parts);
    cur.starttls = STARTTLS_LINE.test(cur.send.toString('latin1'));
    parts = [];
  };
  for (const r of records) {
    if (r.direction === 'c2s') {
      const cur = steps[steps.length - 1]!;
      if (last === 's2c' || r.tls !== cur.tls) {
        close();
        steps.push({ send: Buffer.alloc(0), units: 0, tls: r.tls, at: r.t - t0, starttls: false });
      }
      parts.push(r.bytes);
      units.client(r.bytes);
      last = 'c2s';
    } else {
      steps[steps.length - 1]!.units += units.server(r.bytes).length;
      last = 's2c';
    }
  }
  close();
  return { protocol, steps, implicit };
}

/** The commands that take a plaintext session to TLS, for a recording that never did. */
function starttlsSteps(protocol: Protocol, at: number): ReplayStep[] {
  const step = (line: string): ReplayStep => ({ send: Buffer.from(`${line}\r\n`), units: 1, tls: false, at, starttls: line.endsWith('TLS'), injected: true });
  // RFC 3207 §4: STARTTLS follows EHLO; POP3 and IMAP can ask at once.
  if (protocol === 'smtp') return [step('EHLO mailtap-replay'), step('STARTTLS')];
  if (protocol === 'pop3') return [step('STLS')];
  return [step('R0 STARTTLS')];
}

/**
 * Fit the script to the target's TLS mode. auto: as recorded. none and implicit skip a recorded
 * STARTTLS; starttls keeps a recorded one and otherwise adds one after the greeting.
 */
export function withTlsMode(script: ClientScript, mode: TlsMode | 'auto'): ClientScript {
  if (mode === 'auto') return script;
  const hadStarttls = script.steps.some((s) => s.starttls && !script.implicit);
  if (mode === 'starttls' && hadStarttls) return { ...script, implicit: false };
  if (mode === 'starttls') {
    const [greeting, ...rest] = script.steps;
    const added = starttlsSteps(script.protocol, rest[0]?.at ?? 0);
    return {
      ...script,
      implicit: false,
      steps: [{ ...greeting!, tls: false }, ...added, ...rest.map((s) => ({ ...s, tls: true }))],
    };
  }
  const tls = mode === 'implicit';
  return { ...script, implicit: tls, steps: script.steps.map((s) => ({ ...s, tls, ...(s.starttls ? { skip: true } : {}) })) };
}
