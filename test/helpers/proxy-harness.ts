// What the proxy integration tests share: corpus messages and their hashes, listeners made through the API, the closed session
// of a listener with its timeline, the wire log of each leg, and trust set up so the proxy
// verifies its upstreams (mailtap's own CA for the sink, a test CA for Dovecot and friends).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { SessionDetail } from '../../shared/api.js';
import type { ExchangeEvent, Page, ProxyListenerState, Protocol, SessionSummary, TimelineEvent, WireChunk } from '../../shared/types.js';
import { makeCa, makeLeaf, type KeyAndCert } from '../../main/core/tls/certs.js';
import { waitFor, type TestMailtap } from './mailtap.js';

export async function createProxy(mt: TestMailtap, protocol: Protocol, body: Record<string, unknown>): Promise<ProxyListenerState> {
  const r = await mt.request('POST', '/api/listeners', { protocol, upstreamHost: '127.0.0.1', ...body });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const st = r.json as ProxyListenerState;
  assert.ok(st.running && st.boundPort, st.error ?? 'not running');
  return st;
}

export async function sessionsOf(mt: TestMailtap, port: number): Promise<SessionSummary[]> {
  const page = await mt.get<Page<SessionSummary>>('/api/sessions?role=proxy&limit=500');
  return page.items.filter((s) => s.server.port === port);
}

/** The closed proxy session of this listener, with its whole timeline. */
export async function closedSession(mt: TestMailtap, port: number): Promise<{ session: SessionSummary; events: TimelineEvent[] }> {
  return waitFor(async () => {
    const s = (await sessionsOf(mt, port))[0];
    if (!s || s.endedAt === null) return undefined;
    const d = await mt.get<SessionDetail>(`/api/sessions/${s.id}?limit=5000`);
    return { session: d.session, events: d.events.items };
  }, 10_000, 'proxy session close');
}

/** The bytes of one leg and direction of a session's wire log, in order. */
export async function wireOf(mt: TestMailtap, sessionId: string): Promise<(leg: 'client' | 'upstream', dir: 'c2s' | 's2c') => Buffer> {
  const wire = await mt.get<Page<WireChunk>>(`/api/sessions/${sessionId}/wire?limit=100000`);
  return (leg, dir) => Buffer.concat(wire.items.filter((c) => c.leg === leg && c.direction === dir).map((c) => Buffer.from(c.data, 'base64')));
}

/** "VERB CODE" of each exchange of a leg, in order ("- OK" for a greeting). */
export const exchanges = (ev: TimelineEvent[], leg: 'client' | 'upstream'): string[] =>
  ev.filter((e): e is ExchangeEvent => e.kind === 'exchange' && e.leg === leg).map((e) => `${e.command?.verb ?? '-'} ${e.replies.at(-1)?.lines.at(-1)?.code}`);

/** A port nothing listens on. */
export async function deadPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * A test CA and a leaf from it for localhost and 127.0.0.1 (for Dovecot); the proxy is told
 * to trust that CA and mailtap's own (for its sink) through `tls.upstreamCaFile`. Returns the
 * leaf and the path of mailtap's CA, the anchor a client of the proxy trusts.
 */
export async function trustUpstreams(mt: TestMailtap, dir: string): Promise<{ leaf: KeyAndCert; mailtapCa: string }> {
  const ca = await makeCa('mailtap test upstream CA', 1);
  const leaf = await makeLeaf(ca, ['localhost', '127.0.0.1']);
  const r = await mt.getRaw('/api/ca/export?format=pem');
  assert.equal(r.status, 200);
  const mailtapCa = `${dir}/mailtap-ca.pem`;
  writeFileSync(mailtapCa, r.body);
  writeFileSync(`${dir}/upstream-cas.pem`, `${r.body.toString()}\n${ca.cert}`);
  const s = await mt.request('PATCH', '/api/settings', { tls: { upstreamCaFile: `${dir}/upstream-cas.pem` } });
  assert.equal(s.status, 200);
  return { leaf, mailtapCa };
}

/** A corpus message (test/fixtures/corpus/). */
export const corpus = (f: string): Buffer => readFileSync(new URL(`../fixtures/corpus/${f}`, import.meta.url));
export const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
/** Dovecot hands out stored mail with CRLF line endings (RFC 1939 §3, RFC 3501 §2.3.1). */
export const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
