// The SMTP relay codec with no sockets: tables of events in and commands out, one byte at a
// time, and fuzzed chunking (fast-check). Side 'client' is the client, 'server' the upstream.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SmtpProxy, type SmtpProxyConfig } from '../../main/core/protocols/smtp/proxy.js';
import { rewriteEhlo } from '../../main/core/protocols/smtp/proxy-ehlo.js';
import type { CodecCommand, CodecEvent, Side } from '../../main/core/protocols/types.js';
import { tlsInfo } from '../helpers/playbook.js';

class Drive {
  readonly codec: SmtpProxy;
  readonly log: CodecCommand[] = [];
  constructor(cfg: Partial<SmtpProxyConfig> = {}) {
    this.codec = new SmtpProxy({ clientTls: 'none', upstreamTls: 'none', hostname: 'proxy.test', ...cfg });
    this.log.push(...this.codec.start());
  }
  ev(e: CodecEvent): this {
    this.log.push(...this.codec.handle(e));
    return this;
  }
  from(side: Side, text: string, bytewise = false): this {
    const b = Buffer.from(text, 'latin1');
    if (!bytewise) return this.ev({ type: 'data', side, bytes: b });
    for (const x of b) this.ev({ type: 'data', side, bytes: Buffer.from([x]) });
    return this;
  }
  sent(side: Side): string {
    return Buffer.concat(this.log.filter((c): c is Extract<CodecCommand, { type: 'send' }> => c.type === 'send' && c.side === side).map((c) => Buffer.from(c.bytes))).toString('latin1');
  }
  kinds(type: CodecCommand['type']): CodecCommand[] {
    return this.log.filter((c) => c.type === type);
  }
}

const EHLO_REPLY = '250-upstream.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n';

