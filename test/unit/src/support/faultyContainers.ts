import { type Container, type Item, type Items, type PartitionKey } from '@azure/cosmos';
import { type Containers } from '../../../../src/data/dataStore';

/**
 * Where a crash strikes: `before` the write reaches the store (the process died first), or
 * `after` it landed (the answer was lost on the way back). Either way the caller sees an error.
 */
export type CrashPoint = 'before' | 'after';

export class InjectedCrash extends Error {}

/** Counts the writes of one run and crashes once, at the write with index `crashAt`. */
export class WriteLog {
  writes = 0;
  constructor(
    private readonly crashAt?: number,
    private readonly point: CrashPoint = 'before',
  ) {}

  async write<T>(run: () => Promise<T>): Promise<T> {
    const index = this.writes++;
    if (index !== this.crashAt) return run();
    if (this.point === 'after') await run();
    throw new InjectedCrash(`crash ${this.point} write ${index}`);
  }
}

type Method = (...args: unknown[]) => Promise<unknown>;

/** A proxy whose named methods go through the write log; everything else is the real object. */
function intercept<T extends object>(target: T, methods: readonly string[], log: WriteLog): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as Method;
      if (typeof property === 'string' && methods.includes(property)) {
        return (...args: unknown[]) => log.write(() => method.apply(object, args));
      }
      return method.bind(object);
    },
  });
}

/** The real containers, with every create, upsert and replace passing through `log`. */
export function faultyContainers(containers: Containers, log: WriteLog): Containers {
  const wrap = (container: Container): Container => {
    const items = intercept<Items>(container.items, ['create', 'upsert'], log);
    return new Proxy(container, {
      get(object, property, receiver) {
        if (property === 'items') return items;
        if (property === 'item') {
          return (id: string, partitionKey?: PartitionKey) =>
            intercept<Item>(object.item(id, partitionKey), ['replace', 'delete', 'patch'], log);
        }
        const value = Reflect.get(object, property, receiver) as unknown;
        return typeof value === 'function' ? (value as Method).bind(object) : value;
      },
    });
  };
  return Object.fromEntries(
    Object.entries(containers).map(([name, container]) => [name, wrap(container)]),
  ) as Containers;
}
