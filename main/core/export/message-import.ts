// Importing .eml and mbox files into the store, as if the messages had been caught (source
// 'import'): they show in the API and the GUI, and in POP3 and IMAP's INBOX. The input is a
// stream of chunks, read as it comes, so a large mbox is never held in memory; each message
// is bounded by the store's maximum message size, and a larger one is skipped and reported.
import type { Envelope, MessageImportProgress, MessageImportResult, MessageSummary } from '../../../shared/types.js';
import { readEnvelopeFields } from '../mime/envelope-fields.js';
import { readHeaderBlock } from '../mime/header-block.js';
import type { NewMessage } from '../store/message-store.js';
import { MboxReader, type MboxMessage } from './mbox-read.js';

export type ImportFormat = 'eml' | 'mbox';

export type ImportProgress = Omit<MessageImportProgress, 'importId'>;

export interface ImportOptions {
  /** 'auto' (the default): an mbox starts with "From ", anything else is one message. */
  format?: ImportFormat | 'auto';
  maxMessageSize: number;
  total?: number | null;
  onProgress?: (p: ImportProgress) => void;
  /** The most bytes read from the input; explicit, though memory does not depend on it. */
  maxBytes?: number;
  /** At most one progress report per this many ms, plus one at the end. */
  progressEveryMs?: number;
}

/** Ids listed in the result; a larger import reports its count only. */
const MAX_IDS = 1000;
const FROM_ = Buffer.from('From ');

export class ImportError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The envelope of an imported message: the sender of the mbox From_ line when it is an
 * address, else the From field; recipients from To and Cc (a file keeps no RCPT TO), so
 * POP3 and IMAP logins by address see the message (README, "Mailboxes").
 */
export function importEnvelope(raw: Buffer, fromLine: Buffer | null): Envelope {
  const fields = readEnvelopeFields(readHeaderBlock(raw, 0, Math.min(raw.length, 256 * 1024)).fields, []);
  const sender = fromLine ? /^From (\S+)/.exec(fromLine.toString('latin1'))?.[1] ?? '' : '';
  return {
    mailFrom: sender.includes('@') ? sender : (fields.from?.address ?? ''),
    rcptTo: [...new Set([...fields.to, ...fields.cc].map((a) => a.address).filter(Boolean))],
    params: {},
    helo: null,
    user: null,
    tls: false,
  };
}

export async function importMessages(
  input: AsyncIterable<Uint8Array>,
  add: (m: NewMessage) => Promise<MessageSummary>,
  o: ImportOptions,
): Promise<MessageImportResult> {
  const p: ImportProgress = { format: o.format === 'eml' || o.format === 'mbox' ? o.format : null, bytes: 0, total: o.total ?? null, imported: 0, skipped: 0, done: false };
  const result: MessageImportResult = { format: 'eml', imported: 0, ids: [], skipped: [], bytes: 0 };
  let lastReport = 0;
  const report = (force = false): void => {
    if (!o.onProgress || (!force && Date.now() - lastReport < (o.progressEveryMs ?? 250))) return;
    lastReport = Date.now();
    o.onProgress({ ...p });
  };
  const keep = async (raw: Buffer, fromLine: Buffer | null, index: number): Promise<void> => {
    if (!raw.length) return skip(index, 'the message is empty');
    const m = await add({
      chunks: [raw],
      envelope: importEnvelope(raw, fromLine),
      sessionId: null,
      source: 'import',
      warnings: [],
      ...(fromLine ? { mboxFrom: fromLine.toString('latin1') } : {}),
    });
    p.imported = ++result.imported;
    if (result.ids.length < MAX_IDS) result.ids.push(m.id);
  };
  const skip = (index: number, reason: string): void => {
    result.skipped.push({ index, reason });
    p.skipped = result.skipped.length;
  };
  const tooLarge = (size: number): string => `${size} bytes is over the maximum message size of ${o.maxMessageSize} bytes`;

  let mbox: MboxReader | null = null;
  const eml: Buffer[] = [];
  let emlSize = 0;
  const onMbox = async (msgs: MboxMessage[]): Promise<void> => {
    for (const m of msgs) {
      if (m.tooLarge) skip(m.index, tooLarge(m.size));
      else await keep(m.chunks[0]!, m.fromLine, m.index);
      report();
    }
  };
  try {
    for await (const chunk of input) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      p.bytes += b.length;
      if (o.maxBytes !== undefined && p.bytes > o.maxBytes) throw new ImportError(413, `the input is over the import limit of ${o.maxBytes} bytes`);
      if (p.format === null) {
        // Decide from the first bytes; a chunk shorter than "From " is rare enough to buffer.
        eml.push(b);
        emlSize += b.length;
        if (emlSize < FROM_.length) continue;
        const head = Buffer.concat(eml);
        eml.length = 0;
        emlSize = 0;
        p.format = head.subarray(0, FROM_.length).equals(FROM_) ? 'mbox' : 'eml';
        if (p.format === 'mbox') {
          mbox = new MboxReader(o.maxMessageSize);
          await onMbox(mbox.push(head));
        } else (eml.push(head), (emlSize = head.length));
      } else if (p.format === 'mbox') {
        mbox ??= new MboxReader(o.maxMessageSize);
        await onMbox(mbox.push(b));
      } else {
        emlSize += b.length;
        if (emlSize > o.maxMessageSize) throw new ImportError(413, `the message is over the maximum message size of ${o.maxMessageSize} bytes`);
        eml.push(b);
      }
      report();
    }
    if (p.format === 'mbox') await onMbox((mbox ??= new MboxReader(o.maxMessageSize)).end());
    else {
      if (emlSize > o.maxMessageSize) throw new ImportError(413, `the message is over the maximum message size of ${o.maxMessageSize} bytes`);
      if (!emlSize) throw new ImportError(400, 'nothing to import: the input is empty');
      p.format = 'eml';
      await keep(Buffer.concat(eml), null, 1);
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    if (/^(not an mbox|mbox message)/.test((e as Error).message)) throw new ImportError(400, (e as Error).message);
    throw e;
  } finally {
    p.done = true;
    result.bytes = p.bytes;
    report(true);
  }
  result.format = p.format ?? 'eml';
  return result;
}
