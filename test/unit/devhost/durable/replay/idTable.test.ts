import { IdTable } from '../../../../../devhost/src/durable/replay/idTable';

describe('IdTable', () => {
  it('keeps values by id, counts them, and lists them in order of id', () => {
    const table = new IdTable<string>();
    table.set(3, 'c');
    table.set(0, 'a');
    table.set(1, 'b');
    table.set(1, 'B');
    expect(table.size).toBe(3);
    expect(table.get(1)).toBe('B');
    expect(table.get(2)).toBeUndefined();
    expect(table.values()).toEqual(['a', 'B', 'c']);

    expect(table.delete(0)).toBe(true);
    expect(table.delete(0)).toBe(false);
    expect(table.delete(2)).toBe(false);
    expect(table.size).toBe(2);
    expect(table.values()).toEqual(['B', 'c']);

    table.clear();
    expect(table.size).toBe(0);
    expect(table.values()).toEqual([]);
  });

  it('finds nothing under an id DTF never hands out, and refuses to store one', () => {
    const table = new IdTable<string>();
    table.set(0, 'a');
    for (const id of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 1e12]) {
      expect(table.get(id)).toBeUndefined();
      expect(table.delete(id)).toBe(false);
    }
    expect(() => table.set(-1, 'x')).toThrow(RangeError);
    expect(() => table.set(1.5, 'x')).toThrow(RangeError);
    // A property of arrays is not an entry.
    expect(table.get('length' as unknown as number)).toBeUndefined();
    expect(table.size).toBe(1);
  });
});
