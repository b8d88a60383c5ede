// A Map of string keys split into shards by a hash of the key, for the indexes that hold one
// entry per stored message. V8 grows a Map by rehashing all of it in one step, and that step
// grows with the Map: one set() took 13 ms at 65,536 entries and 26 ms at 131,072 (measured on
// the CI machines), and the message index and the IMAP facts reach those sizes together, so a
// store of 100,000 messages stalled the event loop for ~40 ms while it grew. In 64 shards each
// rehash is 64 times smaller, and the shards reach their sizes at different messages.
//
// It is a Map<string, V> to its callers, except for order: iteration goes shard by shard, not
// in insertion order. The callers sort what they need sorted.

const SHARDS = 64;

/** FNV-1a over the key's UTF-16 code units, folded to a shard number. */
function shardOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SHARDS;
}

export class ShardedMap<V> implements Map<string, V> {
  private readonly shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map<string, V>());
  private count = 0;
  readonly [Symbol.toStringTag] = 'ShardedMap';

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    return this.shards[shardOf(key)]!.get(key);
  }

  has(key: string): boolean {
    return this.shards[shardOf(key)]!.has(key);
  }

  set(key: string, value: V): this {
    const s = this.shards[shardOf(key)]!;
    const before = s.size;
    s.set(key, value);
    this.count += s.size - before;
    return this;
  }

  delete(key: string): boolean {
    const gone = this.shards[shardOf(key)]!.delete(key);
    if (gone) this.count--;
    return gone;
  }

  clear(): void {
    for (const s of this.shards) s.clear();
    this.count = 0;
  }

  /** The oldest key in the shard `key` belongs to: a cheap stand-in for the oldest of all, for eviction. */
  oldestNear(key: string): string | undefined {
    return this.shards[shardOf(key)]!.keys().next().value;
  }

  forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[string, V]> {
    for (const s of this.shards) yield* s.entries();
  }

  *keys(): MapIterator<string> {
    for (const s of this.shards) yield* s.keys();
  }

  *values(): MapIterator<V> {
    for (const s of this.shards) yield* s.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
