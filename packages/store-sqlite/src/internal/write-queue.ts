import type Database from 'better-sqlite3';

/**
 * The one way onto the write connection: jobs run one after another, never interleaved, and
 * jobs that queue up while one runs share its SQLite transaction (group commit). Each job has
 * its own savepoint, so a job that throws is undone alone; every job's promise settles only
 * after the COMMIT that includes it, so a resolved job is durable and visible to readers.
 */
export interface WriteQueue {
  run<T>(job: () => Promise<T> | T): Promise<T>;
  /** Resolves once no job is queued or running. */
  idle(): Promise<void>;
}

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function createWriteQueue(db: Database.Database, limits: { maxJobs: number; maxMs: number } = { maxJobs: 512, maxMs: 20 }): WriteQueue {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT job');
  const release = db.prepare('RELEASE job');
  const rollbackTo = db.prepare('ROLLBACK TO job');
  const queue: Job[] = [];
  const idleWaiters: (() => void)[] = [];
  let draining = false;

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        try {
          begin.run();
        } catch (error) {
          // The file is locked past the busy timeout (another process) or unwritable.
          for (const job of queue.splice(0)) job.reject(error);
          return;
        }
        const started = performance.now();
        const done: [Job, unknown][] = [];
        let aborted: unknown;
        let isAborted = false;
        while (queue.length > 0 && done.length < limits.maxJobs && performance.now() - started < limits.maxMs) {
          const job = queue.shift()!;
          savepoint.run();
          try {
            const value = await job.run();
            release.run();
            done.push([job, value]);
          } catch (error) {
            job.reject(error);
            if (!db.inTransaction) {
              // SQLite gave up the whole transaction (I/O error, disk full): the batch is lost.
              aborted = error;
              isAborted = true;
              break;
            }
            rollbackTo.run();
            release.run();
          }
        }
        if (!isAborted) {
          try {
            commit.run();
          } catch (error) {
            aborted = error;
            isAborted = true;
            if (db.inTransaction) rollback.run();
          }
        }
        for (const [job, value] of done) {
          if (isAborted) job.reject(aborted);
          else job.resolve(value);
        }
      }
    } finally {
      draining = false;
      if (queue.length === 0) for (const wake of idleWaiters.splice(0)) wake();
    }
  }

  return {
    run<T>(run: () => Promise<T> | T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
        if (!draining) {
          draining = true;
          // Start on the next turn of the event loop: requests that arrived together then share
          // one transaction instead of each paying for its own COMMIT.
          setImmediate(() => void drain());
        }
      });
    },
    idle() {
      if (!draining && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
