import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DurableTimer, OutboxItem, Store, StoreReader, StoreTx } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import type { DynamoTableOptions } from './create-table.ts';
import { NotImplementedError } from './errors.ts';
import { OUTBOX_SK, outboxPk, outboxQueueSk, queuesOf, sortableMs, TIMER_SK, timerPk, timerQueueSk, type QueueKind } from './internal/keys.ts';
import { createReads, timerOf, type Context } from './internal/reads.ts';
import { createWrites } from './internal/writes.ts';
import { WriteSet, type Item } from './internal/write-set.ts';

const MAX_ERROR_LENGTH = 2000;

// Port methods still to come; each throws NotImplementedError until then (listed in the README).
const PENDING_READS = [
  'getCustomer',
  'findCustomerByIdentity',
  'findCustomerByEmail',
  'findCustomerByPhone',
  'searchCustomers',
  'getCase',
  'listCases',
  'getConversation',
  'listConversations',
  'findLatestConversation',
  'findConversationByThread',
  'findActiveCase',
  'getMessage',
  'findMessageByProviderId',
  'findMessageByClientId',
  'listMessages',
  'listEvents',
  'timeline',
  'lastSeq',
  'getCaseReads',
] as const satisfies readonly (keyof StoreReader)[];
const PENDING_WRITES = [
  'insertCustomer',
  'updateCustomer',
  'mergeCustomer',
  'nextCaseNumber',
  'insertCase',
  'updateCase',
  'moveCaseContents',
  'insertConversation',
  'updateConversation',
  'insertMessage',
  'updateMessageDelivery',
  'appendEvent',
  'markCaseRead',
] as const satisfies readonly (keyof StoreTx)[];

const pending = (names: readonly string[]) =>
  Object.fromEntries(names.map((name) => [name, () => Promise.reject(new NotImplementedError(name))])) as Record<string, () => Promise<never>>;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

const outboxOf = (item: Item): OutboxItem => ({
  id: item.id as string,
  workspaceId: item.workspaceId as string,
  messageId: item.messageId as string,
  channelId: item.channelId as string,
  attempts: item.attempts as number,
  nextAttemptAt: new Date(item.due as number).toISOString(),
  leaseUntil: item.leaseUntil === null ? null : new Date(item.leaseUntil as number).toISOString(),
  lastError: (item.lastError as string | null) ?? null,
});

/**
 * A casekit `Store` on one DynamoDB table made by `createDynamoTable`: several server nodes may
 * share it. A transaction's writes commit as one TransactWriteItems (at most 100 items) when
 * its callback resolves; conditional writes refuse what another node changed meanwhile.
 * Not every port method is implemented yet: the others throw `NotImplementedError`.
 * @example const store = createDynamoStore({ client: new DynamoDBClient({}), tableName: 'casekit' })
 */
