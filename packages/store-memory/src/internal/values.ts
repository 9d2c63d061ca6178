import { CasekitError, type Page } from '@casekit/protocol';

/** A fresh copy of a stored value for a caller: stored values are plain JSON data, so a walk copies them. */
export function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) out[name] = copy(inner);
  return out as T;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * What the store keeps of a caller's object: a frozen copy shaped as JSON (as any other store
 * would keep it), so no caller can change it afterwards.
 */
export const frozen = <T>(value: T): T => deepFreeze(JSON.parse(JSON.stringify(value)) as T);

/** The same object with other fields, frozen like every stored value. */
export const withFields = <T extends object>(value: T, fields: Partial<T>): T => Object.freeze({ ...value, ...fields });

// Surrogates (the halves of U+10000 and above) moved above U+E000..U+FFFF, where UTF-8 puts them.
const codePointRank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/**
 * Orders strings by code point, which is the byte order of their UTF-8 (SQLite's BINARY
 * collation). `<` compares UTF-16 units instead and puts U+10000 and above before U+E000.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** An ISO timestamp as ms (the order of lists); refuses what is not a date. */
export function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new CasekitError('validation_failed', `${field} must be an ISO-8601 timestamp, got "${iso}".`, {
      details: { issues: [{ path: field, message: 'invalid timestamp' }] },
    });
  }
  return ms;
}

export const toIso = (ms: number) => new Date(ms).toISOString();

export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new CasekitError('validation_failed', `limit must be a positive integer, got ${limit}.`, {
      details: { issues: [{ path: 'limit', message: 'must be a positive integer' }] },
    });
  }
}

export function notFound(what: string, id: string): CasekitError {
  return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
}

export function conflict(message: string, details?: Record<string, unknown>): CasekitError {
  return new CasekitError('conflict', message, details ? { details } : {});
}

/** A page of `limit` items from up to `limit + 1` rows; the cursor points at the last one kept. */
export function pageOf<R, T>(rows: readonly R[], limit: number, item: (row: R) => T, cursorOf: (row: R) => string): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(item), nextCursor: more ? cursorOf(kept[kept.length - 1]!) : null };
}

