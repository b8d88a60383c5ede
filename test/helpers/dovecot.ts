// A private Dovecot (the reference IMAP server) for comparison tests and the benchmark: a
// generated configuration in a temporary directory, maildir storage there, one static password,
// listening on free 127.0.0.1 ports: IMAP, and on request POP3 and TLS (STARTTLS on the plain
// ports, implicit TLS on imaps/pop3s) with a given certificate. Started in the foreground
// (dovecot -F) and stopped by its PID.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { RawImap } from './imap-client.js';

export interface Dovecot {
  port: number;
  /** With `pop3`: the POP3 port; with `tls` too, the implicit-TLS ports (RFC 8314). */
  pop3Port: number | null;
  imapsPort: number | null;
  pop3sPort: number | null;
  dir: string;
  password: string;
  stop(): Promise<void>;
}

const BIN = '/usr/sbin/dovecot';

/** Why Dovecot cannot run here, or null when it can. */
export function dovecotMissing(): string | null {
  if (!existsSync(BIN)) return 'dovecot is not installed (apt-get install dovecot-imapd)';
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function idOf(user: string): { uid: number; gid: number } | null {
  try {
    return { uid: Number(execFileSync('id', ['-u', user]).toString().trim()), gid: Number(execFileSync('id', ['-g', user]).toString().trim()) };
  } catch {
    return null;
  }
}

async function waitForPort(port: number, child: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error('dovecot did not start listening');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DovecotOptions {
  pop3?: boolean;
  /** PEM key and certificate: STARTTLS is offered and imaps/pop3s listen. */
  tls?: { key: string; cert: string };
}

export async function startDovecot(o: DovecotOptions = {}): Promise<Dovecot> {
  const missing = dovecotMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'mailtap-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  const root = process.getuid?.() === 0;
  // As root, Dovecot drops to its own users; otherwise everything runs as the current user.
  const me = userInfo().username;
  const mailUser = root ? 'dovecot' : me;
  const ids = idOf(mailUser);
  if (!ids) throw new Error(`no user ${mailUser}`);
  if (root) chownSync(join(dir, 'mail'), ids.uid, ids.gid);
  const port = await freePort();
  const pop3Port = o.pop3 ? await freePort() : null;
  const imapsPort = o.tls ? await freePort() : null;
  const pop3sPort = o.tls && o.pop3 ? await freePort() : null;
  if (o.tls) {
    writeFileSync(join(dir, 'cert.pem'), o.tls.cert);
    writeFileSync(join(dir, 'key.pem'), o.tls.key, { mode: 0o600 });
  }
  const password = 'secret';
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      `protocols = imap${o.pop3 ? ' pop3' : ''}`,
      'listen = 127.0.0.1',
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/dovecot.log`,
      ...(o.tls ? ['ssl = yes', `ssl_cert = <${dir}/cert.pem`, `ssl_key = <${dir}/key.pem`] : ['ssl = no']),
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `mail_location = maildir:${dir}/mail/%u`,
      `default_internal_user = ${root ? 'dovecot' : me}`,
      `default_login_user = ${root ? 'dovenull' : me}`,
      'first_valid_uid = 1',
      'mail_max_userip_connections = 10000',
      'passdb {',
      '  driver = static',
      `  args = password=${password}`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${ids.uid} gid=${ids.gid} home=${dir}/mail/%u`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      ...(imapsPort ? ['    address = 127.0.0.1', `    port = ${imapsPort}`, '    ssl = yes'] : ['    port = 0']),
      '  }',
      '}',
      ...(pop3Port
        ? ['service pop3-login {', '  inet_listener pop3 {', '    address = 127.0.0.1', `    port = ${pop3Port}`, '  }', '  inet_listener pop3s {',
            ...(pop3sPort ? ['    address = 127.0.0.1', `    port = ${pop3sPort}`, '    ssl = yes'] : ['    port = 0']), '  }', '}']
        : []),
      'namespace inbox {',
      '  inbox = yes',
      '  separator = /',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(BIN, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) {
      child.kill('SIGTERM');
      const gone = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 5000))]);
      if (!gone) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const p of [port, pop3Port, imapsPort, pop3sPort]) if (p) await waitForPort(p, child, 10_000);
  } catch (e) {
    const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
    await stop();
    throw new Error(`${(e as Error).message}: ${stderr}${log}`);
  }
  return { port, pop3Port, imapsPort, pop3sPort, dir, password, stop };
}

/** Put `messages` into the INBOX of Dovecot's one user (bob), through APPEND. */
export async function seedDovecot(dv: Dovecot, messages: readonly Buffer[]): Promise<void> {
  const c = await RawImap.open(dv.port);
  try {
    const login = (await c.command(`LOGIN bob ${dv.password}`)).tagged;
    if (!/ OK /.test(login)) throw new Error(`Dovecot refused the login: ${login}`);
    for (const m of messages) {
      const r = (await c.append('INBOX', m)).tagged;
      if (!/ OK /.test(r)) throw new Error(`Dovecot refused an APPEND: ${r}`);
    }
  } finally {
    c.close();
  }
}
