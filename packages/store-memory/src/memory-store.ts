import type { CustomerSearch, Store, StoreReader, StoreTx } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import { Journal } from './internal/journal.ts';
import { createReads, createSearch, type Sync } from './internal/reads.ts';
import { createTables } from './internal/tables.ts';
import { createWrites } from './internal/writes.ts';

type Method = (...args: unknown[]) => unknown;

function closedError(): CasekitError {
  return new CasekitError('unavailable', 'The memory store is closed.');
}

/** Calls a synchronous method as the port's promise-returning one: a throw becomes a rejection. */
function settle(method: Method, args: unknown[]): Promise<unknown> {
  try {
    return Promise.resolve(method(...args));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * A casekit `Store` held in memory: the reference implementation of the port, for unit tests,
 * examples and in-browser mocks. Transactions run one at a time, commit all their writes or
 * none, and stay invisible to reads outside them until they commit. Everything is lost on
 * `close()` or when the process ends. Never await another transaction inside a transaction
 * callback: it waits for the one it is in. It is its own `CustomerSearch` too, over committed data.
 * @example const engine = createCaseEngine({ store: createMemoryStore() })
 */
export function createMemoryStore(): Store & CustomerSearch {
  // Two copies of the data share their (frozen) rows: reads outside a transaction see the
  // committed one; a transaction writes the other, which a commit replays onto the first.
  const committed = createTables();
  const working = createTables();
  const journal = new Journal(working);
  let lastPos = 0;
  const writes = createWrites(working, journal, () => ++lastPos);
  const { claimOutbox, completeOutbox, failOutbox, claimTimers, completeTimer, failTimer, ...txWrites } = writes;
  const txMethods = Object.entries({ ...createReads(working), ...txWrites }) as [string, Method][];
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier write; commits its writes if it resolves, undoes them if it throws. */
  function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (closed) return Promise.reject(closedError());
    const run = async () => {
      try {
        const value = await fn();
        journal.commit(committed);
        return value;
      } catch (error) {
        journal.undo();
        throw error;
      }
    };
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  }

  const reads = {} as Record<string, Method>;
  const committedReads: Sync<StoreReader & CustomerSearch> = { ...createReads(committed), ...createSearch(committed) };
  for (const [name, method] of Object.entries(committedReads) as [string, Method][]) {
    reads[name] = (...args) => (closed ? Promise.reject(closedError()) : settle(method, args));
  }

  return {
    ...(reads as unknown as StoreReader & CustomerSearch),

    transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      return exclusive(async () => {
        let open = true;
        const tx = {} as Record<string, Method>;
        for (const [name, method] of txMethods) {
          tx[name] = (...args) => {
            if (!open) return Promise.reject(new CasekitError('internal', `tx.${name}() was called after its transaction ended; use tx only inside the transaction callback.`));
            // Each call is all or nothing too, as a statement is in SQL: a caller may catch its error and go on.
            const mark = journal.mark();
            try {
              return Promise.resolve(method(...args));
            } catch (error) {
              journal.undo(mark);
              return Promise.reject(error);
            }
          };
        }
        try {
          return await fn(tx as unknown as StoreTx);
        } finally {
          open = false;
        }
      });
    },

    claimOutbox: (now, leaseMs, limit) => exclusive(() => claimOutbox(now, leaseMs, limit)),
    completeOutbox: (workspaceId, itemId) => exclusive(() => completeOutbox(workspaceId, itemId)),
    failOutbox: (workspaceId, itemId, error, retryAt) => exclusive(() => failOutbox(workspaceId, itemId, error, retryAt)),
    claimTimers: (now, leaseMs, limit) => exclusive(() => claimTimers(now, leaseMs, limit)),
    completeTimer: (workspaceId, timerKey, version) => exclusive(() => completeTimer(workspaceId, timerKey, version)),
    failTimer: (workspaceId, timerKey, version, error, retryAt) => exclusive(() => failTimer(workspaceId, timerKey, version, error, retryAt)),
    nextTimerAt() {
      if (closed) return Promise.reject(closedError());
      const first = committed.timers.by.runAt.list('')[0];
      return Promise.resolve(first ? new Date(first.runAt) : null);
    },

    async close(): Promise<void> {
      // Writes already queued still run and commit; new calls are refused.
      closed = true;
      await queue;
    },
  };
}
