// ShardedMap (main/core/store/sharded-map.ts) against Map: the same answers for any sequence of
// sets and deletes (fast-check), every entry iterated once, and eviction near a key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ShardedMap } from '../../main/core/store/sharded-map.js';

test('any sequence of set and delete: the same size, lookups and entries as a Map', () => {
  const op = fc.tuple(fc.boolean(), fc.string({ minLength: 0, maxLength: 6 }), fc.integer());
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const ref = new Map<string, number>();
      const m = new ShardedMap<number>();
      for (const [put, k, v] of ops) {
        if (put) assert.equal(m.set(k, v), m), ref.set(k, v);
        else assert.equal(m.delete(k), ref.delete(k));
        assert.equal(m.size, ref.size);
      }
      for (const [k, v] of ref) assert.equal(m.get(k), v), assert.ok(m.has(k));
      const sort = (x: [string, number][]): [string, number][] => x.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      assert.deepEqual(sort([...m]), sort([...ref]));
      assert.deepEqual([...m.keys()].sort(), [...ref.keys()].sort());
      assert.deepEqual([...m.values()].sort(), [...ref.values()].sort());
      let seen = 0;
      m.forEach((v, k) => (assert.equal(ref.get(k), v), seen++));
      assert.equal(seen, ref.size);
    }),
    { numRuns: 300 },
  );
});

test('oldestNear gives the first key put in the same shard, for eviction; clear empties it', () => {
  const m = new ShardedMap<number>();
  for (let i = 0; i < 1000; i++) m.set(`id${i}`, i);
  const first = m.oldestNear('id999')!;
  assert.ok(m.has(first));
  assert.equal(m.oldestNear(first), first, 'a key is in its own shard, and is the oldest there');
  assert.ok(Number(first.slice(2)) < 999);
  m.delete(first);
  assert.notEqual(m.oldestNear('id999'), first);
  m.clear();
  assert.equal(m.size, 0);
  assert.equal(m.oldestNear('id1'), undefined);
});