export function createDynamoStore({ client, tableName }: DynamoTableOptions): Store {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const ctx: Context = { doc, tableName };
  let closed = false;
  const open = () => {
    if (closed) throw new CasekitError('unavailable', 'The DynamoDB store is closed.');
  };
  const whenOpen = <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      open();
    } catch (error) {
      return Promise.reject(error);
    }
    return fn();
  };
  const guard = <T extends object>(methods: T): T =>
    Object.fromEntries(
      Object.entries(methods).map(([name, method]) => [
        name,
        (...args: unknown[]) => {
          try {
            open();
            return (method as (...a: unknown[]) => Promise<unknown>)(...args);
          } catch (error) {
            return Promise.reject(error);
          }
        },
      ]),
    ) as T;

  /** One page of a queue shard's items due by `now`, earliest first. */
  async function duePage(queue: string, now: Date, limit: number, start: Record<string, unknown> | undefined) {
    return doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :queue AND gsi1sk < :end',
        // Every sort key of an item due by `now` starts with its run time, and '$' sorts after '#'.
        ExpressionAttributeValues: { ':queue': queue, ':end': `${sortableMs(now.getTime())}$` },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
  }

  /**
   * Due items of a queue, earliest first across its shards, each taken with a conditional update
   * on what was read: of two claimers, one wins an item and the other goes on to the next.
   */
  async function claim(kind: QueueKind, now: Date, limit: number, take: (item: Item) => Promise<Item | null>): Promise<Item[]> {
    const shards = queuesOf(kind).map((queue) => ({ queue, buffer: [] as Item[], start: undefined as Record<string, unknown> | undefined, done: false }));
    const fill = async (shard: (typeof shards)[number]) => {
      while (shard.buffer.length === 0 && !shard.done) {
        const page = await duePage(shard.queue, now, limit, shard.start);
        shard.buffer = (page.Items ?? []) as Item[];
        shard.start = page.LastEvaluatedKey;
        shard.done = shard.start === undefined;
      }
    };
    const claimed: Item[] = [];
    while (claimed.length < limit) {
      await Promise.all(shards.map(fill));
      let next: (typeof shards)[number] | undefined;
      for (const shard of shards) {
        if (shard.buffer.length > 0 && (!next || (shard.buffer[0]!.gsi1sk as string) < (next.buffer[0]!.gsi1sk as string))) next = shard;
      }
      if (!next) break;
      const taken = await take(next.buffer.shift()!);
      if (taken) claimed.push(taken);
    }
    return claimed;
  }

  /** Runs a conditional update or delete; false when its condition failed (another claim or change won). */
  async function conditional(command: UpdateCommand | DeleteCommand): Promise<Item | null | false> {
    try {
      const result = await doc.send(command as UpdateCommand);
      return (result.Attributes as Item | undefined) ?? null;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  const reads = createReads(ctx);
  return {
    ...(pending(PENDING_READS) as unknown as StoreReader),
    ...guard(reads),

    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      open();
      const writes = new WriteSet();
      const txCtx = { ...ctx, writes };
      let active = true;
      const methods = guard({ ...createReads(txCtx), ...createWrites(txCtx) });
      const tx = { ...pending(PENDING_READS), ...pending(PENDING_WRITES) } as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const [name, method] of Object.entries(methods) as [string, (...args: unknown[]) => Promise<unknown>][]) {
        tx[name] = (...args) =>
          active ? method(...args) : Promise.reject(new CasekitError('internal', `tx.${name}() was called after its transaction ended; use tx only inside the transaction callback.`));
      }
      let value: T;
      try {
        value = await fn(tx as unknown as StoreTx);
      } finally {
        active = false;
      }
      await writes.commit(doc, tableName);
      return value;
    },

    claimOutbox: (now, leaseMs, limit) =>
      whenOpen(async () => {
          const at = now.getTime();
          const leaseUntil = at + leaseMs;
          const items = await claim('outbox', now, limit, (seen) =>
            conditional(
              new UpdateCommand({
                TableName: tableName,
                Key: { pk: seen.pk, sk: seen.sk },
                UpdateExpression: 'SET leaseUntil = :lease, runAt = :lease, gsi1sk = :queued',
                ConditionExpression: 'runAt = :seen',
                ExpressionAttributeValues: {
                  ':lease': leaseUntil,
                  ':seen': seen.runAt,
                  ':queued': outboxQueueSk(leaseUntil, seen.due as number, seen.workspaceId as string, seen.id as string),
                },
                ReturnValues: 'ALL_NEW',
              }),
            ).then((item) => item || null),
          );
          return items.map(outboxOf);
      }),

    completeOutbox: (ws, itemId) =>
      whenOpen(async () => {
          await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: outboxPk(ws, itemId), sk: OUTBOX_SK } }));
      }),

    failOutbox: (ws, itemId, error, retryAt) =>
      whenOpen(async () => {
          const key = { pk: outboxPk(ws, itemId), sk: OUTBOX_SK };
          if (retryAt === null) {
            await doc.send(new DeleteCommand({ TableName: tableName, Key: key }));
            return;
          }
          const due = retryAt.getTime();
          await conditional(
            new UpdateCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: 'SET attempts = attempts + :one, lastError = :error, due = :due, runAt = :due, leaseUntil = :null, gsi1sk = :queued',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': 1, ':error': error.slice(0, MAX_ERROR_LENGTH), ':due': due, ':null': null, ':queued': outboxQueueSk(due, due, ws, itemId) },
            }),
          );
      }),

    claimTimers: (now, leaseMs, limit) =>
      whenOpen(async (): Promise<DurableTimer[]> => {
          const leaseUntil = now.getTime() + leaseMs;
          const items = await claim('timers', now, limit, (seen) =>
            conditional(
              new UpdateCommand({
                TableName: tableName,
                Key: { pk: seen.pk, sk: seen.sk },
                UpdateExpression: 'SET leaseUntil = :lease, runAt = :lease, gsi1sk = :queued',
                ConditionExpression: 'runAt = :seen AND version = :version',
                ExpressionAttributeValues: {
                  ':lease': leaseUntil,
                  ':seen': seen.runAt,
                  ':version': seen.version,
                  ':queued': timerQueueSk(leaseUntil, seen.workspaceId as string, seen.key as string),
                },
                ReturnValues: 'ALL_NEW',
              }),
            ).then((item) => item || null),
          );
          return items.map((item) => timerOf(item)!);
      }),

    completeTimer: (ws, key, version) =>
      whenOpen(async () => {
          await conditional(
            new DeleteCommand({ TableName: tableName, Key: { pk: timerPk(ws, key), sk: TIMER_SK }, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } }),
          );
      }),

    failTimer: (ws, key, version, error, retryAt) =>
      whenOpen(async () => {
          const Key = { pk: timerPk(ws, key), sk: TIMER_SK };
          const versionCondition = { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } };
          if (retryAt === null) {
            await conditional(new DeleteCommand({ TableName: tableName, Key, ...versionCondition }));
            return;
          }
          const runAt = retryAt.getTime();
          await conditional(
            new UpdateCommand({
              TableName: tableName,
              Key,
              UpdateExpression: 'SET attempts = attempts + :one, lastError = :error, runAt = :runAt, leaseUntil = :null, gsi1sk = :queued',
              ConditionExpression: versionCondition.ConditionExpression,
              ExpressionAttributeValues: {
                ...versionCondition.ExpressionAttributeValues,
                ':one': 1,
                ':error': error.slice(0, MAX_ERROR_LENGTH),
                ':runAt': runAt,
                ':null': null,
                ':queued': timerQueueSk(runAt, ws, key),
              },
            }),
          );
      }),

    nextTimerAt: () =>
      whenOpen(async () => {
          // The earliest head of the shards: every item is due by the latest date there is.
          const heads = await Promise.all(queuesOf('timers').map((queue) => duePage(queue, new Date(8.64e15), 1, undefined)));
          const runAts = heads.flatMap((page) => page.Items ?? []).map((item) => item.runAt as number);
          return runAts.length > 0 ? new Date(Math.min(...runAts)) : null;
      }),

    async close() {
      closed = true;
    },
  };
}
