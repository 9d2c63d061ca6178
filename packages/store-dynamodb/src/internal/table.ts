import type { SecretBox } from '@casekit/core';
import { BatchGetCommand, GetCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { HeldTurns } from './counters.ts';
import { itemKey, type Item, type WriteSet } from './write-set.ts';

// The primitives every read is made of: a consistent GetItem or Query, with the open transaction's writes laid over.

/** What reads and writes share: the document client, the table, and the open transaction's writes if any. */
export interface Context {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Present inside a transaction: its reads see its own writes first. */
  writes?: WriteSet;
  /** Seals channel and bot secrets at rest; without one they are stored as written. */
  box?: SecretBox;
  /** Inside a transaction: the workspace counter turns it holds (`CounterTurns`). */
  turns?: HeldTurns;
}

const reading = new WeakMap<WriteSet, Map<string, Promise<Item | null>>>();

/** One item, consistently; inside a transaction, as the transaction left it or first read it. */
export function getItem(ctx: Context, pk: string, sk: string): Promise<Item | null> {
  const { writes } = ctx;
  if (!writes) return coalescedGet(ctx, pk, sk);
  const pending = writes.pending(pk, sk);
  if (pending !== undefined) return Promise.resolve(pending);
  const before = writes.readBefore(pk, sk);
  if (before !== undefined) return Promise.resolve(before);
  // Two reads of one item at once share one request, and remember its answer before either goes on.
  let inFlight = reading.get(writes);
  if (!inFlight) reading.set(writes, (inFlight = new Map()));
  const id = itemKey(pk, sk);
  let read = inFlight.get(id);
  if (!read) {
    read = coalescedGet(ctx, pk, sk).then((item) => {
      inFlight.delete(id);
      if (writes.readBefore(pk, sk) === undefined) writes.remember(pk, sk, item);
      return writes.readBefore(pk, sk) ?? null;
    });
    inFlight.set(id, read);
  }
  return read;
}

/**
 * Whether this transaction already holds the item (wrote it, or read it present), without a
 * request: for a new item's key, whose `attribute_not_exists` condition guards the rest at commit.
 */
export function heldHere(ctx: Context, pk: string, sk: string): boolean {
  const known = ctx.writes?.pending(pk, sk) !== undefined ? ctx.writes.pending(pk, sk) : ctx.writes?.readBefore(pk, sk);
  return known !== undefined && known !== null;
}

/**
 * The item as this transaction knows it, or else `copy` (an item read inside another, as a
 * profile inside its identity marker), remembered as if read: later reads and conditions agree.
 * Outside a transaction, `copy`.
 */
export function knownOr(ctx: Context, copy: Item): Item | null {
  const { writes } = ctx;
  if (!writes) return copy;
  const pending = writes.pending(copy.pk, copy.sk);
  if (pending !== undefined) return pending;
  const before = writes.readBefore(copy.pk, copy.sk);
  if (before !== undefined) return before;
  writes.remember(copy.pk, copy.sk, copy);
  return copy;
}

type Waiting = { pk: string; sk: string; answers: { resolve: (item: Item | null) => void; reject: (error: unknown) => void }[] };
const waiting = new WeakMap<Context, Map<string, Waiting>>();

/** Gets asked for in the same turn of the event loop go out as one BatchGetItem (one key: a GetItem). */
function coalescedGet(ctx: Context, pk: string, sk: string): Promise<Item | null> {
  let queue = waiting.get(ctx);
  if (!queue) {
    const mine = new Map<string, Waiting>();
    waiting.set(ctx, (queue = mine));
    setImmediate(() => {
      waiting.delete(ctx);
      const keys = [...mine.values()];
      batchGet(ctx, keys).then(
        (found) => keys.forEach((key) => key.answers.forEach((a) => a.resolve(found.get(itemKey(key.pk, key.sk)) ?? null))),
        (error: unknown) => keys.forEach((key) => key.answers.forEach((a) => a.reject(error))),
      );
    });
  }
  const entry = queue.get(itemKey(pk, sk)) ?? { pk, sk, answers: [] };
  queue.set(itemKey(pk, sk), entry);
  return new Promise((resolve, reject) => entry.answers.push({ resolve, reject }));
}

/** Distinct keys read consistently from the table: a GetItem for one, else BatchGetItem, 100 keys a call, unprocessed keys asked again. */
async function batchGet(ctx: Context, keys: readonly { pk: string; sk: string }[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  if (keys.length === 1) {
    const { pk, sk } = keys[0]!;
    const { Item } = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: { pk, sk }, ConsistentRead: true }));
    if (Item) found.set(itemKey(pk, sk), Item as Item);
    return found;
  }
  for (let i = 0; i < keys.length; i += 100) {
    let batch: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map(({ pk, sk }) => ({ pk, sk }));
    while (batch && batch.length > 0) {
      const page: BatchGetCommandOutput = await ctx.doc.send(new BatchGetCommand({ RequestItems: { [ctx.tableName]: { Keys: batch, ConsistentRead: true } } }));
      for (const item of (page.Responses?.[ctx.tableName] ?? []) as Item[]) found.set(itemKey(item.pk, item.sk), item);
      batch = page.UnprocessedKeys?.[ctx.tableName]?.Keys;
    }
  }
  return found;
}

/** Several items at once, as `getItem` reads each (keyed by `pk`, NUL, `sk`; null when absent): one BatchGetItem per 100 unread keys. */
export async function getItems(ctx: Context, keys: readonly { pk: string; sk: string }[]): Promise<Map<string, Item | null>> {
  const items = await Promise.all(keys.map(({ pk, sk }) => getItem(ctx, pk, sk)));
  return new Map(keys.map(({ pk, sk }, i) => [itemKey(pk, sk), items[i]!]));
}

/** The pages of a Query, in order, until its end or until the caller stops: consistent on the table (a GSI cannot be). */
export async function* queryPages(ctx: Context, input: Omit<QueryCommandInput, 'TableName' | 'ConsistentRead' | 'ExclusiveStartKey'>): AsyncGenerator<Item[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.doc.send(new QueryCommand({ ...input, TableName: ctx.tableName, ConsistentRead: input.IndexName === undefined, ExclusiveStartKey: start }));
    yield (page.Items ?? []) as Item[];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item of a partition whose sort key starts with `prefix`, with the transaction's writes laid over. */
export async function queryPrefix(ctx: Context, pk: string, prefix: string): Promise<Item[]> {
  const items = new Map<string, Item>();
  // DynamoDB refuses an empty string in a key condition: no prefix, no condition on `sk`.
  const pages = queryPages(
    ctx,
    prefix === ''
      ? { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }
      : { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix } },
  );
  for await (const page of pages) for (const item of page) items.set(item.sk, item);
  for (const { sk, item } of ctx.writes?.pendingIn(pk) ?? []) {
    if (!sk.startsWith(prefix)) continue;
    if (item) items.set(sk, item);
    else items.delete(sk);
  }
  return [...items.values()];
}

/** The entity an item carries as JSON in `doc`, as a fresh copy; null for no item. */
export const docOf = <T>(item: Item | null): T | null => (item ? (JSON.parse(item.doc as string) as T) : null);
