// Row positions for VirtualList: every row is `rowHeight` tall, plus an extra height for the
// few expanded ones. Lookups walk the sorted expanded rows, so they cost O(expanded).
export class RowGeometry {
  private readonly expanded: Array<[index: number, extra: number]>;

  constructor(
    readonly count: number,
    readonly rowHeight: number,
    extras?: ReadonlyMap<number, number>,
  ) {
    this.expanded = extras
      ? [...extras].filter(([i, h]) => i >= 0 && i < count && h > 0).sort((a, b) => a[0] - b[0])
      : [];
  }

  top(index: number): number {
    let extra = 0;
    for (const [i, h] of this.expanded) {
      if (i >= index) break;
      extra += h;
    }
    return index * this.rowHeight + extra;
  }

  height(index: number): number {
    for (const [i, h] of this.expanded) {
      if (i === index) return this.rowHeight + h;
      if (i > index) break;
    }
    return this.rowHeight;
  }

  totalHeight(): number {
    return this.count * this.rowHeight + this.expanded.reduce((s, [, h]) => s + h, 0);
  }

  /** The row under the pixel offset y (clamped to the list). */
  indexAt(y: number): number {
    if (this.count === 0) return 0;
    let extra = 0;
    for (const [i, h] of this.expanded) {
      const top = i * this.rowHeight + extra;
      if (y < top) break;
      if (y < top + this.rowHeight + h) return i;
      extra += h;
    }
    const index = Math.floor((y - extra) / this.rowHeight);
    return Math.max(0, Math.min(this.count - 1, index));
  }
}
