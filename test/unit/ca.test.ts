// The local CA: made once in DATA/tls with its key at 0600, exported in three formats that parse
// back, and issuing leaves whose chain verifies with node's own X.509 and TLS code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import forge from 'node-forge';
import { LocalCa } from '../../main/core/tls/ca.js';
import { caCommand } from '../../main/cli-ca.js';

let dir: string;
let ca: LocalCa;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailtap-ca-'));
  ca = await LocalCa.open(dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Handshake a node TLS client trusting only `caPem` against a server presenting `context`. */
async function handshake(ctx: import('node:tls').SecureContext, caPem: string, servername: string): Promise<{ ok: boolean; error?: string }> {
  const server = createServer({ SNICallback: (_n, cb) => cb(null, ctx) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise((resolve) => {
      const s: TLSSocket = connect({ host: '127.0.0.1', port, ca: caPem, servername, rejectUnauthorized: true });
      s.setTimeout(5000, () => s.destroy(new Error('timeout')));
      s.once('secureConnect', () => {
        resolve({ ok: s.authorized });
        s.destroy();
      });
      s.once('error', (e) => resolve({ ok: false, error: e.message }));
    });
  } finally {
    server.close();
  }
}

describe('the local CA', () => {
  test('is made on first run in DATA/tls: RSA-2048 or more, ten years, a CA, key at mode 0600', async () => {
    const x = new X509Certificate(ca.certPem);
    assert.ok(x.ca, 'basicConstraints cA');
    assert.equal(x.subject, x.issuer);
    assert.ok(x.verify(x.publicKey), 'self-signed');
    assert.ok((x.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048);
    const years = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / (365.25 * 86_400_000);
    assert.ok(years > 9.9 && years < 10.1, `valid ${years} years`);
    const st = await stat(ca.keyPath);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'tls'))).mode & 0o077, 0, 'the tls directory is private');
  });

  test('opening again keeps the same CA', async () => {
    const again = await LocalCa.open(dir);
    assert.equal(again.fingerprint, ca.fingerprint);
  });

  test('the fingerprint is the SHA-256 of the DER, as openssl prints it', async (t) => {
    assert.equal(ca.fingerprint, new X509Certificate(ca.certPem).fingerprint256);
    const probe = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', ca.certPath], { encoding: 'utf8' });
    if (probe.error) return t.skip('openssl not installed');
    assert.equal(probe.stdout.trim().split('=')[1], ca.fingerprint);
  });

  test('exports PEM, DER and PKCS#12 that parse back to the same certificate', async () => {
    const pem = Buffer.from(ca.export('pem').data).toString();
    assert.equal(new X509Certificate(pem).fingerprint256, ca.fingerprint);
    const der = Buffer.from(ca.export('der').data);
    assert.equal(new X509Certificate(der).fingerprint256, ca.fingerprint);
    for (const password of ['', 'secret']) {
      const p12 = Buffer.from(ca.export('p12', password).data);
      const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), password);
      const bags = parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
      assert.equal(bags.length, 1);
      assert.equal(new X509Certificate(forge.pki.certificateToPem(bags[0]!.cert!)).fingerprint256, ca.fingerprint);
      assert.equal(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]?.length ?? 0, 0, 'never the key');
    }
  });

  test('the PKCS#12 reads with openssl too', async (t) => {
    const file = join(dir, 'ca.p12');
    await writeFile(file, ca.export('p12', 'pw').data);
    const r = spawnSync('openssl', ['pkcs12', '-in', file, '-nokeys', '-passin', 'pass:pw'], { encoding: 'utf8' });
    if (r.error) return t.skip('openssl not installed');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /BEGIN CERTIFICATE/);
  });

  test('leaves carry a DNS or IP SAN, are backdated a day, and chain to the CA', async () => {
    const caX = new X509Certificate(ca.certPem);
    for (const [name, san] of [['smtp.example.com', 'DNS:smtp.example.com'], ['127.0.0.1', 'IP Address:127.0.0.1'], ['::1', 'IP Address:0:0:0:0:0:0:0:1']] as const) {
      const leaf = await ca.leaf(name);
      const x = new X509Certificate(leaf.cert);
      assert.equal(x.subjectAltName, san);
      assert.equal(x.ca, false);
      assert.ok(x.checkIssued(caX) && x.verify(caX.publicKey), 'signed by the CA');
      const back = Date.now() - Date.parse(x.validFrom);
      assert.ok(back > 23 * 3600_000 && back < 25 * 3600_000, 'backdated a day');
      assert.ok(name.includes(':') ? x.checkIP(name) : name.includes('.') && /\d$/.test(name) ? x.checkIP(name) : x.checkHost(name));
    }
  });

  test('a TLS client trusting only the CA accepts a leaf, and rejects another name', async () => {
    const leaf = await ca.leaf('mail.example.test');
    assert.deepEqual(await handshake(leaf.context, ca.certPem, 'mail.example.test'), { ok: true });
    const wrong = await handshake(leaf.context, ca.certPem, 'other.example.test');
    assert.equal(wrong.ok, false);
    assert.match(wrong.error ?? '', /altnames|does not match/i);
  });

  test('leaves are cached in memory and on disk', async () => {
    const a = await ca.leaf('cached.example.test');
    const b = await ca.leaf('CACHED.example.test');
    assert.equal(a, b);
    const files = await readdir(join(dir, 'tls', 'leaves'));
    const file = files.find((f) => f.endsWith('-cached.example.test.pem'))!;
    assert.ok(file);
    assert.equal((await stat(join(dir, 'tls', 'leaves', file))).mode & 0o777, 0o600);
    const reopened = await LocalCa.open(dir);
    assert.equal((await reopened.leaf('cached.example.test')).cert, a.cert, 'read back from disk');
  });

  test('the sink certificate covers localhost and the loopback addresses', async () => {
    assert.deepEqual(await handshake(ca.sinkContext(), ca.certPem, 'localhost'), { ok: true });
  });

  test('regenerate makes a new CA; old leaves are not reused', async () => {
    const old = ca.fingerprint;
    const oldLeaf = await ca.leaf('regen.example.test');
    const info = await ca.regenerate();
    assert.notEqual(info.fingerprint, old);
    assert.equal(info.fingerprint, ca.fingerprint);
    const leaf = await ca.leaf('regen.example.test');
    assert.notEqual(leaf.cert, oldLeaf.cert);
    assert.ok(new X509Certificate(leaf.cert).checkIssued(new X509Certificate(ca.certPem)));
    assert.equal((await stat(ca.keyPath)).mode & 0o777, 0o600);
  });
});

describe('mailtap ca', () => {
  test('export writes each format; regenerate changes the fingerprint', async () => {
    const d = await mkdtemp(join(tmpdir(), 'mailtap-ca-cli-'));
    try {
      const out: string[] = [];
      const err: string[] = [];
      assert.equal(await caCommand(['export', '--data', d], (s) => out.push(s), (s) => err.push(s)), 0);
      const fp = new X509Certificate(out.join('\n')).fingerprint256;
      assert.match(err.join('\n'), new RegExp(fp));
      for (const format of ['der', 'p12']) {
        const file = join(d, `ca.${format}`);
        assert.equal(await caCommand(['export', '--format', format, '--out', file, '--data', d], () => {}, () => {}), 0);
        assert.ok((await stat(file)).size > 500);
      }
      assert.equal(await caCommand(['export', '--format', 'der', '--data', d], () => {}, () => {}), 2, 'binary needs --out');
      assert.equal(await caCommand(['regenerate', '--data', d], () => {}, () => {}), 0);
      const again: string[] = [];
      await caCommand(['export', '--data', d], (s) => again.push(s), () => {});
      assert.notEqual(new X509Certificate(again.join('\n')).fingerprint256, fp);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
