import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CustomerSearch, DurableTimer, OutboxItem, Store, StoreReader, StoreTx } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import { assertSupportedNode } from './node-version.ts';
import { migrate } from './schema.ts';
import { createSearch } from './internal/customer-search.ts';
import { createReads } from './internal/reads.ts';
import { timerOf, type Prepare, type Row, type Sync } from './internal/rows.ts';
import type { SecretBox } from '@casekit/core';
import { createSecretBox } from './internal/secrets.ts';
import { createWriteQueue } from './internal/write-queue.ts';
import { createWrites, MAX_KNOWN_TERMS, type TermCache } from './internal/writes.ts';

export interface SqliteStoreOptions {
  /** Path of the database file (its directory must exist), or `':memory:'` for a private database deleted on close. */
  filename: string;
  /**
   * `'normal'` (default): a committed transaction survives the process being killed, the last
   * ones may be lost on power failure. `'full'`: fsync on every commit, survives power loss too.
   */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another process holding the write lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Key that channel secrets are encrypted with (AES-256-GCM), at least 32 characters. Without
   * one they are stored as given. Opening with a key seals secrets stored before in plain text;
   * a file with sealed secrets needs the same key to read them.
   */
  secretKey?: string;
}

/**
 * Opens (creating and migrating when needed) a SQLite file as a casekit `Store`: WAL,
 * serialized write transactions with group commit, reads from a separate connection that only
 * sees commits. Never await another transaction inside a transaction callback. It is its own
 * `CustomerSearch` too, through FTS5 on the read connection.
 * Rejects with `UnsupportedNodeError` on Node older than 22.12.
 * @example const store = await createSqliteStore({ filename: './data/casekit.db' })
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store & CustomerSearch> {
  // better-sqlite3 loads its native binary on the first open; on Node 20 that crashes the process.
  assertSupportedNode();
  const memory = options.filename.trim() === ':memory:';
  // Two connections cannot share a ':memory:' database, so "memory" is a private temporary file.
  const tempDir = memory ? mkdtempSync(join(tmpdir(), 'casekit-sqlite-')) : null;
  const filename = tempDir ? join(tempDir, 'store.db') : options.filename;
  const timeout = options.busyTimeoutMs ?? 5000;
  const synchronous = memory ? 'OFF' : options.synchronous === 'full' ? 'FULL' : 'NORMAL';
  const box = createSecretBox(options.secretKey);

  let writer: Database.Database;
  try {
    writer = new Database(filename, { timeout });
  } catch (error) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw new CasekitError('unavailable', `Cannot open the SQLite file "${filename}": ${(error as Error).message}`, { cause: error });
  }
  let reader: Database.Database | undefined;
  try {
    writer.pragma('journal_mode = WAL');
    writer.pragma(`synchronous = ${synchronous}`);
    writer.pragma('foreign_keys = ON');
    writer.pragma('temp_store = MEMORY');
    writer.pragma('cache_size = -65536');
    // A checkpoint syncs to disk and stalls the write connection; on small virtual disks the
    // default (every 1,000 pages, about 30 ingests) cost half the ingest rate. Checkpoint every
    // 10,000 pages instead, and trim a reset WAL back to 64 MB.
    writer.pragma('wal_autocheckpoint = 10000');
    writer.pragma('journal_size_limit = 67108864');
    migrate(writer);
    prepareSecrets(writer, box);
    reader = new Database(filename, { readonly: true, timeout });
    reader.pragma('cache_size = -65536');
    reader.pragma('mmap_size = 268435456');
  } catch (error) {
    reader?.close();
    writer.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
  return buildStore(writer, reader, box, () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });
}

function statementCache(db: Database.Database): Prepare {
  const cache = new Map<string, Database.Statement<unknown[], Row>>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare<unknown[], Row>(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/**
 * Checks at open that stored channel secrets can be read with the key given (or without one),
 * and with a key seals the secrets an earlier start stored in plain text.
 */
function prepareSecrets(db: Database.Database, box: SecretBox): void {
  db.transaction(() => {
    const rows = db.prepare<[], Row>('SELECT pos, secret FROM channels WHERE secret IS NOT NULL').all();
    const sealed = rows.find((row) => box.isSealed(row.secret as string));
    if (sealed) box.open(sealed.secret as string);
    if (!box.encrypts) return;
    const update = db.prepare('UPDATE channels SET secret = ? WHERE pos = ?');
    for (const row of rows) if (!box.isSealed(row.secret as string)) update.run(box.seal(row.secret as string), row.pos);
  }).immediate();
}

