// What the POP3 integration tests share: putting mail into the sink through SMTP (so POP3 has
// something real to serve), and reading back through the HTTP API what the store holds and
// what the session timeline and wire log recorded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { SessionDetail } from '../../shared/api.js';
import type { ExchangeEvent, MessageSummary, Page, SessionSummary, TimelineEvent, WireChunk } from '../../shared/types.js';
import { waitFor, type TestMailtap } from './mailtap.js';
import { RawSmtp } from './smtp-client.js';

export const corpus = (name: string): Buffer => readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url));

/** Every message whose envelope names this recipient, oldest first (POP3's numbering). */
export async function mailFor(mt: TestMailtap, rcpt: string): Promise<MessageSummary[]> {
  const page = await mt.get<Page<MessageSummary>>(`/api/messages?to=${encodeURIComponent(rcpt)}&limit=500`);
  return page.items.filter((m) => m.envelope.rcptTo.some((r) => r.toLowerCase() === rcpt.toLowerCase())).reverse();
}

export async function raw(mt: TestMailtap, id: string): Promise<Buffer> {
  const r = await mt.getRaw(`/api/messages/${id}/raw`);
  assert.equal(r.status, 200, `raw of ${id}`);
  return r.body;
}

/** Send exact bytes through the SMTP sink with nodemailer, and check they were stored as sent. */
export async function sendRaw(mt: TestMailtap, rcpt: string, body: Buffer): Promise<MessageSummary> {
  const before = (await mailFor(mt, rcpt)).length;
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: mt.smtpPort, secure: false, ignoreTLS: true });
  try {
    await t.sendMail({ envelope: { from: 'sender@example.test', to: [rcpt] }, raw: body });
  } finally {
    t.close();
  }
  const all = await waitFor(async () => {
    const m = await mailFor(mt, rcpt);
    return m.length > before ? m : undefined;
  }, 5000, `mail for ${rcpt}`);
  const m = all.at(-1)!;
  assert.deepEqual(await raw(mt, m.id), body, 'the sink stored the bytes as sent');
  return m;
}

/** A message that does not end in CRLF: only BDAT (RFC 3030) can carry one. */
export async function sendBdat(mt: TestMailtap, rcpt: string, body: Buffer): Promise<MessageSummary> {
  const c = await RawSmtp.open(mt.smtpPort);
  try {
    assert.match(await c.reply(), /^220/);
    c.write(`EHLO raw.test\r\nMAIL FROM:<raw@example.test>\r\nRCPT TO:<${rcpt}>\r\nBDAT ${body.length} LAST\r\n`);
    c.write(body);
    for (const code of ['250', '250', '250', '250']) assert.ok((await c.reply()).startsWith(code));
  } finally {
    c.close();
  }
  const m = (await mailFor(mt, rcpt)).at(-1)!;
  assert.deepEqual(await raw(mt, m.id), body);
  return m;
}

/** Ids of the POP3 sessions so far. */
export async function pop3Sessions(mt: TestMailtap): Promise<Set<string>> {
  const page = await mt.get<Page<SessionSummary>>('/api/sessions?protocol=pop3&limit=500');
  return new Set(page.items.map((s) => s.id));
}

/** The POP3 sessions opened since `before`, each closed, with its timeline; oldest first. */
export async function newSessions(mt: TestMailtap, before: Set<string>, count = 1): Promise<SessionDetail[]> {
  return waitFor(async () => {
    const page = await mt.get<Page<SessionSummary>>('/api/sessions?protocol=pop3&limit=500');
    const fresh = page.items.filter((s) => !before.has(s.id)).reverse();
    if (fresh.length < count) return undefined;
    const details = await Promise.all(fresh.map((s) => mt.get<SessionDetail>(`/api/sessions/${s.id}?limit=5000`)));
    return details.every((d) => d.session.endedAt !== null && d.events.items.at(-1)?.kind === 'close') ? details : undefined;
  }, 10_000, 'POP3 session close');
}

export const exchanges = (events: TimelineEvent[]): ExchangeEvent[] => events.filter((e): e is ExchangeEvent => e.kind === 'exchange');

/** "VERB status" per exchange, e.g. "RETR +OK"; the greeting is "- +OK". */
export const verbs = (events: TimelineEvent[]): string[] =>
  exchanges(events).map((e) => `${e.command?.verb ?? '-'} ${e.replies.at(-1)?.lines[0]?.code}`);

/** Everything the server sent in a session, from its wire log (plaintext inside TLS). */
export async function serverBytes(mt: TestMailtap, sessionId: string): Promise<Buffer> {
  const page = await mt.get<Page<WireChunk>>(`/api/sessions/${sessionId}/wire?limit=10000`);
  assert.equal(page.items.length, page.total, 'one page holds the whole wire log');
  return Buffer.concat(page.items.filter((c) => c.direction === 's2c' && c.leg === 'client').map((c) => Buffer.from(c.data, 'base64')));
}

/** The multi-line body an exchange's payload reference points at, as it went on the wire. */
export async function payloadOf(mt: TestMailtap, sessionId: string, e: ExchangeEvent): Promise<Buffer> {
  assert.ok(e.payload, `${e.command?.verb} has a payload reference`);
  assert.equal(e.payload.kind, 'multiline');
  assert.equal(e.payload.direction, 's2c');
  const wire = await serverBytes(mt, sessionId);
  return wire.subarray(e.payload.offset, e.payload.offset + e.payload.length);
}
