// A private Postfix smtpd for the proxy tests: its own configuration and queue in a temporary
// directory, one smtpd on a free 127.0.0.1 port with STARTTLS (the given certificate), and every
// message discarded after it is accepted. The master runs in the foreground (master -d) and is
// stopped by its PID. Postfix's master starts as root to drop to the postfix user, so this needs
// root; postfixMissing() says why it cannot run otherwise.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MASTER = '/usr/lib/postfix/sbin/master';

export interface Postfix {
  port: number;
  stop(): Promise<void>;
}

export function postfixMissing(): string | null {
  if (!existsSync(MASTER)) return 'postfix is not installed (apt-get install postfix)';
  if (process.getuid?.() !== 0) return "a private Postfix master must start as root (it drops to the 'postfix' user)";
  const id = spawnSync('id', ['-u', 'postfix']);
  if (id.status !== 0) return 'no postfix user';
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

export async function startPostfix(tls: { key: string; cert: string }): Promise<Postfix> {
  const missing = postfixMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'mailtap-postfix-'));
  chmodSync(dir, 0o755); // the postfix user walks into its queue and data directories
  const conf = join(dir, 'conf');
  for (const d of ['conf', 'queue', 'data']) mkdirSync(join(dir, d));
  const uid = Number(spawnSync('id', ['-u', 'postfix']).stdout.toString());
  const gid = Number(spawnSync('id', ['-g', 'postfix']).stdout.toString());
  chownSync(join(dir, 'data'), uid, gid);
  writeFileSync(join(conf, 'cert.pem'), tls.cert);
  writeFileSync(join(conf, 'key.pem'), tls.key, { mode: 0o600 });
  const port = await freePort();
  writeFileSync(join(conf, 'main.cf'), [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'mail_owner = postfix',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = postfix.test',
    'mydestination =',
    'mynetworks = 127.0.0.0/8',
    'alias_maps =',
    'alias_database =',
    'local_recipient_maps =',
    `smtpd_tls_cert_file = ${conf}/cert.pem`,
    `smtpd_tls_key_file = ${conf}/key.pem`,
    'smtpd_tls_security_level = may',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    // Accepted mail goes nowhere: the test is about the dialogue, not delivery.
    'default_transport = discard',
    'relay_transport = discard',
    'local_transport = discard',
    `maillog_file = ${dir}/maillog`,
    `maillog_file_prefixes = ${dir}`,
    '',
  ].join('\n'));
  const svc = (name: string, type: string, priv: string, maxproc: string, cmd: string): string => `${name} ${type} ${priv} - n - ${maxproc} ${cmd}`;
  writeFileSync(join(conf, 'master.cf'), [
    svc(`127.0.0.1:${port}`, 'inet', 'n', '-', 'smtpd'),
    ...[['pickup', 'n', '1'], ['cleanup', 'n', '0'], ['qmgr', 'n', '1'], ['rewrite', '-', '-', 'trivial-rewrite'], ['bounce', '-', '0'], ['defer', '-', '0', 'bounce'],
      ['trace', '-', '0', 'bounce'], ['verify', '-', '1'], ['proxymap', '-', '-'], ['error', '-', '-'], ['retry', '-', '-', 'error'], ['discard', '-', '-'],
      ['anvil', '-', '1'], ['scache', '-', '1'], ['tlsmgr', '-', '1']].map(([n, p, m, c]) => svc(n!, 'unix', p!, m!, c ?? n!)),
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n'));
  // Creates the queue directories with their owners and modes.
  spawnSync('postfix', ['-c', conf, 'check'], { stdio: 'ignore' });
  const child: ChildProcess = spawn(MASTER, ['-c', conf, '-d'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  const end = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > end) {
      const log = existsSync(join(dir, 'maillog')) ? readFileSync(join(dir, 'maillog'), 'utf8') : '';
      await stop();
      throw new Error(`postfix did not start listening (exit ${child.exitCode}): ${stderr}${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop };
}
