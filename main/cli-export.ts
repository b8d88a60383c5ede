// `mailtap export`, `mailtap export-messages` and `mailtap import`. The exports read the data
// directory without writing to it (core/export/data-dir-read.ts), so they are safe while a
// server runs on it. An import writes to the store, which is single-writer: when a server runs
// on the data directory (DATA/server.json names a live process), the file goes through that
// server's API, streamed; otherwise the store is opened directly.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { MessageImportResult, MessageSummary } from '../shared/types.js';
import { defaultDataDir } from './core/data-dir.js';
import { readMessageIndex, readSession, readWholeMessage } from './core/export/data-dir-read.js';
import { sessionKeyLog } from './core/export/keylog.js';
import { importMessages, type ImportProgress } from './core/export/message-import.js';
import { MAX_IMPORT_BYTES, mboxChunks, portsOption, sessionExportFormat } from './core/export/service-export.js';
import { sessionPcapng } from './core/export/session-pcap.js';
import { parseSessionJson } from './core/export/session-json.js';
import { sessionTranscript } from './core/export/transcript.js';
import { claimDataDir, removeServerMarker, runningServer } from './core/server-marker.js';
import { MessageStore } from './core/store/message-store.js';
import { matchesMessage } from './core/store/query.js';
import { SettingsStore } from './core/store/settings-store.js';

export const EXPORT_USAGE = `  mailtap export <session-id | session.json> [--format transcript|pcapng|keylog] [-o FILE]
                              a session as a C:/S: transcript (default), a pcapng of its plaintext
                              streams (--ports standard: server port 25/110/143), or its TLS keys
  mailtap export-messages [--ids ID,ID] [--query Q] [--from A] [--to A] [--subject S] -o FILE.mbox
                              messages as mboxrd, oldest first (default: all)
  mailtap import FILE.eml|FILE.mbox [--format auto|eml|mbox]
                              add messages to the store as if caught (through the running
                              server's API when one runs on the data directory)
      --data DIR             the data directory (default: the server's)`;

type Out = (s: string) => void;

/** String options only, plus --data and -o/--out; strict, so a typo is an error. */
function args(argv: string[], names: string[]): { values: Record<string, string | undefined>; positionals: string[] } {
  const options: Record<string, { type: 'string'; short?: string }> = { data: { type: 'string' }, out: { type: 'string', short: 'o' } };
  for (const n of names) options[n] = { type: 'string' };
  const r = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  return { values: r.values as Record<string, string | undefined>, positionals: r.positionals };
}

const dataDirOf = (v: string | undefined): string => (v ? resolve(v) : defaultDataDir());

async function write(file: string | undefined, data: Buffer, err: Out, binary: boolean): Promise<number> {
  if (!file) {
    if (binary && process.stdout.isTTY) {
      err('mailtap: this export is binary: give -o FILE, or redirect stdout');
      return 2;
    }
    process.stdout.write(data);
    return 0;
  }
  const w = createWriteStream(file);
  w.end(data);
  await finished(w);
  err(`mailtap: wrote ${file} (${data.length} bytes)`);
  return 0;
}

export async function exportCommand(argv: string[], err: Out = console.error): Promise<number> {
  const { values, positionals } = args(argv, ['format', 'ports']);
  const ref = positionals[0];
  if (!ref || positionals.length > 1) {
    err(`mailtap export: give one session id or session JSON file\n${EXPORT_USAGE}`);
    return 2;
  }
  const format = sessionExportFormat(values.format);
  const ports = portsOption(values.ports);
  const fromFile = ref.endsWith('.json');
  const src = fromFile ? { ...parseSessionJson(await readFile(resolve(ref), 'utf8')), keyLog: [] } : await readSession(dataDirOf(values.data), ref);
  const out = values.out;
  if (format === 'transcript') return write(out, sessionTranscript(src), err, false);
  if (format === 'pcapng') {
    const code = await write(out, sessionPcapng(src, { ports }), err, true);
    if (!code && ports === 'recorded') {
      const port = src.summary.server.port;
      err(`  tshark -r ${out ?? 'FILE'} -d tcp.port==${port},${src.summary.protocol === 'pop3' ? 'pop' : src.summary.protocol}   (port ${port} is not the protocol's standard port)`);
    }
    return code;
  }
  if (!src.keyLog.length) {
    err(`mailtap export: session ${src.summary.id} has no TLS key material${fromFile ? ' (session JSON does not carry it)' : ' (it used no TLS)'}`);
    return 1;
  }
  return write(out, sessionKeyLog(src.summary, src.keyLog), err, false);
}

