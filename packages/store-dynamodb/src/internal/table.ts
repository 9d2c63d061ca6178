import type { SecretBox } from '@casekit/core';
import { BatchGetCommand, GetCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item, WriteSet } from './write-set.ts';

// The primitives every read is made of: a consistent GetItem or Query, with the open transaction's writes laid over.

/** What reads and writes share: the document client, the table, and the open transaction's writes if any. */
export interface Context {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Present inside a transaction: its reads see its own writes first. */
  writes?: WriteSet;
  /** Seals channel and bot secrets at rest; without one they are stored as written. */
  box?: SecretBox;
}

/** One item, consistently; inside a transaction, as the transaction left it or first read it. */
export async function getItem(ctx: Context, pk: string, sk: string): Promise<Item | null> {
  const pending = ctx.writes?.pending(pk, sk);
  if (pending !== undefined) return pending;
  const read = ctx.writes?.readBefore(pk, sk);
  if (read !== undefined) return read;
  const { Item } = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: { pk, sk }, ConsistentRead: true }));
  const item = (Item as Item | undefined) ?? null;
  ctx.writes?.remember(pk, sk, item);
  return item;
}

const keyId = (pk: string, sk: string) => `${pk}\u0000${sk}`;

/**
 * Several items at once, as `getItem` reads each (keyed by `pk`, NUL, `sk`; null when absent):
 * BatchGetItem for those this transaction has not written or read, 100 keys a call.
 */
export async function getItems(ctx: Context, keys: readonly { pk: string; sk: string }[]): Promise<Map<string, Item | null>> {
  const found = new Map<string, Item | null>();
  const unread: { pk: string; sk: string }[] = [];
  for (const { pk, sk } of keys) {
    if (found.has(keyId(pk, sk))) continue;
    const known = ctx.writes?.pending(pk, sk) !== undefined ? ctx.writes.pending(pk, sk) : ctx.writes?.readBefore(pk, sk);
    found.set(keyId(pk, sk), known ?? null);
    if (known === undefined) unread.push({ pk, sk });
  }
  for (let i = 0; i < unread.length; i += 100) {
    let batch: Record<string, unknown>[] | undefined = unread.slice(i, i + 100);
    // BatchGetItem may hand some keys back unprocessed: they are asked again.
    while (batch && batch.length > 0) {
      const page: BatchGetCommandOutput = await ctx.doc.send(new BatchGetCommand({ RequestItems: { [ctx.tableName]: { Keys: batch, ConsistentRead: true } } }));
      for (const item of (page.Responses?.[ctx.tableName] ?? []) as Item[]) found.set(keyId(item.pk, item.sk), item);
      batch = page.UnprocessedKeys?.[ctx.tableName]?.Keys;
    }
  }
  for (const { pk, sk } of unread) ctx.writes?.remember(pk, sk, found.get(keyId(pk, sk))!);
  return found;
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
