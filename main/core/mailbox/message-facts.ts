// What IMAP needs to know about stored messages beyond their summaries, computed on first use
// and kept: the encoded ENVELOPE, BODY and BODYSTRUCTURE strings, the size with CRLF line ends,
// and (for a few recent messages) the bytes and part tree. One instance serves every IMAP
// session of a store, so a second client's FETCH ENVELOPE costs no file reads.
import type { MessageSummary } from '../../../shared/types.js';
import { readStructure } from '../mime/structure.js';
import type { MimeTreeNode } from '../mime/tree-types.js';
import { encodeBodyStructure } from '../protocols/imap/bodystructure.js';
import { encodeEnvelope } from '../protocols/imap/envelope.js';
import { type RawField, readFields } from '../protocols/imap/header-fields.js';
import type { FetchData, FetchWants } from '../protocols/imap/requests.js';
import type { MessageStore } from '../store/message-store.js';
import { ShardedMap } from '../store/sharded-map.js';
import { toCrlf } from './crlf.js';
import { type CachedFacts, FactsFile } from './facts-file.js';

interface Facts extends CachedFacts {
  size?: number;
}

export interface Content {
  /** The message with CRLF line ends. */
  raw: Buffer;
  tree: MimeTreeNode;
}

/** Facts kept for this many messages; past it the oldest entries go (they are cheap to redo). */
const MAX_FACTS = 200_000;
/** Messages whose bytes are kept, for the BODYSTRUCTURE-then-parts pattern of clients. */
const MAX_CONTENT = 32;
const MAX_CONTENT_BYTES = 64 * 1024 * 1024;

/** A message whose lines may end in bare LF, which IMAP serves as CRLF. */
const mayHaveBareLf = (m: MessageSummary): boolean => m.warnings.some((w) => w.startsWith('bare LF'));

export function flagsOf(m: MessageSummary): string[] {
  return m.read ? ['\\Seen', ...(m.flags ?? [])] : [...(m.flags ?? [])];
}

export class MessageFacts {
  private readonly facts = new ShardedMap<Facts>();
  private readonly contents = new Map<string, Promise<Content>>();
  private readonly contentSizes = new Map<string, number>();
  private readonly file: FactsFile | null;
  /** Resolves once the facts kept on disk are loaded. */
  readonly ready: Promise<void>;

  /** `file`: where to keep the encoded facts across restarts (see facts-file.ts). */
  constructor(
    private readonly store: MessageStore,
    file?: string,
  ) {
    this.file = file ? new FactsFile(file) : null;
    this.ready = this.file
      ? this.file.load((id) => !!store.get(id)).then(
          (kept) => {
            for (const [id, f] of kept) if (!this.facts.has(id)) this.facts.set(id, { ...f });
          },
          () => undefined,
        )
      : Promise.resolve();
    store.watch((c) => {
      if (c.type === 'deleted') for (const id of c.ids) (this.facts.delete(id), this.forgetContent(id));
      else if (c.type === 'added') this.warm(c.item.id, c.raw);
    });
  }

  /**
   * Work out a new message's ENVELOPE when it arrives, so that clients listing new mail
   * (FETCH … ENVELOPE is what every client asks first) find it ready. Failures only mean it is
   * done later, on demand.
   */
  private warm(id: string, raw?: Buffer): void {
    if (this.facts.get(id)?.envelope !== undefined) return;
    if (raw) {
      // The bytes are in hand: a header scan, no file read.
      this.keepEnvelope(id, readFields(raw, 0, raw.length));
      return;
    }
    // Reading the file back is worth it only while an IMAP client is connected; otherwise it is
    // done on demand at the first FETCH.
    if (this.clients === 0) return;
    void this.headerFields(id).then(
      (fields) => {
        if (this.store.get(id)) this.keepEnvelope(id, fields);
      },
      () => undefined,
    );
  }

  private keepEnvelope(id: string, fields: RawField[]): void {
    const f = this.remember(id);
    if (f.envelope !== undefined) return;
    f.envelope = encodeEnvelope(fields);
    this.file?.add(id, { envelope: f.envelope });
  }

