// Reading stops when writing cannot keep up, and no turn of the event loop reads without bound
// (main/core/net/read-gate.ts). Real sockets on 127.0.0.1: the gate alone, the SMTP sink with a
// client that pipelines without reading, and the POP3 proxy between a fast upstream and a
// client that does not read for a while.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { READ_HIGH_WATER, ReadGate, TURN_BUDGET } from '../../main/core/net/read-gate.js';
import type { Page, SessionSummary } from '../../shared/types.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { closedSession, createProxy, wireOf } from '../helpers/proxy-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

function openTls(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // mailtap's leaf, from its own CA; what is tested here is the flow, not the trust.
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Read from `s` until `done` says so, given each chunk and the total so far; bounded in time.
 * Concatenates once, at the end (40 MB arrive in hundreds of chunks).
 */
function readUntil(s: Socket, done: (chunk: Buffer, size: number) => boolean, ms = 20_000): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${size} bytes, then nothing for ${ms} ms`)), ms);
    const onData = (b: Buffer): void => {
      parts.push(b);
      size += b.length;
      if (!done(b, size)) return;
      clearTimeout(timer);
      s.removeListener('data', onData);
      resolve(Buffer.concat(parts));
    };
    s.on('data', onData);
    s.resume();
  });
}

const atLeast = (n: number) => (_: Buffer, size: number): boolean => size >= n;

/** Done when `count` lines starting with `prefix` were seen, across chunk boundaries. */
function lines(prefix: string, count: number): (chunk: Buffer) => boolean {
  let seen = 0;
  let tail = '\n';
  const needle = '\n' + prefix;
  return (chunk) => {
    const text = tail + chunk.toString('latin1');
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) seen++;
    tail = text.slice(-needle.length + 1);
    return seen >= count;
  };
}

describe('the read gate, with real sockets', () => {
  test('a peer that writes without reading is not read: what waits for it stays bounded, and nothing is lost', async () => {
    // An amplifier: each chunk read is answered with ten times its size.
    let maxQueued = 0;
    let received = 0;
    const server = createServer((s) => {
      const gate = new ReadGate(s);
      s.on('data', (b: Buffer) => {
        received += b.length;
        s.write(Buffer.alloc(b.length * 10, 0x61));
        maxQueued = Math.max(maxQueued, s.writableLength);
        gate.handled(b.length, [s]);
      });
    });
    const port = await listen(server);
    const c = await open(port);
    try {
      c.pause();
      const sent = 4 * 1024 * 1024;
      c.write(Buffer.alloc(sent, 0x62));
      await sleep(800);
      // Without the gate the server would have read all 4 MB and queued 40 MB for the client.
      assert.ok(received < sent, `the server stopped reading (${received} of ${sent} bytes read)`);
      assert.ok(maxQueued < READ_HIGH_WATER + 10 * 65536 + 1, `queued at most ${maxQueued} bytes`);
      const all = await readUntil(c, atLeast(sent * 10));
      assert.equal(all.length, sent * 10);
      assert.equal(received, sent);
    } finally {
      c.destroy();
      server.close();
    }
  });

  test('one event-loop turn reads at most the turn budget, plus one chunk per socket', async () => {
    let turn = 0;
    let inTurn = 0;
    let maxInTurn = 0;
    let ticking = true;
    const tick = (): void => {
      turn++;
      inTurn = 0;
      if (ticking) setImmediate(tick);
    };
    const sockets = 4;
    const each = 6 * 1024 * 1024;
    let received = 0;
    let lastTurn = -1;
    const server = createServer((s) => {
      const gate = new ReadGate(s);
      s.on('data', (b: Buffer) => {
        if (turn !== lastTurn) (lastTurn = turn), (inTurn = 0);
        inTurn += b.length;
        maxInTurn = Math.max(maxInTurn, inTurn);
        received += b.length;
        gate.handled(b.length, []);
      });
    });
    const port = await listen(server);
    const clients = await Promise.all(Array.from({ length: sockets }, () => open(port)));
    after(() => {
      ticking = false;
      for (const c of clients) c.destroy();
      server.close();
    });
    // Let the kernel buffers fill while the server is busy, so that its next turns find a lot to read.
    for (const c of clients) c.write(Buffer.alloc(each, 0x63));
    const until = Date.now() + 300;
    while (Date.now() < until) {
      /* the server is busy */
    }
    setImmediate(tick);
    await waitFor(() => received === sockets * each, 20_000, 'every byte read');
    ticking = false;
    assert.ok(maxInTurn <= TURN_BUDGET + sockets * 65536, `at most ${maxInTurn} bytes in one turn`);
  });
});

describe('backpressure in the socket adapters', () => {
  let mt: TestMailtap;
  before(async () => {
    mt = await startTestMailtap();
  });
  after(async () => {
    await mt.close();
  });

  /** The live session of the client on `port`. */
  async function sessionOf(port: number): Promise<SessionSummary> {
    const page = await mt.get<Page<SessionSummary>>('/api/sessions?limit=20');
    const s = page.items.find((x) => x.client.port === port);
    assert.ok(s, 'the live session is listed');
    return s;
  }
  /** What the sink has read from the client on `port` so far. */
  const bytesReadFrom = async (port: number): Promise<number> => (await sessionOf(port)).bytesIn;
  /** What the sink has written towards the client on `port` so far (handed to its socket). */
  const bytesSentTo = async (port: number): Promise<number> => (await sessionOf(port)).bytesOut;

  test('SMTP sink: a client that pipelines EHLOs without reading is not read until it reads, then gets every reply in order', async () => {
    const c = await open(mt.smtpPort);
    try {
      c.pause();
      const n = 60_000;
      const burst = Buffer.from('EHLO flood.example.test\r\n'.repeat(n));
      c.write(burst);
      await sleep(1000);
      const early = await bytesReadFrom(c.localPort!);
      await sleep(1000);
      // The replies (about 15 MB) are more than the kernel's buffers and the sink's 1 MB hold:
      // the sink stopped reading, and stays stopped while the client does not read.
      assert.ok(early < burst.length, `the sink stopped reading (${early} of ${burst.length} bytes read)`);
      assert.equal(await bytesReadFrom(c.localPort!), early);
      const text = (await readUntil(c, lines('250 ', n), 60_000)).toString('latin1');
      assert.match(text, /^220 /);
      const replies = text.slice(text.indexOf('\r\n') + 2);
      const first = replies.slice(0, replies.indexOf('\r\n', replies.search(/^250 /m)) + 2);
      assert.equal(replies, first.repeat(n), 'every reply whole and in order');
      assert.equal(await bytesReadFrom(c.localPort!), burst.length);
    } finally {
      c.destroy();
    }
  });

  test('IMAP sink: FETCH 1:* BODY[] to a client that does not read is read from the store batch by batch, as the client takes it', async () => {
    const n = 60;
    const size = 1024 * 1024;
    const line = 'y'.repeat(1022) + '\r\n';
    const mbox = Buffer.concat(
      Array.from({ length: n }, (_, i) => Buffer.from(`From flood@example.test Mon Jan  1 00:00:00 2024\nFrom: flood@example.test\r\nTo: reader@example.test\r\nSubject: big ${i}\r\n\r\n${line.repeat(size / line.length)}\n`)),
    );
    const r = await fetch(`${mt.baseUrl}/api/messages/import?format=mbox`, { method: 'POST', headers: { 'content-type': 'application/mbox' }, body: new Uint8Array(mbox) });
    assert.equal(r.status, 200, await r.text());
    const c = await open(mt.imapPort);
    try {
      await readUntil(c, (b) => b.includes('\r\n'));
      c.write('a LOGIN reader@example.test x\r\n');
      await readUntil(c, (b) => b.includes('a OK'));
      c.write('b SELECT INBOX\r\n');
      const selected = (await readUntil(c, (b) => b.includes('b OK'))).toString('latin1');
      const exists = Number(/\* (\d+) EXISTS/.exec(selected)?.[1]);
      assert.ok(exists >= n, selected);
      c.pause();
      c.write('c FETCH 1:* BODY.PEEK[]\r\n');
      await sleep(1000);
      const early = await bytesSentTo(c.localPort!);
      await sleep(1000);
      // About 60 MB to send; what was written out stops at the kernel's buffers, the 1 MB mark
      // and one batch of 4 messages, until the client reads.
      assert.ok(early < (n * size) / 2, `the sink stopped reading messages (${early} bytes written)`);
      assert.equal(await bytesSentTo(c.localPort!), early);
      const got = await readUntil(c, lines('c OK', 1), 60_000);
      assert.equal((got.toString('latin1').match(/^\* \d+ FETCH \(BODY\[\] \{\d+\}\r$/gm) ?? []).length, exists);
    } finally {
      c.destroy();
    }
  });

  test('SMTP proxy: what a client sends after DATA, before the 354, is held back at the socket, not in memory; then all of it goes', async () => {
    // RFC 2920 §3.1 makes DATA the last command of a group, but a client that streams its
    // message at once still gets it delivered by a real server once the 354 is out. The proxy
    // keeps those bytes until the 354 decides what they are; past 1 MB it stops reading them.
    const message = Buffer.from(Array.from({ length: 40 * 1024 * 16 }, (_, i) => `line ${i} `.padEnd(62, 'y') + '\r\n').join(''));
    const got: Buffer[] = [];
    let upstream: Socket | null = null;
    let release: () => void = () => undefined;
    const go354 = new Promise<void>((r) => (release = r));
    const fake = createServer((s) => {
      upstream = s;
      s.write('220 fake ESMTP\r\n');
      let inData = false;
      let tail = '';
      s.on('data', (b: Buffer) => {
        got.push(b);
        if (inData) {
          tail = (tail + b.toString('latin1')).slice(-5);
          if (tail === '\r\n.\r\n') (s.write('250 2.0.0 queued\r\n'), (inData = false));
          return;
        }
        for (const line of b.toString('latin1').split('\r\n').filter(Boolean)) {
          if (/^DATA/i.test(line)) void go354.then(() => ((inData = true), s.write('354 go\r\n')));
          else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
          else if (/^EHLO/i.test(line)) s.write('250-fake\r\n250 PIPELINING\r\n');
          else s.write('250 ok\r\n');
        }
      });
      s.on('error', () => undefined);
    });
    const fakePort = await listen(fake);
    let c: Socket | null = null;
    try {
      const st = await createProxy(mt, 'smtp', { clientTls: 'none', upstreamTls: 'none', upstreamPort: fakePort, name: 'smtp-held-data' });
      c = await open(st.boundPort!);
      await readUntil(c, (b) => b.includes('220 '));
      const commands = 'EHLO client\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n';
      c.write(commands);
      c.write(message);
      c.write('.\r\n');
      // What the proxy has read of the client, from its live session's counter.
      const readSoFar = async (): Promise<number> => (await mt.get<Page<SessionSummary>>('/api/sessions?role=proxy&limit=500')).items.find((x) => x.server.port === st.boundPort && x.endedAt === null)?.bytesIn ?? -1;
      await sleep(1000);
      const early = await readSoFar();
      await sleep(1000);
      // The proxy read about its 1 MB mark of the 40 MB and then stopped; none of it went upstream.
      assert.ok(early > 0 && early < 3 * 1024 * 1024, `read ${early} bytes`);
      assert.equal(await readSoFar(), early, 'not read while held');
      assert.equal(Buffer.concat(got).toString('latin1'), commands, 'only the commands went upstream');
      release();
      const reply = await readUntil(c, (b) => b.includes('250 2.0.0 queued'), 60_000);
      assert.match(reply.toString('latin1'), /354 go\r\n250 2\.0\.0 queued\r\n$/);
      const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
      assert.equal(digest(Buffer.concat(got)), digest(Buffer.concat([Buffer.from(commands), message, Buffer.from('.\r\n')])), 'every byte, in order');
    } finally {
      c?.destroy();
      (upstream as Socket | null)?.destroy();
      fake.close();
    }
  });

  for (const clientTls of ['none', 'implicit'] as const) test(`POP3 proxy (client TLS ${clientTls}): a client that does not read holds the upstream back, and then gets every byte`, async () => {
    const body = Buffer.from(Array.from({ length: 40 * 1024 * 16 }, (_, i) => `line ${i} `.padEnd(62, 'x') + '\r\n').join(''));
    const reply = Buffer.concat([Buffer.from('+OK message follows\r\n'), body, Buffer.from('.\r\n')]);
    const up: { s: Socket | null } = { s: null };
    const fake = createServer((s) => {
      up.s = s;
      s.write('+OK fake POP3 ready\r\n');
      s.on('data', (b: Buffer) => {
        for (const line of b.toString('latin1').split('\r\n').filter(Boolean)) {
          if (/^RETR /i.test(line)) s.write(reply);
          else if (/^QUIT/i.test(line)) s.end('+OK bye\r\n');
          else if (/^CAPA/i.test(line)) s.write('+OK\r\nUSER\r\n.\r\n');
          else s.write('+OK\r\n');
        }
      });
      s.on('error', () => undefined);
    });
    const fakePort = await listen(fake);
    let c: Socket | null = null;
    try {
      const st = await createProxy(mt, 'pop3', { clientTls, upstreamTls: 'none', upstreamPort: fakePort, name: `p-backpressure-${clientTls}` });
      // Through TLS too: the gate pauses the TLS socket, which stops reading the TCP one under it.
      c = clientTls === 'none' ? await open(st.boundPort!) : await openTls(st.boundPort!);
      await readUntil(c, (b) => b.includes('\r\n'));
      c.pause();
      c.write('RETR 1\r\n');
      await waitFor(() => up.s !== null && up.s.writableLength > 0, 5000, 'the upstream is writing');
      await sleep(1000);
      const early = up.s!.writableLength;
      await sleep(1000);
      // 40 MB is more than the kernel's buffers on both legs and the proxy's own 1 MB hold:
      // the proxy stopped reading the upstream, and stays stopped while the client does not read.
      assert.ok(early > 0, 'the upstream is held back');
      assert.equal(up.s!.writableLength, early);
      const got = await readUntil(c, atLeast(reply.length), 60_000);
      const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
      assert.equal(got.length, reply.length);
      assert.equal(digest(got), digest(reply));
      // The wire log holds both legs byte for byte (the client leg's copy of the 40 MB is
      // written as mirrors of the upstream leg's chunks, and reads back whole).
      c.end('QUIT\r\n');
      const { session } = await closedSession(mt, st.boundPort!);
      const wire = await wireOf(mt, session.id);
      assert.equal(digest(wire('upstream', 's2c')), digest(Buffer.concat([Buffer.from('+OK fake POP3 ready\r\n'), reply, Buffer.from('+OK bye\r\n')])));
      assert.equal(digest(wire('client', 's2c')), digest(wire('upstream', 's2c')));
      assert.equal(wire('upstream', 'c2s').toString(), 'RETR 1\r\nQUIT\r\n');
    } finally {
      c?.destroy();
      up.s?.destroy();
      fake.close();
    }
  });
});
