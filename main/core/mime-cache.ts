// Full MIME decoding is done on demand (the list needs only the summary made at arrival) and
// the last few results are kept, since a user opening a message asks for several views of it.
import { parseMessage, type ParsedMessage } from './mime/index.js';
import { notFound } from './errors.js';
import type { MessageStore } from './store/message-store.js';

const KEEP = 16;

export class ParsedCache {
  private readonly cache = new Map<string, Promise<{ raw: Buffer; parsed: ParsedMessage }>>();

  constructor(private readonly store: MessageStore) {}

  get(id: string): Promise<{ raw: Buffer; parsed: ParsedMessage }> {
    if (!this.store.get(id)) return Promise.reject(notFound('message'));
    let p = this.cache.get(id);
    if (p) {
      this.cache.delete(id);
      this.cache.set(id, p);
      return p;
    }
    p = this.store.raw(id).then(async (raw) => ({ raw, parsed: await parseMessage(raw) }));
    p.catch(() => this.cache.delete(id));
    this.cache.set(id, p);
    for (const key of this.cache.keys()) {
      if (this.cache.size <= KEEP) break;
      this.cache.delete(key);
    }
    return p;
  }

  forget(ids: string[]): void {
    for (const id of ids) this.cache.delete(id);
  }
}
