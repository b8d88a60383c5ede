// The sink's TLS certificate until the local CA (the proxy issue) exists: a self-signed
// certificate for localhost made with node-forge, kept in the data directory with its key
// at mode 0600. The RSA key itself comes from node:crypto, which is native and fast.
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export function makeSelfSigned(commonName: string, altNames: string[], days = 825): KeyAndCert {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  // Backdated a day to tolerate clock skew between the peers.
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'mailtap' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: altNames.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

/** Load the sink's certificate from dataDir/tls, or make one on first use. */
export async function loadOrCreateSinkCertificate(dataDir: string): Promise<KeyAndCert> {
  const dir = join(dataDir, 'tls');
  const keyPath = join(dir, 'sink-key.pem');
  const certPath = join(dir, 'sink-cert.pem');
  try {
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } catch {
    /* first run */
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const kc = makeSelfSigned('localhost', ['localhost', '127.0.0.1', '::1', 'mailtap.local']);
  await writeFile(keyPath, kc.key, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, kc.cert);
  return kc;
}
