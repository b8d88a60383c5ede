// The `mailtap` command. `mailtap serve` runs the headless server: the sink and the UI/API.
import './threadpool.js';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startMailtap, type RunningMailtap } from './app.js';
import { VERSION } from './core/service.js';
import { defaultDataDir } from './core/data-dir.js';
import { parseProxySpec } from './core/proxy/config.js';
import type { ProxyListenerConfig } from '../shared/types.js';
import { CA_USAGE, caCommand } from './cli-ca.js';
import { REPLAY_USAGE, replayCommand, serveReplayCommand } from './cli-replay.js';
import { EXPORT_USAGE, exportCommand, exportMessagesCommand, importCommand } from './cli-export.js';

export { defaultDataDir };

const USAGE = `mailtap ${VERSION}: catch, inspect and replay SMTP, POP3 and IMAP

Usage:
  mailtap serve [options]     run the headless server (sink + UI/API)
${CA_USAGE}
${REPLAY_USAGE}
${EXPORT_USAGE}
  mailtap --version | --help

Options for serve:
  --host ADDR        address to bind (default 127.0.0.1; any other needs --token)
  --smtp-port N      SMTP sink port (default 1025; 0 = ephemeral)
  --smtps-port N     SMTP sink with implicit TLS (off unless given)
  --pop3-port N      POP3 server over the caught mail (default 1110; 0 = ephemeral)
  --pop3s-port N     POP3 with implicit TLS (off unless given)
  --imap-port N      IMAP server over the caught mail (default 1143; 0 = ephemeral)
  --imaps-port N     IMAP with implicit TLS (off unless given)
  --http-port N      UI and API port (default 8025; 0 = ephemeral)
  --data DIR         data directory (default: ${defaultDataDir()})
  --token TOKEN      require this token for the API (Authorization: Bearer, or ?token=)
  --max-message-size BYTES   SMTP SIZE limit for this run
  --proxy SPEC       a proxy listener for this run (repeatable), for example
                     'smtp://127.0.0.1:2587=smtp.example.com:587?tls=starttls&upstream-tls=starttls'
                     options: tls, upstream-tls (none|starttls|implicit), verify (true|false), sni, name
`;

export interface ServeFlags {
  host?: string;
  smtpPort?: number;
  smtpsPort?: number;
  pop3Port?: number;
  pop3sPort?: number;
  imapPort?: number;
  imapsPort?: number;
  httpPort?: number;
  data?: string;
  token?: string;
  maxMessageSize?: number;
  proxies?: ProxyListenerConfig[];
}

function port(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number from 0 to 65535`);
  return n;
}

export function parseServeArgs(argv: string[]): ServeFlags {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      'smtp-port': { type: 'string' },
      'smtps-port': { type: 'string' },
      'pop3-port': { type: 'string' },
      'pop3s-port': { type: 'string' },
      'imap-port': { type: 'string' },
      'imaps-port': { type: 'string' },
      'http-port': { type: 'string' },
      data: { type: 'string' },
      token: { type: 'string' },
      'max-message-size': { type: 'string' },
      proxy: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const f: ServeFlags = {};
  if (values.host) f.host = values.host;
  const sp = port(values['smtp-port'], '--smtp-port');
  if (sp !== undefined) f.smtpPort = sp;
  const ssp = port(values['smtps-port'], '--smtps-port');
  if (ssp !== undefined) f.smtpsPort = ssp;
  const pp = port(values['pop3-port'], '--pop3-port');
  if (pp !== undefined) f.pop3Port = pp;
  const psp = port(values['pop3s-port'], '--pop3s-port');
  if (psp !== undefined) f.pop3sPort = psp;
  const ip = port(values['imap-port'], '--imap-port');
  if (ip !== undefined) f.imapPort = ip;
  const isp = port(values['imaps-port'], '--imaps-port');
  if (isp !== undefined) f.imapsPort = isp;
  const hp = port(values['http-port'], '--http-port');
  if (hp !== undefined) f.httpPort = hp;
  if (values.data) f.data = resolve(values.data);
  if (values.token) f.token = values.token;
  if (values['max-message-size']) f.maxMessageSize = Number(values['max-message-size']);
  if (values.proxy?.length) {
    const list: ProxyListenerConfig[] = [];
    for (const spec of values.proxy) list.push(parseProxySpec(spec, list.map((p) => p.name)));
    f.proxies = list;
  }
  return f;
}

/** Start the headless server, print where it listens, and stop cleanly on SIGINT/SIGTERM. */
export async function serve(flags: ServeFlags = {}, log: (s: string) => void = console.log): Promise<RunningMailtap> {
  const dataDir = flags.data ?? defaultDataDir();
  const app = await startMailtap({
    dataDir,
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.smtpPort !== undefined ? { smtpPort: flags.smtpPort } : {}),
    ...(flags.smtpsPort !== undefined ? { smtpsPort: flags.smtpsPort } : {}),
    ...(flags.pop3Port !== undefined ? { pop3Port: flags.pop3Port } : {}),
    ...(flags.pop3sPort !== undefined ? { pop3sPort: flags.pop3sPort } : {}),
    ...(flags.imapPort !== undefined ? { imapPort: flags.imapPort } : {}),
    ...(flags.imapsPort !== undefined ? { imapsPort: flags.imapsPort } : {}),
    ...(flags.httpPort !== undefined ? { httpPort: flags.httpPort } : {}),
    ...(flags.token ? { token: flags.token } : {}),
    ...(flags.maxMessageSize ? { settings: { smtp: { maxMessageSize: flags.maxMessageSize } } } : {}),
    ...(flags.proxies ? { proxies: flags.proxies } : {}),
  });
  log(`mailtap ${VERSION}: data in ${dataDir}`);
  for (const l of app.info.listeners) {
    const host = l.address.includes(':') ? `[${l.address}]` : l.address;
    log(`  ${l.name.padEnd(6)} ${l.protocol} ${l.role} listening on ${host}:${l.port}${l.tls === 'implicit' ? ' (implicit TLS)' : l.tls === 'none' ? '' : ' (STARTTLS available)'}`);
  }
  for (const p of app.service.proxies.list()) if (p.error) log(`  ${p.name} proxy not started: ${p.error}`);
  log(`  ca     ${app.service.ca.certPath} (SHA-256 ${app.service.ca.fingerprint})`);
  log(`  ui     ${app.info.http.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('mailtap: stopping');
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return app;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  if (cmd === '--version' || cmd === '-v') {
    console.log(VERSION);
    return 0;
  }
  if (cmd === 'ca') return caCommand(rest);
  if (cmd === 'replay') return replayCommand(rest);
  if (cmd === 'serve-replay') return serveReplayCommand(rest);
  if (cmd === 'export') return exportCommand(rest);
  if (cmd === 'export-messages') return exportMessagesCommand(rest);
  if (cmd === 'import') return importCommand(rest);
  if (cmd === 'serve') {
    await serve(parseServeArgs(rest));
    return -1; // keep running
  }
  console.error(`mailtap: unknown command ${cmd}\n\n${USAGE}`);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (e: Error) => {
      console.error(`mailtap: ${e.message}`);
      process.exit(2);
    },
  );
}