function buildStore(writer: Database.Database, reader: Database.Database, box: SecretBox, onClosed: () => void): Store & CustomerSearch {
  const queue = createWriteQueue(writer);
  const w = statementCache(writer);
  const r = statementCache(reader);
  let closed = false;

  const readSnapshot = reader.transaction((fn: () => unknown) => fn());
  const reads = asyncify<StoreReader & CustomerSearch>({ ...createReads(r, box, (fn) => readSnapshot(fn) as ReturnType<typeof fn>), ...createSearch(r) }, () => closed);
  // Inside a transaction the write connection already gives one consistent view.
  const txReads = createReads(w, box, (fn) => fn());
  const terms: TermCache = { known: new Set(), pending: [] };
  const txWrites = createWrites(w, terms, box);
  const txMethods = Object.entries({ ...txReads, ...txWrites }) as [string, (...args: unknown[]) => unknown][];

  /** Runs a write on the write connection, after every earlier one, inside a committed transaction. */
  function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (closed) return Promise.reject(closedError());
    return queue.run(fn);
  }

  return {
    ...reads,

    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      let learned: string[] = [];
      const result = await exclusive(async () => {
        terms.pending.length = 0;
        let open = true;
        const tx = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
        for (const [name, method] of txMethods) {
          tx[name] = (...args) => {
            if (!open) return Promise.reject(new CasekitError('internal', `tx.${name}() was called after its transaction ended; use tx only inside the transaction callback.`));
            try {
              return Promise.resolve(method(...args));
            } catch (error) {
              return Promise.reject(error);
            }
          };
        }
        try {
          const value = await fn(tx as unknown as StoreTx);
          learned = terms.pending.splice(0);
          return value;
        } finally {
          open = false;
        }
      });
      // Reached only once the transaction has committed.
      if (terms.known.size + learned.length > MAX_KNOWN_TERMS) terms.known.clear();
      for (const term of learned) terms.known.add(term);
      return result;
    },

    claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxItem[]> {
      return exclusive(() => {
        const at = now.getTime();
        const rows = w(
          `UPDATE outbox SET lease_until = ? WHERE pos IN (
             SELECT pos FROM outbox INDEXED BY outbox_due
             WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
             ORDER BY next_attempt_at, pos LIMIT ?)
           RETURNING *`,
        ).all(at + leaseMs, at, at, limit);
        rows.sort((a, b) => (a.next_attempt_at as number) - (b.next_attempt_at as number) || (a.pos as number) - (b.pos as number));
        return rows.map(outboxItem);
      });
    },

    completeOutbox(workspaceId: string, itemId: string): Promise<void> {
      return exclusive(() => void w('DELETE FROM outbox WHERE ws = ? AND id = ?').run(workspaceId, itemId));
    },

    failOutbox(workspaceId: string, itemId: string, error: string, retryAt: Date | null): Promise<void> {
      return exclusive(() => {
        if (retryAt === null) w('DELETE FROM outbox WHERE ws = ? AND id = ?').run(workspaceId, itemId);
        else {
          w('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL WHERE ws = ? AND id = ?').run(
            error.slice(0, 2000),
            retryAt.getTime(),
            workspaceId,
            itemId,
          );
        }
      });
    },

    claimTimers(now: Date, leaseMs: number, limit: number): Promise<DurableTimer[]> {
      return exclusive(() => {
        const at = now.getTime();
        const leaseUntil = at + leaseMs;
        // Claimable timers are exactly those with run_at <= now: a range read of the index, no scan.
        const order = w('SELECT version FROM timers INDEXED BY timers_by_run_at WHERE run_at <= ? ORDER BY run_at, version LIMIT ?').all(at, limit);
        if (order.length === 0) return [];
        const place = new Map(order.map((row, i) => [row.version as number, i]));
        const rows = w('UPDATE timers SET run_at = ?, lease_until = ? WHERE version IN (SELECT value FROM json_each(?)) RETURNING *').all(
          leaseUntil,
          leaseUntil,
          JSON.stringify([...place.keys()]),
        );
        rows.sort((a, b) => place.get(a.version as number)! - place.get(b.version as number)!);
        return rows.map(timerOf);
      });
    },

    completeTimer(workspaceId: string, key: string, version: number): Promise<void> {
      return exclusive(() => void w('DELETE FROM timers WHERE ws = ? AND key = ? AND version = ?').run(workspaceId, key, version));
    },

    failTimer(workspaceId: string, key: string, version: number, error: string, retryAt: Date | null): Promise<void> {
      return exclusive(() => {
        if (retryAt === null) w('DELETE FROM timers WHERE ws = ? AND key = ? AND version = ?').run(workspaceId, key, version);
        else {
          w('UPDATE timers SET attempts = attempts + 1, last_error = ?, run_at = ?, lease_until = NULL WHERE ws = ? AND key = ? AND version = ?').run(
            error.slice(0, 2000),
            retryAt.getTime(),
            workspaceId,
            key,
            version,
          );
        }
      });
    },

    async nextTimerAt(): Promise<Date | null> {
      if (closed) throw closedError();
      const row = r('SELECT MIN(run_at) AS at FROM timers').get();
      return row?.at == null ? null : new Date(row.at as number);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Jobs already queued still run and commit; new ones are refused.
      await queue.idle();
      reader.close();
      try {
        writer.pragma('optimize');
      } finally {
        writer.close();
        onClosed();
      }
    },
  };
}

function closedError(): CasekitError {
  return new CasekitError('unavailable', 'The SQLite store is closed.');
}

/** Wraps synchronous methods as the promise-returning port; errors become rejections. */
function asyncify<T>(methods: Sync<T>, isClosed: () => boolean): T {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods) as [string, (...args: unknown[]) => unknown][]) {
    out[name] = (...args: unknown[]) => {
      if (isClosed()) return Promise.reject(closedError());
      try {
        return Promise.resolve(method(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
  return out as T;
}

function outboxItem(row: Row): OutboxItem {
  return {
    id: row.id as string,
    workspaceId: row.ws as string,
    messageId: row.message_id as string,
    channelId: row.channel_id as string,
    attempts: row.attempts as number,
    nextAttemptAt: new Date(row.next_attempt_at as number).toISOString(),
    leaseUntil: row.lease_until === null ? null : new Date(row.lease_until as number).toISOString(),
    lastError: (row.last_error as string | null) ?? null,
  };
}