describe('SMTP relay codec', () => {
  test('asks for the upstream first, and holds client bytes until it is connected', () => {
    const d = new Drive();
    assert.deepEqual(d.log, [{ type: 'open-upstream' }]);
    d.from('client', 'EHLO early\r\n');
    assert.equal(d.sent('server'), '');
    d.ev({ type: 'connected', side: 'server' });
    assert.equal(d.sent('server'), 'EHLO early\r\n');
  });

  for (const bytewise of [false, true]) {
    test(`plain both legs${bytewise ? ', one byte at a time' : ''}: byte-exact both ways, STARTTLS hidden, message captured`, () => {
      const d = new Drive().ev({ type: 'connected', side: 'server' });
      d.from('server', '220 upstream.test ESMTP\r\n', bytewise);
      d.from('client', 'EHLO c.test\r\n', bytewise);
      d.from('server', EHLO_REPLY, bytewise);
      d.from('client', 'MAIL FROM:<a@x.test> BODY=8BITMIME\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n', bytewise);
      d.from('server', '250 ok\r\n250 ok\r\n550 no such user\r\n354 go\r\n', bytewise);
      d.from('client', 'Subject: s\r\n\r\n..dot\r\n.\r\nQUIT\r\n', bytewise);
      d.from('server', '250 2.0.0 queued\r\n221 bye\r\n', bytewise);
      assert.equal(d.sent('server'), 'EHLO c.test\r\nMAIL FROM:<a@x.test> BODY=8BITMIME\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\nSubject: s\r\n\r\n..dot\r\n.\r\nQUIT\r\n');
      assert.equal(d.sent('client'), '220 upstream.test ESMTP\r\n250-upstream.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n250 ok\r\n250 ok\r\n550 no such user\r\n354 go\r\n250 2.0.0 queued\r\n221 bye\r\n');
      const [del] = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
      assert.ok(del);
      assert.equal(Buffer.concat(del.chunks.map((c) => Buffer.from(c))).toString(), 'Subject: s\r\n\r\n.dot\r\n');
      assert.deepEqual(del.envelope.rcptTo, ['b@x.test'], 'only accepted recipients');
      assert.equal(del.envelope.mailFrom, 'a@x.test');
      assert.equal(del.envelope.params.BODY, '8BITMIME');
    });
  }

  test('client STARTTLS is answered by the proxy; the EHLO reply offers STARTTLS only before TLS', () => {
    const d = new Drive({ clientTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO c\r\n').from('server', '250-up\r\n250 SIZE 100\r\n');
    assert.match(d.sent('client'), /250-SIZE 100\r\n250 STARTTLS\r\n$/);
    d.from('client', 'STARTTLS\r\n');
    assert.match(d.sent('client'), /220 2\.0\.0 Ready to start TLS\r\n$/);
    assert.deepEqual(d.kinds('start-tls'), [{ type: 'start-tls', side: 'client', role: 'server' }]);
    assert.doesNotMatch(d.sent('server'), /STARTTLS/, 'never forwarded');
    d.ev({ type: 'tls-ready', side: 'client', info: tlsInfo }).from('client', 'EHLO c\r\n').from('server', EHLO_REPLY);
    assert.match(d.sent('client'), /TLS\r\n250-upstream\.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n$/);
  });

  test('upstream STARTTLS: EHLO, STARTTLS, 220, handshake, then the client EHLO again (RFC 3207 §4.2)', () => {
    const d = new Drive({ upstreamTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO legacy\r\n').from('server', EHLO_REPLY);
    assert.equal(d.sent('server'), 'EHLO legacy\r\nSTARTTLS\r\n');
    assert.equal(d.sent('client'), '220 up\r\n', 'the plaintext EHLO reply is not passed on');
    d.from('client', 'MAIL FROM:<a@x>\r\n');
    d.from('server', '220 go ahead\r\n');
    assert.deepEqual(d.kinds('start-tls'), [{ type: 'start-tls', side: 'server', role: 'client' }]);
    d.ev({ type: 'tls-ready', side: 'server', info: { ...tlsInfo, leg: 'upstream' } });
    assert.equal(d.sent('server'), 'EHLO legacy\r\nSTARTTLS\r\nEHLO legacy\r\n');
    d.from('server', EHLO_REPLY);
    assert.equal(d.sent('client'), '220 up\r\n250-upstream.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
    assert.equal(d.sent('server'), 'EHLO legacy\r\nSTARTTLS\r\nEHLO legacy\r\nMAIL FROM:<a@x>\r\n', 'held client bytes follow in order');
  });

  test('upstream STARTTLS not offered: 421 to the client, both legs closed', () => {
    const d = new Drive({ upstreamTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO c\r\n').from('server', '250 up\r\n');
    assert.match(d.sent('client'), /421 4\.4\.1 proxy\.test the upstream does not offer STARTTLS/);
    assert.deepEqual(d.kinds('close').map((c) => (c as { side: Side }).side), ['client', 'server']);
  });

  test('upstream unreachable or TLS failure: 421', () => {
    assert.match(new Drive().ev({ type: 'connect-failed', side: 'server', error: 'ECONNREFUSED' }).sent('client'), /^421 4\.4\.1 proxy\.test upstream unavailable: ECONNREFUSED\r\n$/);
    const d = new Drive({ upstreamTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO c\r\n').from('server', EHLO_REPLY).from('server', '220 go\r\n');
    d.ev({ type: 'tls-failed', side: 'server', error: 'certificate has expired' });
    assert.match(d.sent('client'), /421 4\.4\.1 proxy\.test upstream TLS failed: certificate has expired\r\n$/);
  });

  test('STARTTLS injection on the client leg: refused, flagged, never forwarded (CVE-2011-0411)', () => {
    const d = new Drive({ clientTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO c\r\n').from('server', '250 up\r\n');
    d.from('client', 'STARTTLS\r\nRSET\r\n');
    assert.match(d.sent('client'), /554 5\.5\.1 /);
    assert.equal(d.sent('server'), 'EHLO c\r\n');
    assert.equal((d.kinds('record')[0] as { event: { code: string } }).event.code, 'starttls-injection');
    assert.equal(d.kinds('start-tls').length, 0);
  });

  test('plaintext after the 220 but before the client handshake is refused too', () => {
    const d = new Drive({ clientTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'STARTTLS\r\n').from('client', 'MAIL FROM:<x@y>\r\n');
    assert.equal((d.kinds('record')[0] as { event: { code: string } }).event.code, 'starttls-injection');
    assert.ok(d.kinds('close').length >= 1);
  });

  test('STARTTLS injection on the upstream leg (bytes after its 220) is flagged', () => {
    const d = new Drive({ upstreamTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO c\r\n').from('server', EHLO_REPLY).from('server', '220 go\r\n250 forged\r\n');
    assert.equal(d.kinds('start-tls').length, 0);
    assert.equal((d.kinds('record')[0] as { event: { leg: string } }).event.leg, 'upstream');
  });

  test('a local reply waits for the pipelined replies ahead of it (RFC 2920 §3.1)', () => {
    const d = new Drive().ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'NOOP\r\nSTARTTLS\r\n');
    assert.equal(d.sent('client'), '220 up\r\n');
    d.from('server', '250 noop ok\r\n');
    assert.equal(d.sent('client'), '220 up\r\n250 noop ok\r\n454 4.7.0 TLS not available on this listener\r\n');
  });

  test('AUTH exchanges pass through: SASL lines are not taken for commands', () => {
    const d = new Drive().ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'AUTH LOGIN\r\n').from('server', '334 VXNlcm5hbWU6\r\n').from('client', 'dXNlcg==\r\n');
    d.from('server', '334 UGFzc3dvcmQ6\r\n').from('client', 'cGFzcw==\r\n').from('server', '235 ok\r\n').from('client', 'MAIL FROM:<a@b>\r\n').from('server', '250 ok\r\n');
    assert.equal(d.sent('client'), '220 up\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n250 ok\r\n');
  });

  test('a SASL line sent before its 334 is still a SASL line; AUTH PLAIN with its response may be pipelined (RFC 4954 §4)', () => {
    // The upstream reads the early lines as answers to its challenges, so the proxy must too,
    // or every reply after them is paired with the wrong command.
    const d = new Drive().ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n');
    assert.equal(d.sent('server'), 'AUTH LOGIN\r\n', 'the answers wait for their challenges');
    d.from('server', '334 VXNlcm5hbWU6\r\n');
    assert.equal(d.sent('server'), 'AUTH LOGIN\r\ndXNlcg==\r\n');
    d.from('server', '334 UGFzc3dvcmQ6\r\n').from('server', '235 ok\r\n');
    d.from('client', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n').from('server', '250 ok\r\n250 ok\r\n354 go\r\n');
    d.from('client', 'hi\r\n.\r\n').from('server', '250 queued\r\n');
    assert.equal(d.sent('server'), 'AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nhi\r\n.\r\n');
    const [del] = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
    assert.deepEqual([del?.envelope.user, del?.envelope.mailFrom], ['user', 'a@b']);

    const p = new Drive().ev({ type: 'connected', side: 'server' });
    p.from('server', '220 up\r\n').from('client', `AUTH PLAIN ${Buffer.from('\0bob\0pw').toString('base64')}\r\nMAIL FROM:<a@b>\r\n`);
    assert.match(p.sent('server'), /MAIL FROM:<a@b>\r\n$/, 'not held: one round trip, the exception of RFC 4954 §4');
  });

  for (const next of ['MAIL FROM:<n@x>\r\n', 'RSET\r\n', 'EHLO again\r\n'])
    test(`a message whose end is pipelined with "${next.trim()}" is still caught (RFC 2920 §3.1)`, () => {
      for (const how of ['DATA', 'BDAT']) {
        const d = new Drive().ev({ type: 'connected', side: 'server' });
        d.from('server', '220 up\r\n').from('client', 'EHLO c.test\r\n').from('server', '250 up\r\n');
        if (how === 'DATA') {
          d.from('client', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n').from('server', '250 ok\r\n250 ok\r\n354 go\r\n');
          d.from('client', `one\r\n.\r\n${next}`);
        } else d.from('client', `MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT 5 LAST\r\none\r\n${next}`).from('server', '250 ok\r\n250 ok\r\n');
        d.from('server', '250 queued\r\n250 next\r\n');
        const del = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
        assert.equal(del.length, 1, how);
        assert.equal(Buffer.concat(del[0]!.chunks.map((c) => Buffer.from(c))).toString(), 'one\r\n', how);
        assert.deepEqual([del[0]!.envelope.mailFrom, del[0]!.envelope.rcptTo, del[0]!.envelope.helo], ['a@b', ['c@d'], 'c.test'], how);
      }
    });

  test('the envelope holds what the upstream accepted: a refused MAIL or EHLO changes nothing', () => {
    const d = new Drive().ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'EHLO first\r\n').from('server', '250 up\r\n');
    d.from('client', 'EHLO bad..name\r\nMAIL FROM:<good@x>\r\n').from('server', '501 bad name\r\n250 ok\r\n');
    d.from('client', 'MAIL FROM:<second@x>\r\nRCPT TO:<c@d>\r\nDATA\r\n').from('server', '503 nested MAIL\r\n250 ok\r\n354 go\r\n');
    d.from('client', 'x\r\n.\r\n').from('server', '250 queued\r\n');
    const [del] = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
    assert.deepEqual([del?.envelope.helo, del?.envelope.mailFrom, del?.envelope.rcptTo], ['first', 'good@x', ['c@d']]);
  });

  test('BDAT chunks are framed by size and captured (RFC 3030)', () => {
    const d = new Drive().ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT 5\r\nHELLOBDAT 3 LAST\r\n.\r\n');
    d.from('server', '250 ok\r\n250 ok\r\n250 5 bytes\r\n250 done\r\n');
    const [del] = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
    assert.equal(Buffer.concat(del!.chunks.map((c) => Buffer.from(c))).toString(), 'HELLO.\r\n');
  });

  test('either side closing passes on what it sent, then half-closes the other', () => {
    const d = new Drive().ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', 'QUIT\r\nPART').ev({ type: 'closed', side: 'client' });
    assert.equal(d.sent('server'), 'QUIT\r\nPART');
    assert.deepEqual(d.kinds('close'), [{ type: 'close', side: 'server' }]);
    const e = new Drive().ev({ type: 'connected', side: 'server' }).from('server', '220 up\r\n221-a\r\n').ev({ type: 'closed', side: 'server' });
    assert.equal(e.sent('client'), '220 up\r\n221-a\r\n');
    assert.deepEqual(e.kinds('close'), [{ type: 'close', side: 'client' }]);
  });

  test('fuzz: any chunking of both streams gives the same bytes on each side (fast-check)', () => {
    const client = 'EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nline\r\n..\r\n.\r\nQUIT\r\n';
    const server = ['220 up\r\n', EHLO_REPLY, '250 ok\r\n250 ok\r\n354 go\r\n', '250 queued\r\n221 bye\r\n'];
    const cuts = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(cuts, (c) => {
        const d = new Drive().ev({ type: 'connected', side: 'server' });
        const split = (s: string): string[] => {
          const out: string[] = [];
          for (let i = 0, k = 0; i < s.length; k++) out.push(s.slice(i, (i += c[k % c.length]!)));
          return out;
        };
        // Interleave: each server reply only after the client bytes that ask for it.
        const parts = [client.slice(0, 8), client.slice(8, 55), client.slice(55)];
        for (const p of split(server[0]!)) d.from('server', p);
        for (const p of split(parts[0]!)) d.from('client', p);
        for (const p of split(server[1]!)) d.from('server', p);
        for (const p of split(parts[1]!)) d.from('client', p);
        for (const p of split(server[2]!)) d.from('server', p);
        for (const p of split(parts[2]!)) d.from('client', p);
        for (const p of split(server[3]!)) d.from('server', p);
        assert.equal(d.sent('server'), client);
        assert.equal(d.sent('client'), server.join('').replace('250-STARTTLS\r\n', ''));
        assert.equal(d.kinds('deliver').length, 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('EHLO reply rewriting', () => {
  const lines = (s: string): Buffer[] => s.split(/(?<=\n)/).map((l) => Buffer.from(l));
  test('fuzz: a client that sends everything at once (AUTH answers, two messages, QUIT) against a server that answers as it reads', () => {
    const b64 = (x: string): string => Buffer.from(x).toString('base64');
    const client =
      `EHLO c\r\nAUTH LOGIN\r\n${b64('alice')}\r\n${b64('pw')}\r\n` +
      'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\none\r\n.\r\n' +
      'MAIL FROM:<e@f>\r\nRCPT TO:<g@h>\r\nDATA\r\n..two\r\n.\r\nQUIT\r\n';
    /** A server that answers each line it has read, as a real one would (it reads an AUTH answer after its 334). */
    const answer = (read: string): string => {
      let out = '220 up\r\n';
      let auth = 0;
      let data = false;
      for (const line of read.split('\r\n').slice(0, -1)) {
        if (data) {
          if (line === '.') (out += '250 queued\r\n'), (data = false);
        } else if (auth) out += auth++ === 1 ? '334 UGFzc3dvcmQ6\r\n' : ((auth = 0), '235 ok\r\n');
        else if (line.startsWith('AUTH')) (out += '334 VXNlcm5hbWU6\r\n'), (auth = 1);
        else if (line === 'DATA') (out += '354 go\r\n'), (data = true);
        else if (line === 'QUIT') out += '221 bye\r\n';
        else out += '250 ok\r\n';
      }
      return out;
    };
    const cuts = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(cuts, fc.boolean(), (c, serverFirst) => {
        const d = new Drive().ev({ type: 'connected', side: 'server' });
        let answered = 0;
        const serve = (): void => {
          // The server sends what it owes for what the proxy forwarded, in pieces too.
          const owed = answer(d.sent('server')).slice(answered);
          for (let i = 0, k = 0; i < owed.length; k++) d.from('server', owed.slice(i, (i += c[k % c.length]!)));
          answered += owed.length;
        };
        if (serverFirst) serve();
        for (let i = 0, k = 0; i < client.length; k++) {
          d.from('client', client.slice(i, (i += c[(k + 1) % c.length]!)));
          if (k % 2 === 0) serve();
        }
        for (let round = 0; round < 20 && answered < answer(d.sent('server')).length; round++) serve();
        assert.equal(d.sent('server'), client, 'every byte forwarded, in order');
        assert.equal(d.sent('client'), answer(client).replace('250-STARTTLS\r\n', ''));
        const dels = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
        assert.deepEqual(
          dels.map((x) => [Buffer.concat(x.chunks.map((b) => Buffer.from(b))).toString('latin1'), x.envelope.mailFrom, x.envelope.rcptTo.join(), x.envelope.user]),
          [['one\r\n', 'a@b', 'c@d', 'alice'], ['.two\r\n', 'e@f', 'g@h', 'alice']],
        );
      }),
      { numRuns: 300 },
    );
  });

  test('unchanged bytes when nothing changes; STARTTLS as the last line removed cleanly', () => {
    assert.equal(rewriteEhlo(lines(EHLO_REPLY), true).toString(), EHLO_REPLY);
    assert.equal(rewriteEhlo(lines('250-up\r\n250 STARTTLS\r\n'), false).toString(), '250 up\r\n');
    assert.equal(rewriteEhlo(lines('250 up\r\n'), true).toString(), '250-up\r\n250 STARTTLS\r\n');
    assert.equal(rewriteEhlo(lines('554 no\r\n'), true).toString(), '554 no\r\n');
  });
});

describe("the caught message's envelope (RFC 4954)", () => {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  type Turn = [Side, string];
  /** A dialogue fed one byte at a time, then a message: the envelope it was caught with. */
  function envelopeAfter(login: Turn[], cfg: Partial<SmtpProxyConfig> = {}): Extract<CodecCommand, { type: 'deliver' }>['envelope'] {
    const d = new Drive(cfg).ev({ type: 'connected', side: 'server' });
    const turns: Turn[] = [['server', '220 up\r\n'], ['client', 'EHLO c.test\r\n'], ['server', '250-up\r\n250 AUTH PLAIN LOGIN XOAUTH2\r\n'], ...login];
    turns.push(['client', 'MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n'], ['server', '250 ok\r\n250 ok\r\n354 go\r\n'], ['client', 'Subject: s\r\n\r\nhi\r\n.\r\n'], ['server', '250 queued\r\n']);
    for (const [side, text] of turns) d.from(side, text, true);
    const all = turns.filter(([s]) => s === 'client').map(([, t]) => t).join('');
    assert.equal(d.sent('server'), all, 'every client byte relayed');
    const [del] = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
    assert.ok(del, 'caught');
    return del.envelope;
  }
  const rows: Array<{ name: string; login: Turn[]; user: string | null }> = [
    { name: 'no AUTH', login: [], user: null },
    {
      name: 'AUTH LOGIN: the user is the answer to the first 334',
      login: [['client', 'AUTH LOGIN\r\n'], ['server', `334 ${b64('Username:')}\r\n`], ['client', `${b64('alice')}\r\n`], ['server', `334 ${b64('Password:')}\r\n`], ['client', `${b64('pw')}\r\n`], ['server', '235 2.7.0 ok\r\n']],
      user: 'alice',
    },
    { name: 'AUTH PLAIN with an initial response', login: [['client', `AUTH PLAIN ${b64('\0bob\0pw')}\r\n`], ['server', '235 ok\r\n']], user: 'bob' },
    {
      name: 'AUTH PLAIN without one: the response follows an empty 334 (RFC 4954 §4)',
      login: [['client', 'AUTH PLAIN\r\n'], ['server', '334 \r\n'], ['client', `${b64('admin\0carol\0pw')}\r\n`], ['server', '235 ok\r\n']],
      user: 'carol',
    },
    { name: 'AUTH XOAUTH2 with an initial response', login: [['client', `AUTH XOAUTH2 ${b64('user=dave@x.test\x01auth=Bearer ya29.tok\x01\x01')}\r\n`], ['server', '235 ok\r\n']], user: 'dave@x.test' },
    {
      name: 'AUTH XOAUTH2 refused through the error challenge, then none',
      login: [['client', `AUTH XOAUTH2 ${b64('user=eve\x01auth=Bearer bad\x01\x01')}\r\n`], ['server', `334 ${b64('{"status":"invalid_token"}')}\r\n`], ['client', '\r\n'], ['server', '535 5.7.8 no\r\n']],
      user: null,
    },
    {
      name: 'a refused AUTH (535), then an accepted one: the accepted user',
      login: [['client', `AUTH PLAIN ${b64('\0mallory\0guess')}\r\n`], ['server', '535 5.7.8 no\r\n'], ['client', 'AUTH LOGIN\r\n'], ['server', '334 VXNlcm5hbWU6\r\n'], ['client', `${b64('alice')}\r\n`], ['server', '334 UGFzc3dvcmQ6\r\n'], ['client', `${b64('pw')}\r\n`], ['server', '235 ok\r\n']],
      user: 'alice',
    },
    { name: 'a cancelled AUTH ("*", 501)', login: [['client', 'AUTH LOGIN\r\n'], ['server', '334 VXNlcm5hbWU6\r\n'], ['client', `${b64('frank')}\r\n`], ['server', '334 UGFzc3dvcmQ6\r\n'], ['client', '*\r\n'], ['server', '501 5.7.0 cancelled\r\n']], user: null },
  ];
  for (const r of rows)
    test(`${r.name}: user ${r.user}`, () => {
      const env = envelopeAfter(r.login);
      assert.deepEqual([env.user, env.helo, env.tls], [r.user, 'c.test', false]);
    });

  test('a client leg in TLS: tls true; the user of an AUTH before STARTTLS is forgotten (RFC 3207 §4.2)', () => {
    assert.equal(envelopeAfter([], { clientTls: 'implicit' }).tls, true);
    const d = new Drive({ clientTls: 'starttls' }).ev({ type: 'connected', side: 'server' });
    d.from('server', '220 up\r\n').from('client', `EHLO one\r\nAUTH PLAIN ${b64('\0bob\0pw')}\r\n`).from('server', '250 up\r\n235 ok\r\n').from('client', 'STARTTLS\r\n');
    d.ev({ type: 'tls-ready', side: 'client', info: tlsInfo }).from('client', 'EHLO two\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', true);
    d.from('server', '250 up\r\n250 ok\r\n250 ok\r\n354 go\r\n').from('client', 'x\r\n.\r\n').from('server', '250 ok\r\n');
    const [del] = d.kinds('deliver') as Extract<CodecCommand, { type: 'deliver' }>[];
    assert.deepEqual([del!.envelope.user, del!.envelope.helo, del!.envelope.tls], [null, 'two', true]);
  });
});
