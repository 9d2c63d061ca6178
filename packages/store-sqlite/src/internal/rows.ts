import Database from 'better-sqlite3';
import type { DurableTimer } from '@casekit/core';
import { CasekitError, type Page } from '@casekit/protocol';

/** A row as the statements return it: columns by name. */
export type Row = Record<string, unknown>;
/** The statement for `sql` on one connection, prepared once and cached. */
export type Prepare = (sql: string) => Database.Statement<unknown[], Row>;
/** The same methods, without the promise: SQLite answers synchronously. */
export type Sync<T> = { [K in keyof T]-?: NonNullable<T[K]> extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never };

/** How far a chain of customer merges is followed: a bound, so the walk always ends. */
export const MAX_MERGE_HOPS = 64;
/** Joins the parts of the composite keys stored in the key columns. */
export const NUL = '\u0000';

/** A stored JSON column as the value it holds. */
export const parse = <T>(json: unknown): T => JSON.parse(json as string) as T;

/** An ISO timestamp as integer ms (the order columns); refuses what is not a date. */
export function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new CasekitError('validation_failed', `${field} must be an ISO-8601 timestamp, got "${iso}".`, {
      details: { issues: [{ path: field, message: 'invalid timestamp' }] },
    });
  }
  return ms;
}

/** Refuses a page size that is not a positive integer. */
export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new CasekitError('validation_failed', `limit must be a positive integer, got ${limit}.`, {
      details: { issues: [{ path: 'limit', message: 'must be a positive integer' }] },
    });
  }
}

/** True when `error` is SQLite refusing a constraint (of `kind`, when given). */
export function isConstraint(error: unknown, kind?: 'UNIQUE' | 'PRIMARYKEY' | 'FOREIGNKEY'): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return kind ? error.code === `SQLITE_CONSTRAINT_${kind}` : error.code.startsWith('SQLITE_CONSTRAINT');
}

/** The `customer_keys` key of a customer's identity on a channel. */
export const identityKey = (channelId: string, externalId: string) => `${channelId}${NUL}${externalId}`;
/** A message's key by its provider's id: unique per channel. */
export const providerKey = (channelId: string, providerMessageId: string) => `${channelId}${NUL}${providerMessageId}`;
/** A message's key by its sender's own id: unique per sender (an agent, or a customer). */
export const clientKey = (sender: string, clientMessageId: string) => `${sender}${NUL}${clientMessageId}`;

/** A page of at most `limit` items from up to `limit + 1` rows: a row more means a next page. */
export function pageOf<T>(rows: Row[], limit: number, item: (row: Row) => T, cursorOf: (row: Row) => string): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(item), nextCursor: more ? cursorOf(kept[kept.length - 1]!) : null };
}

const isoOrNull = (ms: unknown) => (ms === null ? null : new Date(ms as number).toISOString());

/** A `timers` row as the port's timer. */
export function timerOf(row: Row): DurableTimer {
  return {
    workspaceId: row.ws as string,
    key: row.key as string,
    kind: row.kind as string,
    dueAt: new Date(row.due_at as number).toISOString(),
    payload: parse<Record<string, unknown>>(row.payload),
    version: row.version as number,
    runAt: new Date(row.run_at as number).toISOString(),
    attempts: row.attempts as number,
    leaseUntil: isoOrNull(row.lease_until),
    lastError: (row.last_error as string | null) ?? null,
  };
}
