import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CasekitError } from '@casekit/protocol';

/** DynamoDB's limit on the items one TransactWriteItems may touch. */
const MAX_TRANSACT_ITEMS = 100;

export type Item = Record<string, unknown> & { pk: string; sk: string };

/** What the committed item must look like for a write to go through, and what to say when it does not. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
  /** The `conflict` message when the condition fails. */
  conflict: string;
  /** The error code when it fails (default `conflict`): a case written over a stale version is a `version_conflict`. */
  code?: 'conflict' | 'version_conflict';
  /** The transaction only lost a race (a counter moved on): running it again from its reads may succeed. */
  retryable?: boolean;
}

/** A commit that lost a race on a retryable condition; `store.transaction` runs its callback again. */
export class LostRaceError extends CasekitError {
  constructor(message: string, cause: unknown) {
    super('conflict', message, { cause });
  }
}

interface PendingWrite {
  pk: string;
  sk: string;
  /** The item as it will be, or null for a delete. */
  item: Item | null;
  condition: Condition | undefined;
}

/** One string for an item's key, for maps of items. */
export const itemKey = (pk: string, sk: string) => `${pk}\u0000${sk}`;

/**
 * The writes of one `store.transaction`, kept in memory until its callback resolves and then
 * committed as one TransactWriteItems: each item once (last write wins, the first read's
 * condition stays), counters folded into one ADD each.
 */
export class WriteSet {
  readonly #writes = new Map<string, PendingWrite>();
  readonly #counters = new Map<string, { pk: string; sk: string; delta: number }>();
  readonly #read = new Map<string, Item | null>();

  /** The item as this transaction first read it (undefined: not read yet): a second read sees the same, so its checks agree. */
  readBefore(pk: string, sk: string): Item | null | undefined {
    return this.#read.get(itemKey(pk, sk));
  }

  /** Remembers what a read found, for `readBefore`. */
  remember(pk: string, sk: string, item: Item | null): void {
    this.#read.set(itemKey(pk, sk), item);
  }

  /** The item as this transaction left it: undefined when it wrote nothing there, null when it deleted it. */
  pending(pk: string, sk: string): Item | null | undefined {
    return this.#writes.get(itemKey(pk, sk))?.item;
  }

  /** Every item this transaction wrote or deleted in a partition. */
  pendingIn(pk: string): { sk: string; item: Item | null }[] {
    return [...this.#writes.values()].filter((w) => w.pk === pk).map(({ sk, item }) => ({ sk, item }));
  }

  put(item: Item, condition?: Condition): void {
    this.#set(item.pk, item.sk, item, condition);
  }

  delete(pk: string, sk: string, condition?: Condition): void {
    this.#set(pk, sk, null, condition);
  }

  /** Adds `delta` to the number attribute `n` of the counter item, at commit. */
  add(pk: string, sk: string, delta: number): void {
    const counter = this.#counters.get(itemKey(pk, sk)) ?? { pk, sk, delta: 0 };
    counter.delta += delta;
    this.#counters.set(itemKey(pk, sk), counter);
  }

  /** What `add` has added to the counter so far. */
  added(pk: string, sk: string): number {
    return this.#counters.get(itemKey(pk, sk))?.delta ?? 0;
  }

  #set(pk: string, sk: string, item: Item | null, condition: Condition | undefined): void {
    const earlier = this.#writes.get(itemKey(pk, sk));
    this.#writes.set(itemKey(pk, sk), { pk, sk, item, condition: earlier ? earlier.condition : condition });
  }

  /** Commits every write at once, or none: a failed condition becomes `conflict`. */
  async commit(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
    const writes = [...this.#writes.values()];
    const counters = [...this.#counters.values()].filter((c) => c.delta !== 0);
    const size = writes.length + counters.length;
    if (size === 0) return;
    if (size > MAX_TRANSACT_ITEMS) {
      throw new CasekitError('payload_too_large', `One transaction writes ${size} items; DynamoDB commits at most ${MAX_TRANSACT_ITEMS} at once. Split the work.`);
    }
    const conditionOf = (condition: Condition | undefined) =>
      condition && {
        ConditionExpression: condition.expression,
        ...(condition.names && { ExpressionAttributeNames: condition.names }),
        ...(condition.values && { ExpressionAttributeValues: condition.values }),
      };
    const items = [
      ...writes.map(({ pk, sk, item, condition }) =>
        item
          ? { Put: { TableName: tableName, Item: item, ...conditionOf(condition) } }
          : { Delete: { TableName: tableName, Key: { pk, sk }, ...conditionOf(condition) } },
      ),
      ...counters.map(({ pk, sk, delta }) => ({
        Update: { TableName: tableName, Key: { pk, sk }, UpdateExpression: 'ADD n :delta', ExpressionAttributeValues: { ':delta': delta } },
      })),
    ];
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      const condition = writes[failed]?.condition;
      if (condition?.retryable) throw new LostRaceError(condition.conflict, error);
      if (failed >= 0) throw new CasekitError(condition?.code ?? 'conflict', condition?.conflict ?? 'A write of this transaction found the stored data changed.', { cause: error });
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
        throw new LostRaceError('Another transaction wrote the same items at the same time; try again.', error);
      }
      // A partition over its throughput: the SDK does not retry a cancelled transaction, the store does.
      if (reasons.some((reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded')) {
        throw new LostRaceError('DynamoDB throttled this transaction; try again.', error);
      }
      throw error;
    }
  }
}
