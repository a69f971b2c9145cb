/** A binary min-heap ordered by a numeric key; ties come out in insertion order. */
export class MinHeap<T> {
  private readonly nodes: { key: number; order: number; value: T }[] = [];
  private order = 0;

  get size(): number {
    return this.nodes.length;
  }

  push(key: number, value: T): void {
    const nodes = this.nodes;
    nodes.push({ key, order: this.order++, value });
    let i = nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The smallest key and its value, without removing it. */
  peek(): { key: number; value: T } | undefined {
    return this.nodes[0];
  }

  pop(): { key: number; value: T } | undefined {
    const nodes = this.nodes;
    const top = nodes[0];
    const last = nodes.pop();
    if (top === undefined || last === undefined || nodes.length === 0) return top;
    nodes[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < nodes.length && this.less(left, smallest)) smallest = left;
      if (right < nodes.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }

  clear(): void {
    this.nodes.length = 0;
  }

  private less(a: number, b: number): boolean {
    const x = this.nodes[a];
    const y = this.nodes[b];
    if (!x || !y) return false;
    return x.key < y.key || (x.key === y.key && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const nodes = this.nodes;
    const x = nodes[a];
    const y = nodes[b];
    if (!x || !y) return;
    nodes[a] = y;
    nodes[b] = x;
  }
}
