/**
 * The one file that knows `@vercel/cosmosdb-server`'s in-memory account model (pinned 1.0.1).
 *
 * Every mutation in that model goes through two primitives of its `Items` containers: `_set(data)`
 * (create, replace, upsert, patch, batch and bulk items all end there) and `delete(id, partition)`.
 * Observing those two on the containers of one account gives an exact log of state changes, even
 * for requests that fail halfway (the server's batch is not atomic), and replaying the same calls
 * rebuilds the same state with the same `_rid`, `_etag` and `_ts` the clients saw.
 */
import * as vm from 'node:vm';
import AccountClass from '@vercel/cosmosdb-server/lib/account';

export type Resource = Record<string, unknown> & { id: string; _rid: string };
type Partition = unknown;

interface ItemLike {
  read(): Resource | undefined;
}

interface ItemsLike<I extends ItemLike> {
  _data: Map<string, I>;
  _ridCount: number;
  _set(data: Resource): Resource;
  delete(idOrRid: string, partition: Partition): void;
  _newItem(data?: Resource): I;
  _item(keyPath: string, value: string, partition: Partition): I;
  _getPartition(data: Resource): Partition;
}

interface UdfsLike extends ItemsLike<ItemLike> {
  functions: Record<string, unknown>;
}

interface CollectionLike extends ItemLike {
  documents: ItemsLike<ItemLike>;
  userDefinedFunctions: UdfsLike;
}

interface DatabaseLike extends ItemLike {
  collections: ItemsLike<CollectionLike>;
}

export interface AccountLike extends ItemLike {
  databases: ItemsLike<DatabaseLike>;
}

/** Which container a mutation touched: the databases, a database's containers, or a container's items. */
export type ContainerRef =
  { in: 'dbs' } | { in: 'colls'; db: string } | { in: 'docs'; coll: string } | { in: 'udfs'; coll: string };

export type Mutation =
  | (ContainerRef & { op: 'set'; data: Resource; n: number })
  | (ContainerRef & { op: 'del'; id: string; pk: Partition });

export interface Snapshot {
  n: number;
  dbs: {
    data: Resource;
    n: number;
    colls: { data: Resource; docsN: number; docs: Resource[]; udfsN: number; udfs: Resource[] }[];
  }[];
}

interface AccountConstructor {
  new (host: string, port: number): AccountLike;
}

function loadAccountClass(): AccountConstructor {
  // A deep import: the package's public entry hides the account behind its own request handler.
  const candidate: unknown = AccountClass;
  if (typeof candidate !== 'function') {
    throw new Error(
      '@vercel/cosmosdb-server/lib/account has an unexpected shape: devhost needs @vercel/cosmosdb-server 1.0.1.',
    );
  }
  return candidate as AccountConstructor;
}

/** Creates an account whose advertised endpoints are the plain-http address it is really served on. */
export function createAccount(host: string, port: number): AccountLike {
  const Account = loadAccountClass();
  const account = new Account(host, port);
  const meta = account.read() as Record<string, unknown> | undefined;
  for (const key of ['writableLocations', 'readableLocations']) {
    const locations = meta?.[key];
    if (Array.isArray(locations)) {
      for (const location of locations as Record<string, unknown>[]) {
        location.databaseAccountEndpoint = `http://${host}:${port}/`;
      }
    }
  }
  const probe = account.databases as Partial<ItemsLike<DatabaseLike>>;
  if (
    typeof probe._set !== 'function' ||
    typeof probe.delete !== 'function' ||
    !(probe._data instanceof Map)
  ) {
    throw new Error(
      '@vercel/cosmosdb-server internals changed: devhost needs @vercel/cosmosdb-server 1.0.1 to journal writes.',
    );
  }
  return account;
}

type Sink = (mutation: Mutation) => void;

/** Reports every later mutation of this account to `sink`, synchronously and in model order. */
export function observeAccount(account: AccountLike, sink: Sink): void {
  observeContainer(account.databases, { in: 'dbs' }, sink, (db, data) => {
    observeContainer(db.collections, { in: 'colls', db: data._rid }, sink, (coll, collData) => {
      observeContainer(coll.documents, { in: 'docs', coll: collData._rid }, sink);
      observeContainer(coll.userDefinedFunctions, { in: 'udfs', coll: collData._rid }, sink);
    });
  });
}

