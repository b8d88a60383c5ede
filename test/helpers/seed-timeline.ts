// Seeds one large SMTP session through the app's own recorder (the path the sink takes), so
// the store writes its real files: an events journal the UI then pages through. Used by the
// 100,000-exchange timeline test; no socket is involved.
import type { MailtapService } from '../../main/core/service.js';
import { SessionRecorder } from '../../main/core/capture/recorder.js';
import { newSessionSummary } from '../../main/core/store/session-summary.js';
import type { ExchangeEvent, SessionSummary, TimelineEventInput } from '../../shared/types.js';

const BATCH = 5000;

type ExchangeInput = Omit<ExchangeEvent, 'seq'>;

/** A plausible SMTP exchange, cycling through a mail transaction, with varied latencies. */
function exchange(i: number, t: number): ExchangeInput {
  const step = i % 6;
  const latency = 80 + ((i * 7919) % 2000) + (i % 997 === 0 ? 40_000 : 0);
  const reply = (code: string, enhanced: string | null, text: string, status: 'ok' | 'intermediate' | 'transient' | 'permanent' = 'ok') => ({
    t: t + latency,
    lines: [{ code, enhanced, text }],
    status,
  });
  const cmd = (verb: string, args: string) => ({ verb, args, line: args ? `${verb} ${args}` : verb });
  switch (step) {
    case 0:
      return { kind: 'exchange', t, leg: 'client', command: cmd('MAIL', `FROM:<sender${i}@example.com>`), replies: [reply('250', '2.1.0', 'Ok')], latencyUs: latency };
    case 1:
      return { kind: 'exchange', t, leg: 'client', command: cmd('RCPT', `TO:<rcpt${i}@example.org>`), replies: [reply('250', '2.1.5', 'Ok')], latencyUs: latency };
    case 2:
      return {
        kind: 'exchange',
        t,
        leg: 'client',
        command: cmd('DATA', ''),
        replies: [reply('354', null, 'End data with <CR><LF>.<CR><LF>', 'intermediate'), reply('250', '2.0.0', `Ok: queued as seeded${i}`)],
        latencyUs: latency,
        payload: { kind: 'data', direction: 'c2s', offset: i * 400, length: 380 },
      };
    case 3:
      return { kind: 'exchange', t, leg: 'client', command: cmd('NOOP', ''), replies: [reply('250', '2.0.0', 'Ok')], latencyUs: latency };
    case 4:
      return { kind: 'exchange', t, leg: 'client', command: cmd('VRFY', `user${i}`), replies: [reply('252', '2.5.2', 'Cannot VRFY user')], latencyUs: latency };
    default:
      return i % 12 === 5
        ? { kind: 'exchange', t, leg: 'client', command: cmd('XFOO', 'bar'), replies: [reply('500', '5.5.2', 'Command unrecognized', 'permanent')], latencyUs: latency }
        : { kind: 'exchange', t, leg: 'client', command: cmd('RSET', ''), replies: [reply('250', '2.0.0', 'Ok')], latencyUs: latency };
  }
}

export interface SeededSession {
  id: string;
  /** Timeline events written (exchanges plus markers). */
  events: number;
}

/** Records a closed SMTP session with `exchanges` exchanges (greeting and EHLO included). */
export async function seedTimeline(service: MailtapService, exchanges: number): Promise<SeededSession> {
  const start = Date.now() * 1000 - exchanges * 500;
  const summary: SessionSummary = {
    ...newSessionSummary('smtp', 'sink', { address: '127.0.0.1', port: 40000 }, { address: '127.0.0.1', port: 1025 }),
    startedAt: start,
    tls: true,
  };
  // The seeded session goes to the store but not to live subscribers: 100,000 events over the
  // WebSocket would measure the firehose, not the timeline view.
  const rec = new SessionRecorder(summary, service.sessions, { timeline: () => undefined });
  let t = start;
  let written = 0;
  const record = (batch: TimelineEventInput[]) => {
    rec.record(batch);
    written += batch.length;
  };
  record([
    { kind: 'connect', t, leg: 'client', client: summary.client, server: summary.server },
    { kind: 'exchange', t: (t += 300), leg: 'client', command: null, replies: [{ t, lines: [{ code: '220', enhanced: null, text: 'mailtap.local ESMTP mailtap' }], status: 'ok' }], latencyUs: null },
    {
      kind: 'exchange',
      t: (t += 400),
      leg: 'client',
      command: { verb: 'EHLO', args: 'seed.example', line: 'EHLO seed.example' },
      replies: [{ t: t + 90, lines: ['mailtap.local', 'PIPELINING', 'SIZE 52428800', 'STARTTLS', '8BITMIME'].map((text) => ({ code: '250', enhanced: null, text })), status: 'ok' }],
      latencyUs: 90,
    },
    { kind: 'tls', t: (t += 200), info: { leg: 'client', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', sni: 'mailtap.local', alpn: null, certificateSubject: 'mailtap.local' } },
    { kind: 'auth', t: (t += 200), leg: 'client', mechanism: 'PLAIN', user: 'seeder', secretMasked: 's*****t', ok: true },
  ]);
  let batch: TimelineEventInput[] = [];
  for (let i = 2; i < exchanges; i++) {
    t += 400 + (i % 50);
    batch.push(exchange(i, t));
    if (i % 20_000 === 0) batch.push({ kind: 'warning', t, code: 'bare-lf', text: 'Bare LF in DATA (RFC 5321 §2.3.8): the client sent LF without CR' });
    if (batch.length >= BATCH) {
      record(batch);
      batch = [];
    }
  }
  record(batch);
  await rec.end('client', 'client');
  written += 1;
  return { id: summary.id, events: written };
}