export async function exportMessagesCommand(argv: string[], err: Out = console.error): Promise<number> {
  const { values } = args(argv, ['ids', 'query', 'from', 'to', 'subject']);
  const dataDir = dataDirOf(values.data);
  const all = await readMessageIndex(dataDir);
  let selected: MessageSummary[];
  if (values.ids !== undefined) {
    const byId = new Map(all.map((m) => [m.id, m]));
    selected = values.ids.split(',').filter(Boolean).map((id) => byId.get(id) ?? fail(`no message ${id} in ${dataDir}`));
    selected.sort((a, b) => (a.id < b.id ? -1 : 1));
  } else {
    const q = { q: values.query, from: values.from, to: values.to, subject: values.subject };
    selected = all.filter((m) => matchesMessage(m, q));
  }
  const file = values.out;
  if (!file && process.stdout.isTTY) {
    err('mailtap export-messages: give -o FILE.mbox, or redirect stdout');
    return 2;
  }
  // Streamed with backpressure: one message in memory at a time, whatever the selection's size.
  const sink = file ? createWriteStream(file) : process.stdout;
  let skipped = 0;
  const whole = async (m: MessageSummary): Promise<Buffer | null> => (await readWholeMessage(dataDir, m)) ?? (skipped++, null);
  const src = Readable.from(mboxChunks(selected, whole));
  src.pipe(sink);
  await finished(src);
  if (file) {
    sink.end();
    await finished(sink);
  }
  const n = selected.length - skipped;
  err(`mailtap: ${n} message${n === 1 ? '' : 's'} exported${file ? ` to ${file}` : ''}${skipped ? ` (${skipped} still being written, left out)` : ''}`);
  return 0;
}

const progressLine = (p: Pick<ImportProgress, 'bytes' | 'total' | 'imported'>): string =>
  `mailtap import: ${(p.bytes / 1048576).toFixed(1)} MiB${p.total ? ` of ${(p.total / 1048576).toFixed(1)} MiB` : ''}${p.imported ? `, ${p.imported} messages` : ''}`;

export async function importCommand(argv: string[], out: Out = console.log, err: Out = console.error): Promise<number> {
  const { values, positionals } = args(argv, ['format']);
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    err(`mailtap import: give one .eml or mbox file\n${EXPORT_USAGE}`);
    return 2;
  }
  const format = (values.format ?? 'auto') as 'auto' | 'eml' | 'mbox';
  if (!['auto', 'eml', 'mbox'].includes(format)) throw new Error('--format must be auto, eml or mbox');
  const dataDir = dataDirOf(values.data);
  const size = (await stat(file)).size;
  const found = await runningServer(dataDir);
  if (found && !found.url) throw new Error(`another mailtap command (pid ${found.pid}) has the store in ${dataDir} open; wait for it to finish`);
  const server = found;
  const result = server ? await viaServer(server.url, file, size, format, err) : await direct(dataDir, file, size, format, err);
  out(`mailtap: imported ${result.imported} message${result.imported === 1 ? '' : 's'} (${result.format})${server ? ` through the server (pid ${server.pid})` : ''}`);
  for (const s of result.skipped.slice(0, 20)) err(`  skipped message ${s.index}: ${s.reason}`);
  if (result.skipped.length > 20) err(`  … and ${result.skipped.length - 20} more skipped`);
  return result.skipped.length ? 1 : 0;
}

/** No server: open the store (single writer) and add the messages, printing progress. */
async function direct(dataDir: string, file: string, size: number, format: 'auto' | 'eml' | 'mbox', err: Out): Promise<MessageImportResult> {
  // Hold the directory, so that a server cannot start on the store while this writes to it.
  await claimDataDir(dataDir, '');
  try {
    return await directImport(dataDir, file, size, format, err);
  } finally {
    await removeServerMarker(dataDir);
  }
}

async function directImport(dataDir: string, file: string, size: number, format: 'auto' | 'eml' | 'mbox', err: Out): Promise<MessageImportResult> {
  const settings = new SettingsStore(dataDir);
  await settings.open();
  const store = new MessageStore(dataDir);
  await store.open();
  try {
    return await importMessages(createReadStream(file), (m) => store.add(m), {
      format,
      maxMessageSize: settings.get().smtp.maxMessageSize,
      maxBytes: MAX_IMPORT_BYTES,
      total: size,
      progressEveryMs: 1000,
      onProgress: (p) => err(progressLine(p)),
    });
  } finally {
    await store.close();
  }
}

/** A server runs on the data directory: stream the file to its messages.import call. */
async function viaServer(base: string, file: string, size: number, format: string, err: Out): Promise<MessageImportResult> {
  const url = new URL('/api/messages/import', base);
  const token = new URL(base).searchParams.get('token');
  if (token) url.searchParams.set('token', token);
  if (format !== 'auto') url.searchParams.set('format', format);
  let sent = 0;
  let last = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of createReadStream(file)) {
        sent += (chunk as Buffer).length;
        if (Date.now() - last >= 1000) (last = Date.now()), err(progressLine({ bytes: sent, total: size, imported: 0 }));
        yield chunk as Buffer;
      }
    })(),
  );
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: Readable.toWeb(counted) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await r.json()) as MessageImportResult & { error?: { message: string } };
  if (!r.ok) throw new Error(body.error?.message ?? `the server answered ${r.status}`);
  return body;
}

function fail(message: string): never {
  throw new Error(message);
}