function observeContainer<I extends ItemLike>(
  items: ItemsLike<I>,
  ref: ContainerRef,
  sink: Sink,
  onChild?: (child: I, data: Resource) => void,
): void {
  const set = items._set.bind(items);
  const del = items.delete.bind(items);
  items._set = (data) => {
    const stored = set(data);
    sink({ ...ref, op: 'set', data: stored, n: items._ridCount });
    return stored;
  };
  items.delete = (idOrRid, partition) => {
    del(idOrRid, partition);
    sink({ ...ref, op: 'del', id: idOrRid, pk: partition });
  };
  if (onChild) {
    const newItem = items._newItem.bind(items);
    // Lookups of missing ids also build throw-away items without data: only real children matter.
    items._newItem = (data) => {
      const child = newItem(data);
      if (data) onChild(child, data);
      return child;
    };
    for (const child of items._data.values()) {
      const data = child.read();
      if (data) onChild(child, data);
    }
  }
}

function findCollection(account: AccountLike, rid: string): CollectionLike | undefined {
  for (const db of account.databases._data.values()) {
    const coll = db.collections._data.get(rid);
    if (coll) return coll;
  }
  return undefined;
}

function findDatabase(account: AccountLike, rid: string): DatabaseLike | undefined {
  return account.databases._data.get(rid);
}

function containerOf(account: AccountLike, ref: ContainerRef): ItemsLike<ItemLike> | undefined {
  switch (ref.in) {
    case 'dbs':
      return account.databases;
    case 'colls':
      return findDatabase(account, ref.db)?.collections;
    case 'docs':
      return findCollection(account, ref.coll)?.documents;
    case 'udfs':
      return findCollection(account, ref.coll)?.userDefinedFunctions;
  }
}

function putResource(items: ItemsLike<ItemLike>, data: Resource, n: number, udfs?: UdfsLike): void {
  const partition = items._getPartition(data);
  if (items._item('/id', data.id, partition).read()) items.delete(data.id, partition);
  items._set(data);
  items._ridCount = Math.max(items._ridCount, n);
  if (udfs && typeof data.body === 'string') {
    // Same evaluation the server applies when a UDF is created, so queries can call it again.
    udfs.functions[data.id] = vm.runInThisContext(`"use strict";(${data.body})`) as unknown;
  }
}

/** Re-applies one journalled mutation. Returns false when its container no longer exists. */
export function applyMutation(account: AccountLike, mutation: Mutation): boolean {
  const items = containerOf(account, mutation);
  if (!items) return false;
  if (mutation.op === 'set') {
    putResource(items, mutation.data, mutation.n, mutation.in === 'udfs' ? (items as UdfsLike) : undefined);
  } else if (items._item('/id', mutation.id, mutation.pk).read()) {
    items.delete(mutation.id, mutation.pk);
  }
  return true;
}

function resources(items: ItemsLike<ItemLike>): Resource[] {
  const out: Resource[] = [];
  for (const item of items._data.values()) {
    const data = item.read();
    if (data) out.push(data);
  }
  return out;
}

export function snapshotAccount(account: AccountLike): Snapshot {
  return {
    n: account.databases._ridCount,
    dbs: [...account.databases._data.values()].flatMap((db) => {
      const data = db.read();
      if (!data) return [];
      return [
        {
          data,
          n: db.collections._ridCount,
          colls: [...db.collections._data.values()].flatMap((coll) => {
            const collData = coll.read();
            if (!collData) return [];
            return [
              {
                data: collData,
                docsN: coll.documents._ridCount,
                docs: resources(coll.documents),
                udfsN: coll.userDefinedFunctions._ridCount,
                udfs: resources(coll.userDefinedFunctions),
              },
            ];
          }),
        },
      ];
    }),
  };
}

export function restoreSnapshot(account: AccountLike, snapshot: Snapshot): void {
  for (const db of snapshot.dbs) {
    putResource(account.databases, db.data, snapshot.n);
    const database = findDatabase(account, db.data._rid);
    if (!database) continue;
    for (const coll of db.colls) {
      putResource(database.collections, coll.data, db.n);
      const collection = database.collections._data.get(coll.data._rid);
      if (!collection) continue;
      for (const doc of coll.docs) putResource(collection.documents, doc, coll.docsN);
      for (const udf of coll.udfs) {
        putResource(collection.userDefinedFunctions, udf, coll.udfsN, collection.userDefinedFunctions);
      }
    }
  }
  account.databases._ridCount = Math.max(account.databases._ridCount, snapshot.n);
}
