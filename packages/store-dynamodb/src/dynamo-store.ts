import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerSearch, SecretBox, Store, StoreReader, StoreTx } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import type { DynamoTableOptions } from './create-table.ts';
import { createCaseReads, createCaseWrites } from './internal/cases.ts';
import { createConversationReads, createConversationWrites } from './internal/conversations.ts';
import { createCustomerReads, createCustomerWrites, createDirectorySearch } from './internal/customers.ts';
import { createClaims } from './internal/claims.ts';
import { createReads } from './internal/reads.ts';
import type { Context } from './internal/table.ts';
import { createWrites } from './internal/writes.ts';
import { CounterTurns, HeldTurns } from './internal/counters.ts';
import { LostRaceError, WriteSet } from './internal/write-set.ts';

/** How often a transaction runs when it keeps losing the race for a counter. */
const MAX_ATTEMPTS = 8;

/** What DynamoDB answers when a table or partition is over its throughput. */
const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/**
 * A request DynamoDB still throttled after the SDK's own retries (its standard strategy:
 * `AWS_MAX_ATTEMPTS`, default 3, with backoff) becomes `unavailable` (503, `Retry-After: 1`),
 * which a caller may send again; any other error is left as it is.
 */
function throttledAsUnavailable(error: unknown): unknown {
  if (!(error instanceof Error) || !THROTTLED.has(error.name)) return error;
  return new CasekitError('unavailable', 'DynamoDB is throttling this workspace\'s requests; try again shortly.', { cause: error, details: { retryAfterSeconds: 1 } });
}

/** Every read of the port, outside a transaction or (with `ctx.writes`) inside one. */
const allReads = (ctx: Context): StoreReader => ({
  ...createReads(ctx),
  ...createCustomerReads(ctx),
  ...createCaseReads(ctx),
  ...createConversationReads(ctx),
});

/** The table, and the box channel and bot secrets are sealed with (`createSecretBox(CASEKIT_SECRET_KEY)` of `@casekit/store-sqlite`). */
export interface DynamoStoreOptions extends DynamoTableOptions {
  /** Without one, secrets are stored as written (DynamoDB's own encryption at rest only). */
  secretBox?: SecretBox;
}

/**
 * A casekit `Store` on a table made by `createDynamoTable`, shared by any number of nodes; a
 * transaction commits as one TransactWriteItems (at most 100 items), and its callback may run
 * again after a lost race, so it must act only through `tx`. It is its own `CustomerSearch` too: a
 * bounded walk of the workspace's customer directory (docs/dynamodb.md, "Text search").
 * @example const store = createDynamoStore({ client: new DynamoDBClient({}), tableName: 'casekit', secretBox: createSecretBox(key) })
 */
export function createDynamoStore({ client, tableName, secretBox }: DynamoStoreOptions): Store & CustomerSearch {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const ctx: Context = { doc, tableName, ...(secretBox && { box: secretBox }) };
  const counterTurns = new CounterTurns();
  let closed = false;
  const open = () => {
    if (closed) throw new CasekitError('unavailable', 'The DynamoDB store is closed.');
  };
  /** Each method of `methods`, refused once the store is closed. */
  const guard = <T extends object>(methods: T): T =>
    Object.fromEntries(
      Object.entries(methods).map(([name, method]) => [
        name,
        (...args: unknown[]) => {
          try {
            open();
            return (method as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
              throw throttledAsUnavailable(error);
            });
          } catch (error) {
            return Promise.reject(error);
          }
        },
      ]),
    ) as T;

  return {
    ...guard(allReads(ctx)),
    ...guard(createDirectorySearch(ctx)),

    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      // A transaction that lost a race on a counter (the event seq, a case number) runs `fn` again from fresh reads.
      for (let attempt = 1; ; attempt++) {
        open();
        const writes = new WriteSet();
        const turns = new HeldTurns(counterTurns);
        const txCtx = { ...ctx, writes, turns };
        let active = true;
        const methods = guard({
          ...allReads(txCtx),
          ...createWrites(txCtx),
          ...createCustomerWrites(txCtx),
          ...createCaseWrites(txCtx),
          ...createConversationWrites(txCtx),
        } satisfies StoreTx);
        const tx: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
        for (const [name, method] of Object.entries(methods) as [string, (...args: unknown[]) => Promise<unknown>][]) {
          tx[name] = (...args) =>
            active ? method(...args) : Promise.reject(new CasekitError('internal', `tx.${name}() was called after its transaction ended; use tx only inside the transaction callback.`));
        }
        let committed = false;
        try {
          const value = await fn(tx as unknown as StoreTx).finally(() => (active = false));
          await writes.commit(doc, tableName);
          committed = true;
          return value;
        } catch (error) {
          if (!(error instanceof LostRaceError)) throw throttledAsUnavailable(error);
          if (attempt === MAX_ATTEMPTS) {
            // Nothing was written and nothing is wrong with the request: the caller may send it again.
            throw new CasekitError('unavailable', `${error.message} Other writers of this workspace won ${MAX_ATTEMPTS} times in a row; try again shortly.`, { cause: error, details: { retryAfterSeconds: 1 } });
          }
        } finally {
          turns.end(committed);
        }
        // Lost a race: other nodes' writers of the workspace take its event seq too. Spread the
        // retries out (up to 20 ms, doubling to 1.3 s, jittered) so they stop colliding; this
        // node's writers wait their turn.
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    },

    ...guard(createClaims(doc, tableName)),

    async close() {
      closed = true;
    },
  };
}
