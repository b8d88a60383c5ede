// A small diff for the replay view: lines paired by their longest common subsequence, then the
// characters of each changed pair, so a mismatch shows which part of a reply differs.

export type DiffOp = 'same' | 'del' | 'add';

export interface Segment {
  op: DiffOp;
  text: string;
}

/** One row of a side-by-side line diff: expected on the left, actual on the right. */
export interface LinePair {
  left: Segment[] | null;
  right: Segment[] | null;
  changed: boolean;
}

/** Above this many cells the LCS table would cost too much: fall back to prefix/suffix. */
const MAX_CELLS = 250_000;

/** Edit script of two sequences by LCS (O(n·m), bounded by MAX_CELLS). */
export function lcsOps<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean = Object.is): DiffOp[] | null {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return null;
  const w = m + 1;
  const len = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * w + j] = eq(a[i]!, b[j]!) ? len[(i + 1) * w + j + 1]! + 1 : Math.max(len[(i + 1) * w + j]!, len[i * w + j + 1]!);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (eq(a[i]!, b[j]!)) {
      ops.push('same');
      i++;
      j++;
    } else if (len[(i + 1) * w + j]! >= len[i * w + j + 1]!) {
      ops.push('del');
      i++;
    } else {
      ops.push('add');
      j++;
    }
  }
  while (i++ < n) ops.push('del');
  while (j++ < m) ops.push('add');
  return ops;
}

function push(out: Segment[], op: DiffOp, text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

/** Words, runs of spaces and single punctuation: "2.7.0" vs "5.7.8" marks the digits that differ,
 * and a changed word is marked whole rather than letter by letter. */
const TOKENS = /[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu;
const tokens = (s: string): string[] => s.match(TOKENS) ?? [];

/** The tokens of two lines: the left keeps 'same' and 'del', the right 'same' and 'add'. */
export function inlineDiff(a: string, b: string): { left: Segment[]; right: Segment[] } {
  const left: Segment[] = [];
  const right: Segment[] = [];
  const ac = tokens(a);
  const bc = tokens(b);
  const ops = lcsOps(ac, bc);
  if (!ops) {
    // Too long to align: mark what lies between the common prefix and the common suffix.
    let p = 0;
    while (p < ac.length && p < bc.length && ac[p] === bc[p]) p++;
    let s = 0;
    while (s < ac.length - p && s < bc.length - p && ac[ac.length - 1 - s] === bc[bc.length - 1 - s]) s++;
    const cut = (x: string[]) => [x.slice(0, p).join(''), x.slice(p, x.length - s).join(''), x.slice(x.length - s).join('')] as const;
    const [ap, am, as] = cut(ac);
    const [, bm, bs] = cut(bc);
    for (const [op, text] of [['same', ap], ['del', am], ['same', as]] as const) push(left, op, text);
    for (const [op, text] of [['same', ap], ['add', bm], ['same', bs]] as const) push(right, op, text);
    return { left, right };
  }
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === 'same') {
      push(left, 'same', ac[i++]!);
      push(right, 'same', bc[j++]!);
    } else if (op === 'del') push(left, 'del', ac[i++]!);
    else push(right, 'add', bc[j++]!);
  }
  return { left: tidy(left), right: tidy(right) };
}

/** A space or a lone character common to two changes reads as noise: fold it into the change. */
function tidy(segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k]!;
    const prev = out[out.length - 1];
    const next = segs[k + 1];
    if (s.op === 'same' && s.text.length <= 2 && prev && prev.op !== 'same' && next && next.op === prev.op) {
      prev.text += s.text + next.text;
      k++;
      continue;
    }
    push(out, s.op, s.text);
  }
  return out;
}

/**
 * Side-by-side rows of two line lists. Equal lines share a row; a deleted line and an added
 * line next to each other share a row too, with their characters diffed.
 */
export function sideBySide(expected: readonly string[], actual: readonly string[]): LinePair[] {
  const ops = lcsOps(expected, actual) ?? [...expected.map(() => 'del' as const), ...actual.map(() => 'add' as const)];
  const rows: LinePair[] = [];
  let i = 0;
  let j = 0;
  let dels: string[] = [];
  let adds: string[] = [];
  const flush = () => {
    const n = Math.max(dels.length, adds.length);
    for (let k = 0; k < n; k++) {
      const a = dels[k];
      const b = adds[k];
      if (a !== undefined && b !== undefined) {
        const d = inlineDiff(a, b);
        rows.push({ left: d.left, right: d.right, changed: true });
      } else if (a !== undefined) rows.push({ left: [{ op: 'del', text: a }], right: null, changed: true });
      else rows.push({ left: null, right: [{ op: 'add', text: b! }], changed: true });
    }
    dels = [];
    adds = [];
  };
  for (const op of ops) {
    if (op === 'same') {
      flush();
      const text = expected[i++]!;
      j++;
      rows.push({ left: [{ op: 'same', text }], right: [{ op: 'same', text }], changed: false });
    } else if (op === 'del') dels.push(expected[i++]!);
    else adds.push(actual[j++]!);
  }
  flush();
  return rows;
}
