import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DurableTimer, OutboxItem, Store } from '@casekit/core';
import { OUTBOX_SK, outboxPk, outboxQueueSk, queuesOf, sortableMs, TIMER_SK, timerPk, timerQueueSk, type QueueKind } from './keys.ts';
import { timerOf } from './reads.ts';
import type { Item } from './write-set.ts';

const MAX_ERROR_LENGTH = 2000;

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

type Claims = Pick<Store, 'claimOutbox' | 'completeOutbox' | 'failOutbox' | 'claimTimers' | 'completeTimer' | 'failTimer' | 'nextTimerAt'>;

/**
 * The worker side of timers and the outbox: claims are conditional updates on what a claimer
 * read, so of two claimers exactly one gets an item, and a lease that runs out makes it due again.
 */
export function createClaims(doc: DynamoDBDocumentClient, tableName: string): Claims {
  /** One page of a queue shard's items due by `now`, earliest first. */
  const duePage = (queue: string, now: Date, limit: number, start: Record<string, unknown> | undefined) =>
    doc.send(
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

  /** Runs a conditional update or delete: the item after it, or null when its condition failed. */
  async function conditional(command: UpdateCommand | DeleteCommand): Promise<Item | null> {
    try {
      const result = await doc.send(command as UpdateCommand);
      return (result.Attributes as Item | undefined) ?? null;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  /** Leases an item read from a queue, if no one changed it since: `runAt` and its queue place move to the lease's end. */
  const lease = (seen: Item, leaseUntil: number, queued: string, condition: string, values: Record<string, unknown> = {}) =>
    conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: seen.pk, sk: seen.sk },
        UpdateExpression: 'SET leaseUntil = :lease, runAt = :lease, gsi1sk = :queued',
        ConditionExpression: `runAt = :seen${condition}`,
        ExpressionAttributeValues: { ':lease': leaseUntil, ':queued': queued, ':seen': seen.runAt, ...values },
        ReturnValues: 'ALL_NEW',
      }),
    );

  /** Records a failed attempt: due again at `runAt`, no lease, one more attempt. */
  const retry = (key: { pk: string; sk: string }, condition: string, values: Record<string, unknown>, error: string, set: string) =>
    conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: `SET attempts = attempts + :one, lastError = :error, runAt = :runAt, leaseUntil = :null, gsi1sk = :queued${set}`,
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':one': 1, ':error': error.slice(0, MAX_ERROR_LENGTH), ':null': null, ...values },
      }),
    );

  /** Due items of a queue, earliest first across its shards, each taken by `take` or left to whoever won it. */
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

  const timerKey = (ws: string, key: string) => ({ pk: timerPk(ws, key), sk: TIMER_SK });
  const outboxKey = (ws: string, id: string) => ({ pk: outboxPk(ws, id), sk: OUTBOX_SK });
  const AT_VERSION = 'version = :version';
  /** Removes the timer if it is still `version`: a rescheduled one stays. */
  const completeTimer = async (ws: string, key: string, version: number) => {
    await conditional(new DeleteCommand({ TableName: tableName, Key: timerKey(ws, key), ConditionExpression: AT_VERSION, ExpressionAttributeValues: { ':version': version } }));
  };

  return {
    async claimOutbox(now, leaseMs, limit) {
      const leaseUntil = now.getTime() + leaseMs;
      const items = await claim('outbox', now, limit, (seen) =>
        lease(seen, leaseUntil, outboxQueueSk(leaseUntil, seen.due as number, seen.workspaceId as string, seen.id as string), ''),
      );
      return items.map(outboxOf);
    },

    async completeOutbox(ws, itemId) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: outboxKey(ws, itemId) }));
    },

    async failOutbox(ws, itemId, error, retryAt) {
      if (retryAt === null) {
        await doc.send(new DeleteCommand({ TableName: tableName, Key: outboxKey(ws, itemId) }));
        return;
      }
      const due = retryAt.getTime();
      await retry(outboxKey(ws, itemId), 'attribute_exists(pk)', { ':runAt': due, ':queued': outboxQueueSk(due, due, ws, itemId) }, error, ', due = :runAt');
    },

    async claimTimers(now, leaseMs, limit): Promise<DurableTimer[]> {
      const leaseUntil = now.getTime() + leaseMs;
      const items = await claim('timers', now, limit, (seen) =>
        lease(seen, leaseUntil, timerQueueSk(leaseUntil, seen.workspaceId as string, seen.key as string), ` AND ${AT_VERSION}`, { ':version': seen.version }),
      );
      return items.map((item) => timerOf(item)!);
    },

    completeTimer,

    async failTimer(ws, key, version, error, retryAt) {
      if (retryAt === null) {
        await completeTimer(ws, key, version);
        return;
      }
      const runAt = retryAt.getTime();
      await retry(timerKey(ws, key), AT_VERSION, { ':version': version, ':runAt': runAt, ':queued': timerQueueSk(runAt, ws, key) }, error, '');
    },

    async nextTimerAt() {
      // The head of each shard; every item is due by the latest date there is.
      const heads = await Promise.all(queuesOf('timers').map((queue) => duePage(queue, new Date(8.64e15), 1, undefined)));
      const runAts = heads.flatMap((page) => page.Items ?? []).map((item) => item.runAt as number);
      return runAts.length > 0 ? new Date(Math.min(...runAts)) : null;
    },
  };
}
