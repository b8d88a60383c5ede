// The local CA (design.md, "TLS"): made on first run in DATA/tls/, its key at mode 0600. It
// issues the leaf certificates the proxy presents to clients (one per SNI or upstream host,
// cached in memory and on disk) and the sink's certificate for localhost.
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { CaInfo } from '../../../shared/types.js';
import { fingerprintOf, makeCa, makeLeaf, pemToDer, toP12, type KeyAndCert } from './certs.js';

export type CaExportFormat = 'pem' | 'der' | 'p12';

/** The names the sink's certificate answers to. */
export const SINK_NAMES = ['localhost', '127.0.0.1', '::1', 'mailtap.local'];

interface Leaf extends KeyAndCert {
  context: SecureContext;
}

/** File-name-safe form of a host name or IP literal. */
const fileKey = (name: string): string => name.toLowerCase().replace(/[^a-z0-9.-]/g, '_').slice(0, 200);

export class LocalCa {
  private ca!: KeyAndCert;
  private fp = '';
  private readonly leaves = new Map<string, Promise<Leaf>>();
  private sink: Leaf | null = null;

  private constructor(readonly dir: string) {}

  get keyPath(): string {
    return join(this.dir, 'ca-key.pem');
  }
  get certPath(): string {
    return join(this.dir, 'ca-cert.pem');
  }
  get leafDir(): string {
    return join(this.dir, 'leaves');
  }
  get certPem(): string {
    return this.ca.cert;
  }
  get fingerprint(): string {
    return this.fp;
  }

  /** Load the CA from dataDir/tls, or make one on first run. */
  static async open(dataDir: string): Promise<LocalCa> {
    const ca = new LocalCa(join(dataDir, 'tls'));
    await mkdir(ca.dir, { recursive: true, mode: 0o700 });
    let kc: KeyAndCert | null = null;
    try {
      kc = { key: await readFile(ca.keyPath, 'utf8'), cert: await readFile(ca.certPath, 'utf8') };
    } catch {
      /* first run */
    }
    if (kc) ca.use(kc);
    else await ca.create();
    await ca.issueSink();
    return ca;
  }

  /** Throw the CA away and make a new one: every cached leaf goes with it. */
  async regenerate(): Promise<CaInfo> {
    await this.create();
    await this.issueSink();
    return this.info();
  }

  info(): CaInfo {
    const x = new X509Certificate(this.ca.cert);
    return {
      fingerprint: this.fp,
      subject: x.subject.replace(/\n/g, ', '),
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
      certPath: this.certPath,
      keyPath: this.keyPath,
    };
  }

  export(format: CaExportFormat, password = ''): { contentType: string; filename: string; data: Uint8Array } {
    switch (format) {
      case 'pem':
        return { contentType: 'application/x-pem-file', filename: 'mailtap-ca.pem', data: Buffer.from(this.ca.cert) };
      case 'der':
        return { contentType: 'application/x-x509-ca-cert', filename: 'mailtap-ca.cer', data: pemToDer(this.ca.cert) };
      case 'p12':
        return { contentType: 'application/x-pkcs12', filename: 'mailtap-ca.p12', data: toP12(this.ca.cert, password, 'mailtap local CA') };
    }
  }

  /** The sink's TLS context: a CA-issued leaf for localhost and its loopback addresses. */
  sinkContext(): SecureContext {
    if (!this.sink) throw new Error('the CA is not open');
    return this.sink.context;
  }

  /** A leaf for this host name or IP literal: from memory, else from disk, else issued now. */
  leaf(name: string): Promise<Leaf> {
    const key = name.toLowerCase();
    let p = this.leaves.get(key);
    if (!p) {
      p = this.loadOrIssue([key]);
      this.leaves.set(key, p);
      p.catch(() => this.leaves.delete(key));
    }
    return p;
  }

  private use(kc: KeyAndCert): void {
    this.ca = kc;
    this.fp = fingerprintOf(kc.cert);
    this.leaves.clear();
  }

  private async create(): Promise<void> {
    const kc = await makeCa();
    await rm(this.leafDir, { recursive: true, force: true });
    // Written beside and renamed, so a crash never leaves a key without its certificate.
    await writeFile(this.keyPath + '.new', kc.key, { mode: 0o600 });
    await chmod(this.keyPath + '.new', 0o600);
    await writeFile(this.certPath + '.new', kc.cert);
    await rename(this.keyPath + '.new', this.keyPath);
    await rename(this.certPath + '.new', this.certPath);
    this.use(kc);
  }

  private async issueSink(): Promise<void> {
    this.sink = await this.loadOrIssue(SINK_NAMES, 'sink');
  }

  /** Leaves on disk are named after the CA that signed them, so a new CA never reuses one. */
  private async loadOrIssue(names: string[], label = fileKey(names[0]!)): Promise<Leaf> {
    const file = join(this.leafDir, `${this.fp.replace(/:/g, '').slice(0, 16)}-${label}.pem`);
    let kc: KeyAndCert | null = null;
    try {
      const text = await readFile(file, 'utf8');
      const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0];
      const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
      if (key && cert && new Date(new X509Certificate(cert).validTo).getTime() > Date.now() + 86_400_000) kc = { key: key.trim() + '\n', cert: cert.trim() + '\n' };
    } catch {
      /* not issued yet */
    }
    if (!kc) {
      const made = await makeLeaf(this.ca, names);
      kc = { key: made.key.trim() + '\n', cert: made.cert.trim() + '\n' };
      await mkdir(this.leafDir, { recursive: true, mode: 0o700 });
      await writeFile(file, kc.key + kc.cert, { mode: 0o600 });
    }
    // The chain includes the CA, so a client that has it as a trust anchor can build the path.
    return { ...kc, context: createSecureContext({ key: kc.key, cert: `${kc.cert.trim()}\n${this.ca.cert.trim()}\n` }) };
  }
}
