import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DurableTimer, OutboxItem, Store, StoreReader, StoreTx } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import type { DynamoTableOptions } from './create-table.ts';
import { NotImplementedError } from './errors.ts';
import { OUTBOX_QUEUE, outboxPk, outboxQueueSk, sortableMs, TIMER_QUEUE, timerPk, timerQueueSk } from './internal/keys.ts';
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

  /**
   * Due items of a GSI1 queue, earliest first, each taken with a conditional update on what was
   * read: of two claimers, one wins an item and the other goes on to the next.
   */
  async function claim(queue: string, now: Date, limit: number, take: (item: Item) => Promise<Item | null>): Promise<Item[]> {
    const claimed: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :queue AND gsi1sk < :end',
          // Every sort key of an item due by `now` starts with its run time, and '$' sorts after '#'.
          ExpressionAttributeValues: { ':queue': queue, ':end': `${sortableMs(now.getTime())}$` },
          Limit: Math.max(limit * 2, 10),
          ExclusiveStartKey: start,
        }),
      );
      for (const candidate of (page.Items ?? []) as Item[]) {
        const taken = await take(candidate);
        if (taken) claimed.push(taken);
        if (claimed.length === limit) return claimed;
      }
      start = page.LastEvaluatedKey;
    } while (start);
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
          const items = await claim(OUTBOX_QUEUE, now, limit, (seen) =>
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
          await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: outboxPk(ws), sk: itemId } }));
      }),

    failOutbox: (ws, itemId, error, retryAt) =>
      whenOpen(async () => {
          const key = { pk: outboxPk(ws), sk: itemId };
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
          const items = await claim(TIMER_QUEUE, now, limit, (seen) =>
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
            new DeleteCommand({ TableName: tableName, Key: { pk: timerPk(ws), sk: key }, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } }),
          );
      }),

    failTimer: (ws, key, version, error, retryAt) =>
      whenOpen(async () => {
          const Key = { pk: timerPk(ws), sk: key };
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
          const page = await doc.send(
            new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :queue', ExpressionAttributeValues: { ':queue': TIMER_QUEUE }, Limit: 1 }),
          );
          const first = page.Items?.[0];
          return first ? new Date(first.runAt as number) : null;
      }),

    async close() {
      closed = true;
    },
  };
}
