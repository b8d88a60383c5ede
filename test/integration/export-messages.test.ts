// Messages out and in: an mbox of the MIME corpus imported through the API (the request body is
// the file, streamed) shows in the API, POP3 and IMAP (curl), and exports again byte for byte;
// .eml imports, the size limit, bad input, progress events; and the CLI, with and without a
// server running on the data directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageImportProgress, MessageImportResult, MessageSummary, Page } from '../../shared/types.js';
import type { ApiEventEnvelope } from '../../shared/api.js';
import { mboxEntry } from '../../main/core/export/mbox-write.js';
import { exportMessagesCommand, importCommand } from '../../main/cli-export.js';
import { startTestMailtap, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';

const corpusDir = new URL('../fixtures/corpus/', import.meta.url);
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.eml') && !f.startsWith('21-')).map((f) => readFileSync(new URL(f, corpusDir)));
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-mbox-'));

/** An mbox of the corpus, with From lines to quote in bodies and one LF-only message. */
function corpusMbox(): Buffer {
  const extra = Buffer.from('From: x@example.test\nTo: rcpt@example.test\nSubject: quoting\n\nFrom the start\n>From quoted\n>>From twice\n');
  return Buffer.concat(
    [...corpus, extra].flatMap((raw, i) => mboxEntry(Buffer.from(`From sender${i}@example.test ${i % 2 ? 'Mon Feb 29 12:00:00 2016' : 'Thu Jan  1 00:00:00 1970'}\n`), raw)),
  );
}

async function upload(mt: TestMailtap, body: Buffer, query = '', contentType = 'application/mbox'): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${mt.baseUrl}/api/messages/import${query}`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
  return { status: r.status, json: await r.json() };
}

let mt: TestMailtap;
before(async () => {
  mt = await startTestMailtap();
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('mbox through the API', () => {
  const mbox = corpusMbox();
  let result: MessageImportResult;

  test('import: every message added as if caught, with progress events', async () => {
    const events: MessageImportProgress[] = [];
    const off = mt.app.service.subscribe((e: ApiEventEnvelope) => {
      if (e.event === 'messages.import.progress') events.push(e.data as MessageImportProgress);
    });
    const r = await upload(mt, mbox);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    result = r.json as MessageImportResult;
    assert.equal(result.format, 'mbox');
    assert.equal(result.imported, corpus.length + 1);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.bytes, mbox.length);
    await new Promise((res) => setTimeout(res, 100)); // events are coalesced per tick
    off();
    const last = events.at(-1)!;
    assert.equal(last.done, true);
    assert.equal(last.imported, corpus.length + 1);
    assert.equal(last.total, mbox.length);
    const m = await mt.get<MessageSummary>(`/api/messages/${result.ids[0]}`);
    assert.equal(m.source, 'import');
    assert.equal(m.envelope.mailFrom, 'sender0@example.test');
    assert.deepEqual(await (await mt.getRaw(`/api/messages/${result.ids[0]}/raw`)).body, corpus[0]);
    const quoting = await (await mt.getRaw(`/api/messages/${result.ids.at(-1)}/raw`)).body.toString();
    assert.match(quoting, /\n\nFrom the start\n>From quoted\n>>From twice\n$/, 'mboxrd quoting undone');
  });

  test('export of the imported messages gives the same file byte for byte', async () => {
    const byIds = await mt.getRaw(`/api/messages.mbox?ids=${result.ids.join(',')}&download`);
    assert.equal(byIds.status, 200);
    assert.equal(byIds.headers.get('content-type'), 'application/mbox');
    assert.match(byIds.headers.get('content-disposition') ?? '', /^attachment; filename="mailtap-\d+-messages\.mbox"/);
    assert.ok(byIds.body.equals(mbox), 'mbox → import → export round-trips byte-exact');
    const all = await mt.getRaw('/api/messages.mbox');
    assert.ok(all.body.equals(mbox), 'all messages, oldest first');
    const query = await mt.getRaw('/api/messages.mbox?subject=quoting');
    assert.equal(query.body.toString().split('\n')[0], `From sender${corpus.length}@example.test ${corpus.length % 2 ? 'Mon Feb 29 12:00:00 2016' : 'Thu Jan  1 00:00:00 1970'}`);
  });

  test('imported mail is served by POP3 and IMAP (curl)', async () => {
    const pop = await run('curl', ['-sS', `pop3://127.0.0.1:${mt.pop3Port}`, '-u', 'dev:any']);
    assert.equal(pop.code, 0, pop.stderr);
    assert.equal(pop.stdout.trim().split('\n').length, corpus.length + 1, 'LIST has every imported message');
    const one = await run('curl', ['-sS', `imap://127.0.0.1:${mt.imapPort}/INBOX;UID=1`, '-u', 'dev:any']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(Buffer.from(one.stdout, 'latin1').toString('latin1'), corpus[0]!.toString('latin1'));
  });

  test('bad input is a 400 with a reason; an unknown id a 404', async () => {
    const bad = await upload(mt, Buffer.from('Subject: no From line\n\nx\n'), '?format=mbox');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /does not start with a \\"From \\" line/);
    assert.equal((await upload(mt, Buffer.alloc(0), '', 'message/rfc822')).status, 400);
    assert.equal((await mt.request('GET', '/api/messages.mbox?ids=0000000000000000')).status, 404);
  });
});

