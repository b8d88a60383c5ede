// Dovecot is the reference IMAP server. Every message of the MIME corpus (test/fixtures/corpus)
// and of the IMAP edge cases (test/fixtures/imap) is APPENDed to a private Dovecot and to
// mailtap, and FETCH 1:* (ENVELOPE BODYSTRUCTURE) must give the same values from both: the same
// strings, lists and NILs, however each server chose to quote them. The differences below are
// deliberate, each with its reason; anything else fails the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dovecotMissing, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { RawImap } from '../helpers/imap-client.js';
import { fetchItems, type ImapValue } from '../helpers/imap-values.js';
import { startTestMailtap, type TestMailtap } from '../helpers/mailtap.js';

const dirs = [new URL('../fixtures/corpus/', import.meta.url), new URL('../fixtures/imap/', import.meta.url)];
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.eml')).sort().map((f) => ({ name: f, url: new URL(f, d) })));

/** Where mailtap answers differently from Dovecot on purpose. */
const DELIBERATE: Record<string, { item: 'BODYSTRUCTURE' | 'ENVELOPE'; why: string }> = {
  '14-malformed-boundary-absent.eml': {
    item: 'BODYSTRUCTURE',
    why:
      'A multipart whose boundary never occurs: mailtap describes the body as the text/plain it is, as the MIME module, the API and ' +
      'the GUI do, so BODY[1] is the text a client shows. Dovecot describes a multipart holding one empty part, which hides the text.',
  },
  'c-2231.eml': {
    item: 'BODYSTRUCTURE',
    why:
      'A message/rfc822 part whose message is a multipart: RFC 2046 §5.1.1 gives the CRLF before the next boundary to the boundary, ' +
      'and mailtap does so for every part. Dovecot counts that CRLF in this part, so its size is 2 octets and 1 line more.',
  },
};

let mt: TestMailtap;
let dv: Dovecot | null = null;
const missing = dovecotMissing();

before(async () => {
  mt = await startTestMailtap();
  if (!missing) dv = await startDovecot();
});
after(async () => {
  await mt.close();
  await dv?.stop();
});

async function load(port: number, user: string, password: string): Promise<Record<string, ImapValue>[]> {
  const c = await RawImap.open(port);
  try {
    assert.match((await c.command(`LOGIN ${user} ${password}`)).tagged, / OK /);
    for (const f of files) {
      const r = await c.append('INBOX', readFileSync(f.url));
      assert.match(r.tagged, / OK /, `APPEND ${f.name}: ${r.tagged}`);
    }
    assert.match((await c.command('SELECT INBOX')).tagged, / OK /);
    const r = await c.command('FETCH 1:* (ENVELOPE BODYSTRUCTURE)');
    assert.match(r.tagged, / OK /);
    return r.untagged.filter((u) => / FETCH /.test(u)).map(fetchItems);
  } finally {
    c.close();
  }
}

describe('Dovecot comparison', { skip: missing ?? false }, () => {
  test(`ENVELOPE and BODYSTRUCTURE of ${files.length} messages match Dovecot's`, async () => {
    const [ours, theirs] = await Promise.all([load(mt.imapPort, 'cmp', 'x'), load(dv!.port, 'cmp', dv!.password)]);
    assert.equal(ours.length, files.length);
    assert.equal(theirs.length, files.length);
    const unexpected: string[] = [];
    const deliberate: string[] = [];
    files.forEach((f, i) => {
      for (const item of ['ENVELOPE', 'BODYSTRUCTURE'] as const) {
        const same = JSON.stringify(ours[i]![item]) === JSON.stringify(theirs[i]![item]);
        const known = DELIBERATE[f.name]?.item === item;
        if (!same && !known) unexpected.push(`${f.name} ${item}\n  mailtap: ${JSON.stringify(ours[i]![item])}\n  dovecot: ${JSON.stringify(theirs[i]![item])}`);
        if (same && known) unexpected.push(`${f.name} ${item}: listed as a deliberate difference but the servers agree now`);
        if (!same && known) deliberate.push(f.name);
      }
    });
    assert.deepEqual(unexpected, []);
    assert.deepEqual(deliberate.sort(), Object.keys(DELIBERATE).sort());
  });
});