  /** IMAP connections open now (the sink counts them). */
  clients = 0;

  /** Wait until the facts worked out so far are in the cache file (tests, shutdown). */
  async settled(): Promise<void> {
    await this.ready;
    await this.file?.settled();
  }

  /** RFC822.SIZE, if it is known without reading the message. */
  knownSize(m: MessageSummary): number | null {
    return mayHaveBareLf(m) ? (this.facts.get(m.id)?.size ?? null) : m.size;
  }

  async size(m: MessageSummary): Promise<number> {
    return this.knownSize(m) ?? (await this.content(m.id)).raw.length;
  }

  /** The message with CRLF line ends and its part tree; the last few are kept. */
  content(id: string): Promise<Content> {
    let p = this.contents.get(id);
    if (p) {
      // Most recently used last.
      this.contents.delete(id);
      this.contents.set(id, p);
      return p;
    }
    p = this.store.raw(id).then((stored) => {
      const raw = toCrlf(stored);
      this.remember(id).size = raw.length;
      if (this.contents.has(id)) this.contentSizes.set(id, raw.length);
      this.trim();
      return { raw, tree: readStructure(raw).tree };
    });
    p.catch(() => this.forgetContent(id));
    this.contents.set(id, p);
    this.trim();
    return p;
  }

  /** Keep at most MAX_CONTENT messages and MAX_CONTENT_BYTES, dropping the oldest first. */
  private trim(): void {
    let bytes = 0;
    for (const n of this.contentSizes.values()) bytes += n;
    for (const key of this.contents.keys()) {
      if (this.contents.size <= MAX_CONTENT && bytes <= MAX_CONTENT_BYTES) break;
      bytes -= this.contentSizes.get(key) ?? 0;
      this.forgetContent(key);
    }
  }

  private forgetContent(id: string): void {
    this.contents.delete(id);
    this.contentSizes.delete(id);
  }

  /** The top-level header fields, read without parsing the body. */
  async headerFields(id: string): Promise<RawField[]> {
    const cached = this.contents.get(id);
    const raw = cached ? (await cached).raw : await this.store.raw(id);
    return readFields(raw, 0, raw.length);
  }

  /** One message's FETCH data: flags and sizes from the index, the rest from the cache or the file. */
  async fetch(m: MessageSummary, want: FetchWants): Promise<FetchData> {
    await this.ready;
    const f = this.facts.get(m.id) ?? {};
    const needsContent =
      want.content || (want.bodystructure && f.bodystructure === undefined) || (want.body && f.body === undefined) || this.knownSize(m) === null;
    let content: Content | null = null;
    if (needsContent) content = await this.content(m.id);
    const facts = this.remember(m.id);
    const made: Facts = {};
    if (want.envelope && facts.envelope === undefined) {
      made.envelope = facts.envelope = encodeEnvelope(content ? readFields(content.raw, 0, content.tree.offsets.bodyStart) : await this.headerFields(m.id));
    }
    if (want.bodystructure && facts.bodystructure === undefined) made.bodystructure = facts.bodystructure = encodeBodyStructure(content!.raw, content!.tree, true);
    if (want.body && facts.body === undefined) made.body = facts.body = encodeBodyStructure(content!.raw, content!.tree, false);
    if (Object.keys(made).length) this.file?.add(m.id, made);
    return {
      id: m.id,
      uid: m.uid ?? 0,
      flags: flagsOf(m),
      size: this.knownSize(m) ?? content!.raw.length,
      internalDate: m.receivedAt,
      ...(want.envelope ? { envelope: facts.envelope! } : {}),
      ...(want.bodystructure ? { bodystructure: facts.bodystructure! } : {}),
      ...(want.body ? { body: facts.body! } : {}),
      ...(want.content && content ? { content } : {}),
    };
  }

  private remember(id: string): Facts {
    let f = this.facts.get(id);
    if (!f) {
      if (this.facts.size >= MAX_FACTS) this.facts.delete(this.facts.oldestNear(id)!);
      this.facts.set(id, (f = {}));
    }
    return f;
  }
}