describe('.eml and the size limit', () => {
  test('one .eml as the body, or base64 in JSON; the download name is the id', async () => {
    const r = await upload(mt, corpus[1]!, '', 'message/rfc822');
    assert.equal(r.status, 200);
    const res = r.json as MessageImportResult;
    assert.equal(res.format, 'eml');
    const raw = await mt.getRaw(`/api/messages/${res.ids[0]}/raw?download`);
    assert.ok(raw.body.equals(corpus[1]!));
    assert.equal(raw.headers.get('content-disposition'), `attachment; filename="${res.ids[0]}.eml"; filename*=UTF-8''${res.ids[0]}.eml`);
    const j = await mt.request('POST', '/api/messages/import', { data: corpus[2]!.toString('base64') });
    assert.equal(j.status, 200);
    assert.equal((j.json as MessageImportResult).imported, 1);
  });

  test('messages over smtp.maxMessageSize are skipped and reported; a too-large .eml is a 413', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { maxMessageSize: 2000 } });
    try {
      const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(5000, 0x61), Buffer.from('\r\n')]);
      const small = Buffer.from('Subject: small\r\n\r\nok\r\n');
      const file = Buffer.concat([...mboxEntry(Buffer.from('From a@b Thu Jan  1 00:00:00 1970\n'), big), ...mboxEntry(Buffer.from('From a@b Thu Jan  1 00:00:00 1970\n'), small)]);
      const r = await upload(mt, file);
      const res = r.json as MessageImportResult;
      assert.equal(res.imported, 1);
      assert.equal(res.skipped.length, 1);
      assert.equal(res.skipped[0]!.index, 1);
      assert.match(res.skipped[0]!.reason, /over the maximum message size of 2000/);
      assert.equal((await upload(mt, big, '', 'message/rfc822')).status, 413);
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { maxMessageSize: 52428800 } });
    }
  });
});

describe('the CLI', () => {
  test('import into a data directory with no server, export again byte-exact; with a server, through its API', async () => {
    const dataDir = join(tmp, 'cli-data');
    // A few thousand messages: the import streams, one message in memory at a time.
    const entries: Buffer[] = [];
    for (let i = 0; i < 3000; i++) entries.push(...mboxEntry(Buffer.from(`From n${i}@example.test Thu Jan  1 00:00:00 1970\n`), corpus[i % corpus.length]!));
    const mbox = Buffer.concat(entries);
    const file = join(tmp, 'big.mbox');
    writeFileSync(file, mbox);
    const err: string[] = [];
    const out: string[] = [];
    const t0 = Date.now();
    assert.equal(await importCommand([file, '--data', dataDir], (l) => out.push(l), (l) => err.push(l)), 0, err.join('\n'));
    const ms = Date.now() - t0;
    assert.match(out.join('\n'), /imported 3000 messages \(mbox\)$/);
    console.log(`# mailtap import: 3000 messages, ${(mbox.length / 1048576).toFixed(1)} MiB in ${ms} ms`);
    const back = join(tmp, 'back.mbox');
    assert.equal(await exportMessagesCommand(['--data', dataDir, '-o', back], () => undefined), 0);
    assert.ok(readFileSync(back).equals(mbox), 'CLI import then export is byte-exact');

    const server = await startTestMailtap({ dataDir });
    try {
      const eml = join(tmp, 'one.eml');
      writeFileSync(eml, corpus[3]!);
      const viaApi: string[] = [];
      assert.equal(await importCommand([eml, '--data', dataDir], (l) => viaApi.push(l), () => undefined), 0);
      assert.match(viaApi.join('\n'), /imported 1 message \(eml\) through the server \(pid \d+\)/);
      const page = await server.get<Page<MessageSummary>>('/api/messages?limit=1');
      assert.equal(page.total, 3001, 'the running server saw the import at once');
    } finally {
      await server.close();
    }
  });
});
