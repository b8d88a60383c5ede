// Sequence sets (RFC 3501 §9 sequence-set, §6.4.8): "1:4,7,9:*". "*" is the largest number in
// use, and a range may be written either way round ("5:2" is "2:5").

export type SeqNumber = number | '*';
export type SequenceSet = Array<[SeqNumber, SeqNumber]>;

const NUM = /^[1-9][0-9]{0,9}$/;

export function parseSequenceSet(s: string): SequenceSet | null {
  if (!s) return null;
  const out: SequenceSet = [];
  for (const part of s.split(',')) {
    const bits = part.split(':');
    if (bits.length > 2) return null;
    const nums: SeqNumber[] = [];
    for (const b of bits) {
      if (b === '*') nums.push('*');
      else if (NUM.test(b) && Number(b) <= 0xffffffff) nums.push(Number(b));
      else return null;
    }
    out.push([nums[0]!, nums[1] ?? nums[0]!]);
  }
  return out;
}

/**
 * The positions (0-based) in `values` (ascending) that the set names. `*` is the last value;
 * when the list is empty, `*` names nothing. Walks each range with binary search, so "1:*" over
 * ten thousand messages is one pass.
 */
export function selectPositions(set: SequenceSet, values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const max = values[values.length - 1]!;
  const hit = new Uint8Array(values.length);
  for (const [a, b] of set) {
    const x = a === '*' ? max : a;
    const y = b === '*' ? max : b;
    const lo = Math.min(x, y);
    const hi = Math.max(x, y);
    for (let i = lowerBound(values, lo); i < values.length && values[i]! <= hi; i++) hit[i] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < hit.length; i++) if (hit[i]) out.push(i);
  return out;
}

/** Sequence numbers 1..n as positions: the set applied to message numbers. */
export function selectSequence(set: SequenceSet, count: number): number[] {
  if (count === 0) return [];
  const hit = new Uint8Array(count);
  for (const [a, b] of set) {
    const x = a === '*' ? count : a;
    const y = b === '*' ? count : b;
    const lo = Math.max(1, Math.min(x, y));
    const hi = Math.min(count, Math.max(x, y));
    for (let n = lo; n <= hi; n++) hit[n - 1] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (hit[i]) out.push(i);
  return out;
}

/** True when every number of the set is within 1..count (message sequence numbers must be). */
export function sequenceInRange(set: SequenceSet, count: number): boolean {
  return set.every(([a, b]) => (a === '*' || a <= count) && (b === '*' || b <= count));
}

/** Compact ascending numbers back into set syntax: [1,2,3,7] → "1:3,7" (for COPYUID, SEARCH). */
export function formatSet(nums: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out.push(j === i ? String(nums[i]) : `${nums[i]}:${nums[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
