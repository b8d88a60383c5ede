// Node peers for the benchmarks: what Node itself allows on this machine, with none of
// mailtap's work, so that a ratio can be read against the runtime as well as against C.
//   smtp-server  nodemailer's SMTP server (MailDev's), its 100 ms greeting delay patched out,
//                discarding every message: the Node ceiling for a sink that stores nothing.
//   node-pipe    net.Socket.pipe() both ways: the Node ceiling for a relay that records nothing.
import { join } from 'node:path';
import { freePort, startProcess, waitForPort, type Proc } from './procs.js';

const root = new URL('../..', import.meta.url).pathname;

const SMTP_SERVER = (dir: string, port: number): string => `
const { SMTPServer } = await import(${JSON.stringify(join(dir, 'smtp-server/dist/esm/smtp-server.js'))});
const { SMTPConnection } = await import(${JSON.stringify(join(dir, 'smtp-server/dist/esm/smtp-connection.js'))});
// The library waits 100 ms before its greeting to catch early talkers; greet at once instead.
SMTPConnection.prototype.init = function () { this._setListeners(() => this.connectionReady()); };
const server = new SMTPServer({
  disableReverseLookup: true, authOptional: true, disabledCommands: ['STARTTLS'], logger: false, maxClients: 4096,
  onData(stream, session, done) { stream.on('data', () => {}); stream.on('end', () => done()); },
});
server.on('error', () => {});
server.listen(${port}, '127.0.0.1');
`;

/** nodemailer's smtp-server without its greeting delay (installed with MailDev in .bench/). */
export async function startSmtpServerPeer(): Promise<{ port: number; proc: Proc }> {
  const port = await freePort();
  const proc = startProcess('smtp-server', process.execPath, ['--input-type=module', '-e', SMTP_SERVER(join(root, '.bench/node_modules'), port)]);
  await waitForPort(port);
  return { port, proc };
}

const PIPE = (port: number, upstream: number): string => `
const net = require('node:net');
// Nagle off both ways, as mailtap's relay and socat have it for small request/response writes.
net.createServer({ noDelay: true }, (c) => {
  const u = net.connect({ port: ${upstream}, host: '127.0.0.1', noDelay: true });
  c.pipe(u).on('error', () => c.destroy());
  u.pipe(c).on('error', () => u.destroy());
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
}).listen({ port: ${port}, host: '127.0.0.1', backlog: 4096 });
`;

/** A Node relay that only pipes bytes. */
export async function startNodePipe(upstream: number): Promise<{ port: number; proc: Proc }> {
  const port = await freePort();
  const proc = startProcess('node-pipe', process.execPath, ['-e', PIPE(port, upstream)]);
  await waitForPort(port);
  return { port, proc };
}
