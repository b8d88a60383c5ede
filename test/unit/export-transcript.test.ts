// The transcript's line cutting and escaping, the proxy's four prefixes, and the key log's
// filtering, on small sessions built here (the real captures are in the integration tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionSummary, TimelineEvent } from '../../shared/types.js';
import { escapeLine, sessionTranscript, tlsLine } from '../../main/core/export/transcript.js';
import { sessionKeyLog } from '../../main/core/export/keylog.js';
import type { SessionSource } from '../../main/core/replay/source.js';
import type { WireRecord } from '../../main/core/store/session-records.js';
import { newSessionSummary } from '../../main/core/store/session-summary.js';

const summary = (role: SessionSummary['role']): SessionSummary => ({
  ...newSessionSummary('smtp', role, { address: '127.0.0.1', port: 40000 }, { address: '::1', port: 1025 }),
  id: '0abcdefghijklmno',
  startedAt: 1_700_000_000_000_000,
  endedAt: 1_700_000_001_000_000,
  tls: true,
});
const w = (t: number, direction: 'c2s' | 's2c', text: string | Buffer, leg: 'client' | 'upstream' = 'client', tls = false): WireRecord => ({ t, direction, leg, tls, bytes: Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1') });

test('escapeLine keeps printable text and UTF-8, and escapes the rest unambiguously', () => {
  assert.equal(escapeLine(Buffer.from('MAIL FROM:<a@b>\tx')), 'MAIL FROM:<a@b>\tx');
  assert.equal(escapeLine(Buffer.from('Grüße 日本')), 'Grüße 日本');
  assert.equal(escapeLine(Buffer.from('(\\Seen \\Answered)')), '(\\Seen \\Answered)', 'IMAP flags read as sent');
  assert.equal(escapeLine(Buffer.from('a\\n b\\x41 c\\\\ d\\')), 'a\\\\n b\\\\x41 c\\\\\\ d\\\\', 'a backslash that looks like an escape is doubled');
  assert.equal(escapeLine(Buffer.from([0x61, 0x0d, 0x62, 0x00, 0x7f, 0x1b])), 'a\\rb\\x00\\x7f\\x1b');
  assert.equal(escapeLine(Buffer.from([0xff, 0xc3, 0x28, 0xc2, 0x85, 0xed, 0xa0, 0x80])), '\\xff\\xc3(\\xc2\\x85\\xed\\xa0\\x80', 'invalid UTF-8, C1 controls and surrogates');
});

test('tlsLine names version, cipher and SNI', () => {
  assert.equal(tlsLine({ leg: 'client', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', sni: 'localhost', alpn: null, certificateSubject: null }), 'TLS 1.3 TLS_AES_256_GCM_SHA384 sni=localhost');
});

test('a transcript: C:/S: lines cut at LF across chunks, bare LF and unfinished lines marked, events as comments', () => {
  const events: TimelineEvent[] = [
    { seq: 0, t: 10, kind: 'connect', leg: 'client', client: { address: '127.0.0.1', port: 40000 }, server: { address: '::1', port: 1025 } },
    { seq: 1, t: 40, kind: 'tls', info: { leg: 'client', version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', sni: null, alpn: null, certificateSubject: null } },
    { seq: 2, t: 60, kind: 'warning', code: 'bare-lf', text: 'bare LF\nin DATA' },
    { seq: 3, t: 90, kind: 'close', leg: 'client', by: 'client' },
  ];
  const wire = [w(20, 's2c', '220 hi\r\n'), w(30, 'c2s', 'START'), w(31, 'c2s', 'TLS\r\n'), w(32, 's2c', '220 go\r\n'), w(50, 'c2s', 'DATA\r\nline\nend', 'client', true)];
  const text = sessionTranscript({ summary: summary('sink'), wire, events }).toString('utf8');
  assert.equal(
    text,
    [
      '# mailtap transcript: smtp sink session 0abcdefghijklmno',
      '# started 2023-11-14T22:13:20.000Z, client 127.0.0.1:40000, server [::1]:1025',
      '# connected 127.0.0.1:40000 -> [::1]:1025',
      'S: 220 hi',
      'C: STARTTLS',
      'S: 220 go',
      '# TLS 1.3 TLS_AES_128_GCM_SHA256 sni=-',
      'C: DATA',
      'C: line\\n',
      'C: end',
      '# (the line above has no line ending)',
      '# warning bare-lf: bare LF in DATA',
      '# closed by client',
      '',
    ].join('\n'),
  );
});

test('a proxy transcript tells the four directions apart', () => {
  const s = { ...summary('proxy'), upstream: { address: '127.0.0.1', port: 25 } };
  const src: SessionSource = { summary: s, events: [], wire: [w(1, 'c2s', 'EHLO a\r\n'), w(2, 'c2s', 'EHLO a\r\n', 'upstream'), w(3, 's2c', '250 ok\r\n', 'upstream'), w(4, 's2c', '250 ok\r\n')] };
  const lines = sessionTranscript(src).toString().split('\n');
  assert.ok(lines.includes('# C->P client to proxy, P->C proxy to client, P->S proxy to upstream, S->P upstream to proxy'));
  assert.deepEqual(lines.filter((l) => !l.startsWith('#') && l), ['C->P: EHLO a', 'P->S: EHLO a', 'S->P: 250 ok', 'P->C: 250 ok']);
});

test('the key log keeps NSS key log lines only, marked by leg', () => {
  const hex = (n: number): string => 'ab'.repeat(n);
  const keys = sessionKeyLog(summary('proxy'), [
    { t: 1, leg: 'client', line: Buffer.from(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${hex(32)} ${hex(48)}\n`) },
    { t: 2, leg: 'client', line: Buffer.from('garbage that is not key material\n') },
    { t: 3, leg: 'upstream', line: Buffer.from(`CLIENT_RANDOM ${hex(32)} ${hex(48)}\n`) },
  ]).toString();
  assert.equal(keys, `# SSLKEYLOGFILE of mailtap smtp proxy session 0abcdefghijklmno\n# client leg\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${hex(32)} ${hex(48)}\n# upstream leg\nCLIENT_RANDOM ${hex(32)} ${hex(48)}\n`);
});
