/**
 * Values keyed by DTF sequence id: the small, dense, non-negative integers `TaskOrchestrationContext`
 * hands out, in order. Kept in an array indexed by id. A replay adds and removes an entry per
 * action of the whole history every episode; a `Map` that empties allocates a new table each time
 * (V8 shrinks it), which a long sequence paid for in garbage collection.
 */
export class IdTable<T> {
  private readonly slots: (T | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): T | undefined {
    return isId(id) ? this.slots[id] : undefined;
  }

  set(id: number, value: T): void {
    if (!isId(id)) throw new RangeError(`A sequence id is a non-negative integer; got ${id}.`);
    if (this.slots[id] === undefined) this.count += 1;
    this.slots[id] = value;
  }

  delete(id: number): boolean {
    if (this.get(id) === undefined) return false;
    this.slots[id] = undefined;
    this.count -= 1;
    return true;
  }

  /** The values, in order of id. */
  values(): T[] {
    const values: T[] = [];
    for (const value of this.slots) if (value !== undefined) values.push(value);
    return values;
  }

  clear(): void {
    this.slots.length = 0;
    this.count = 0;
  }
}

function isId(id: number): boolean {
  return Number.isInteger(id) && id >= 0;
}
