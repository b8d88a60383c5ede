// The export and import calls of the API (shared/api.ts): sessions.export (transcript, pcapng,
// SSLKEYLOGFILE), messages.export (mboxrd) and messages.import (.eml or mbox). service.ts and
// api-handlers.ts delegate here; the formats themselves are pure modules beside this one.
import type { BinaryResult, MessageQuery } from '../../../shared/api.js';
import type { MessageImportResult, MessageSummary } from '../../../shared/types.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { newId } from '../store/ids.js';
import type { MailtapService } from '../service.js';
import { sourceFromStore } from '../replay/source.js';
import { sessionKeyLog } from './keylog.js';
import { ImportError, importMessages, type ImportFormat } from './message-import.js';
import { fromLineOf, mboxEntry } from './mbox-write.js';
import { sessionPcapng } from './session-pcap.js';
import { sessionTranscript } from './transcript.js';

export type SessionExportFormat = 'transcript' | 'pcapng' | 'keylog';
export const SESSION_EXPORT_FORMATS: readonly SessionExportFormat[] = ['transcript', 'pcapng', 'keylog'];

/** An mbox built in memory for the API; larger selections go through `mailtap export-messages`. */
export const MAX_MBOX_EXPORT_BYTES = 512 * 1024 * 1024;
/** An import read from one request or file; memory stays bounded by the message size limit. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024 * 1024;

const FILE_TYPES: Record<SessionExportFormat, { contentType: string; suffix: string }> = {
  transcript: { contentType: 'text/plain; charset=utf-8', suffix: '.txt' },
  pcapng: { contentType: 'application/x-pcapng', suffix: '.pcapng' },
  keylog: { contentType: 'text/plain; charset=us-ascii', suffix: '.keylog' },
};

export function sessionExportFormat(v: unknown): SessionExportFormat {
  const f = v ?? 'transcript';
  if (!SESSION_EXPORT_FORMATS.includes(f as SessionExportFormat)) throw badRequest(`format must be ${SESSION_EXPORT_FORMATS.join(', ')}`);
  return f as SessionExportFormat;
}

export function portsOption(v: unknown): 'recorded' | 'standard' {
  if (v === undefined || v === '' || v === 'recorded') return 'recorded';
  if (v === 'standard') return 'standard';
  throw badRequest('ports must be recorded or standard');
}

export async function exportSession(s: MailtapService, p: { id?: unknown; format?: unknown; ports?: unknown }): Promise<BinaryResult> {
  if (typeof p.id !== 'string' || !p.id) throw badRequest('id is required');
  const format = sessionExportFormat(p.format);
  const ports = portsOption(p.ports);
  const src = await sourceFromStore(s.sessions, p.id);
  if (!src) throw notFound('session');
  const { contentType, suffix } = FILE_TYPES[format];
  const filename = `mailtap-${src.summary.protocol}-${src.summary.id}${suffix}`;
  if (format === 'transcript') return { contentType, filename, data: sessionTranscript(src) };
  if (format === 'pcapng') return { contentType, filename, data: sessionPcapng(src, { ports, application: `mailtap ${s.info().version}` }) };
  const keys = await s.sessions.keyLog(src.summary.id);
  if (!keys.length) throw notFound(`TLS key material of session ${src.summary.id} (it used no TLS, or was recorded before sessions kept their keys)`);
  return { contentType, filename, data: sessionKeyLog(src.summary, keys) };
}

/** The messages a selection names, oldest first: ids, else a query, else all. */
export function selectMessages(s: MailtapService, p: MessageQuery & { ids?: unknown }): MessageSummary[] {
  const ids = typeof p.ids === 'string' ? p.ids.split(',').filter(Boolean) : Array.isArray(p.ids) ? p.ids.map(String) : null;
  if (ids?.length) {
    return ids.map((id) => s.messages.get(id) ?? throwNotFound(`message ${id}`)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  const q: MessageQuery = {};
  for (const k of ['q', 'from', 'to', 'subject', 'sessionId'] as const) if (typeof p[k] === 'string' && p[k]) q[k] = p[k];
  const out: MessageSummary[] = [];
  for (let offset = 0; ; ) {
    const page = s.messages.list({ ...q, offset, limit: 500 });
    out.push(...page.items);
    offset += page.items.length;
    if (!page.items.length || offset >= page.total) break;
  }
  return out.reverse();
}

/**
 * mboxrd of the selected messages, each as it was caught; an imported one with its From_ line.
 * A message whose bytes `raw` cannot give yet (null) is left out.
 */
export async function* mboxChunks(messages: Iterable<MessageSummary>, raw: (m: MessageSummary) => Promise<Buffer | null>): AsyncGenerator<Buffer> {
  for (const m of messages) {
    const bytes = await raw(m);
    if (bytes) yield* mboxEntry(fromLineOf(m), bytes);
  }
}

export async function exportMessages(s: MailtapService, p: MessageQuery & { ids?: unknown }): Promise<BinaryResult> {
  const selected = selectMessages(s, p);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const b of mboxChunks(selected, (m) => s.messages.raw(m.id))) {
    size += b.length;
    if (size > MAX_MBOX_EXPORT_BYTES) throw new ApiError(413, 'too_large', `the mbox would be over ${MAX_MBOX_EXPORT_BYTES} bytes: export a smaller selection, or use mailtap export-messages`);
    parts.push(b);
  }
  return { contentType: 'application/mbox', filename: `mailtap-${selected.length}-messages.mbox`, data: Buffer.concat(parts) };
}

/** The input of messages.import: a stream (HTTP body), bytes (IPC) or base64 text (JSON). */
function inputOf(data: unknown): AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array) return (async function* () { yield data; })();
  if (typeof data === 'string') {
    const bytes = Buffer.from(data, 'base64');
    return (async function* () { yield bytes; })();
  }
  if (data && typeof (data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') return data as AsyncIterable<Uint8Array>;
  throw badRequest('data is required: the .eml or mbox bytes (the request body, or base64 in JSON)');
}

export async function importMessagesCall(s: MailtapService, p: { data?: unknown; format?: unknown; size?: unknown }): Promise<MessageImportResult> {
  const format = p.format ?? 'auto';
  if (format !== 'auto' && format !== 'eml' && format !== 'mbox') throw badRequest('format must be auto, eml or mbox');
  const importId = newId();
  const total = Number(p.size) > 0 ? Number(p.size) : null;
  try {
    return await importMessages(inputOf(p.data), (m) => s.storeMessage(m), {
      format: format as ImportFormat | 'auto',
      maxMessageSize: s.settings.get().smtp.maxMessageSize,
      maxBytes: MAX_IMPORT_BYTES,
      total,
      onProgress: (progress) => s.emit('messages.import.progress', { importId, ...progress }),
    });
  } catch (e) {
    if (e instanceof ImportError) throw new ApiError(e.status, e.status === 413 ? 'too_large' : 'bad_request', e.message);
    throw e;
  }
}

function throwNotFound(what: string): never {
  throw notFound(what);
}
