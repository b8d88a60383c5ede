// Certificate making for the local CA, with node-forge (certificates) and node:crypto (keys:
// forge's pure-JS RSA key generation takes seconds, node's native one milliseconds).
import { createHash, generateKeyPair } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface KeyAndCert {
  key: string;
  cert: string;
}

const DAY = 86_400_000;
const genKeyPair = promisify(generateKeyPair);
const rsaOptions = (bits: number) =>
  ({
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }) as const;

/** A random positive serial number (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
function serial(): string {
  return '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

/** SHA-256 of the DER form, as `AB:CD:…`, the way `openssl x509 -fingerprint -sha256` prints it. */
export function fingerprintOf(certPem: string): string {
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes(), 'binary');
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/**
 * The CA: RSA-2048 (what the design asks as a minimum; every TLS stack accepts it, and a
 * fresh data directory starts fast), ten years, a CA basic constraint, certificate signing.
 */
export async function makeCa(commonName = 'mailtap local CA', years = 10): Promise<KeyAndCert> {
  const { privateKey, publicKey } = await genKeyPair('rsa', rsaOptions(2048));
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * DAY);
  const attrs = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'mailtap' },
    { name: 'organizationalUnitName', value: 'for local TLS interception only' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  // RFC 5280 §4.2.1.9 and §4.2.1.3: a CA that may sign end-entity certificates only.
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

/** An IP literal becomes an iPAddress SAN, anything else a dNSName (RFC 5280 §4.2.1.6). */
export function altNameOf(name: string): { type: 2; value: string } | { type: 7; ip: string } {
  const bare = name.replace(/^\[|\]$/g, '');
  return isIP(bare) ? { type: 7, ip: bare } : { type: 2, value: name.toLowerCase() };
}

/**
 * A leaf for `names` (the first is the subject CN), signed by the CA. Backdated a day for
 * clock skew; valid 397 days, the most that browsers and Apple platforms accept.
 */
export async function makeLeaf(ca: KeyAndCert, names: string[]): Promise<KeyAndCert> {
  if (!names.length) throw new Error('a leaf certificate needs at least one name');
  const { privateKey, publicKey } = await genKeyPair('rsa', rsaOptions(2048));
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 397 * DAY);
  cert.setSubject([{ name: 'commonName', value: names[0]!.replace(/^\[|\]$/g, '').slice(0, 64) }, { name: 'organizationName', value: 'mailtap' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...new Set(names)].map(altNameOf) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

export function pemToDer(certPem: string): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes(), 'binary');
}

/**
 * PKCS#12 holding the CA certificate only, never its key (like mitmproxy's
 * mitmproxy-ca-cert.p12): what Windows and some keychains import as a trust anchor.
 */
export function toP12(certPem: string, password: string, friendlyName: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(null, [forge.pki.certificateFromPem(certPem)], password, { algorithm: '3des', friendlyName });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
