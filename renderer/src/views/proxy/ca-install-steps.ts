// How to make an OS or a browser trust the local CA, step by step. The file names are those
// of ca.export's downloads (mailtap-ca.pem, .cer, .p12).
export type CaOs = 'linux' | 'macos' | 'windows';

export interface InstallStep {
  title: string;
  note?: string;
  command?: string;
}

export interface InstallGuide {
  os: CaOs;
  label: string;
  intro: string;
  steps: InstallStep[];
}

export const INSTALL_GUIDES: InstallGuide[] = [
  {
    os: 'linux',
    label: 'Linux',
    intro: 'Download the PEM file, then add it to the system store of your distribution. Firefox and Chromium keep their own NSS stores; add it there too for browsers.',
    steps: [
      {
        title: 'Debian, Ubuntu (update-ca-certificates)',
        note: 'The file must end in .crt in that folder.',
        command: 'sudo cp mailtap-ca.pem /usr/local/share/ca-certificates/mailtap-ca.crt\nsudo update-ca-certificates',
      },
      {
        title: 'Fedora, RHEL, Arch (trust anchor)',
        command: 'sudo trust anchor --store mailtap-ca.pem\n# or: sudo cp mailtap-ca.pem /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust',
      },
      {
        title: 'Firefox, Chromium, Thunderbird (NSS, certutil from libnss3-tools)',
        note: 'Per profile; for Firefox use the profile folder instead of ~/.pki/nssdb.',
        command: 'certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "mailtap local CA" -i mailtap-ca.pem',
      },
      {
        title: 'Node.js clients (nodemailer, imapflow)',
        command: 'export NODE_EXTRA_CA_CERTS=$PWD/mailtap-ca.pem',
      },
    ],
  },
  {
    os: 'macos',
    label: 'macOS',
    intro: 'Download the PEM file and add it to the System keychain as trusted for SSL. Mail.app, Safari and Chrome use the keychain; Firefox has its own store.',
    steps: [
      {
        title: 'Terminal (security)',
        command: 'sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain mailtap-ca.pem',
      },
      {
        title: 'Or with Keychain Access',
        note: 'Open the file, add it to the System keychain, double-click “mailtap local CA”, open Trust and set “When using this certificate” to Always Trust.',
      },
      {
        title: 'Firefox',
        note: 'Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import, and tick “Trust this CA to identify websites”.',
      },
    ],
  },
  {
    os: 'windows',
    label: 'Windows',
    intro: 'Download the DER (.cer) file and add it to the Trusted Root Certification Authorities store. Outlook, Edge and Chrome use that store.',
    steps: [
      {
        title: 'Command prompt as administrator (certutil)',
        command: 'certutil -addstore -f Root mailtap-ca.cer',
      },
      {
        title: 'Only for the current user',
        command: 'certutil -user -addstore Root mailtap-ca.cer',
      },
      {
        title: 'Or PowerShell',
        command: 'Import-Certificate -FilePath .\\mailtap-ca.cer -CertStoreLocation Cert:\\LocalMachine\\Root',
      },
    ],
  },
];

/** The OS the UI runs on, to open its tab first. */
export function guessOs(userAgent: string): CaOs {
  if (/Mac OS X|Macintosh/i.test(userAgent)) return 'macos';
  if (/Windows/i.test(userAgent)) return 'windows';
  return 'linux';
}

/** "AB:CD:…" in two lines of 16 bytes, the way certificate viewers show SHA-256. */
export function fingerprintLines(fp: string): string[] {
  const hex = fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
  const pairs = hex.match(/../g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < pairs.length; i += 16) lines.push(pairs.slice(i, i + 16).join(':'));
  return lines;
}
