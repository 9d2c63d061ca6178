/** A secondary lookup of a table, kept current as its rows are written. */
export interface Index<R> {
  add(pk: string, row: R): void;
  remove(pk: string, row: R): void;
  /** Replaces `before` by `after` in place and returns true when the row keeps its keys; else false. */
  replace(pk: string, before: R, after: R): boolean;
}

const NO_KEYS: readonly string[] = [];
const NO_PKS: ReadonlySet<string> = new Set();
const NO_ROWS: readonly never[] = [];

/** A row's keys as a list, whether the index gives none, one or several. */
function keyList<R>(keysOf: (row: R) => readonly string[] | string | null): (row: R) => readonly string[] {
  return (row) => {
    const keys = keysOf(row);
    return keys === null ? NO_KEYS : typeof keys === 'string' ? [keys] : keys;
  };
}

const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((key, i) => key === b[i]);

/** One primary key per key: a channel identity, a provider message id. */
export class UniqueIndex<R> implements Index<R> {
  readonly #pks = new Map<string, string>();
  readonly #keyOf: (row: R) => string | null;

  constructor(keyOf: (row: R) => string | null) {
    this.#keyOf = keyOf;
  }

  get(key: string): string | undefined {
    return this.#pks.get(key);
  }

  add(pk: string, row: R): void {
    const key = this.#keyOf(row);
    if (key !== null) this.#pks.set(key, pk);
  }

  remove(pk: string, row: R): void {
    const key = this.#keyOf(row);
    if (key !== null && this.#pks.get(key) === pk) this.#pks.delete(key);
  }

  replace(_pk: string, before: R, after: R): boolean {
    return this.#keyOf(before) === this.#keyOf(after);
  }
}

/** Any number of rows per key, in no order; a row may have several keys (its words). */
export class GroupIndex<R> implements Index<R> {
  readonly #groups = new Map<string, Set<string>>();
  readonly #keysOf: (row: R) => readonly string[];

  constructor(keysOf: (row: R) => readonly string[] | string | null) {
    this.#keysOf = keyList(keysOf);
  }

  get(key: string): ReadonlySet<string> {
    return this.#groups.get(key) ?? NO_PKS;
  }

  keys(): IterableIterator<string> {
    return this.#groups.keys();
  }

  add(pk: string, row: R): void {
    for (const key of this.#keysOf(row)) {
      let group = this.#groups.get(key);
      if (!group) this.#groups.set(key, (group = new Set()));
      group.add(pk);
    }
  }

  remove(pk: string, row: R): void {
    for (const key of this.#keysOf(row)) {
      const group = this.#groups.get(key);
      if (group?.delete(pk) && group.size === 0) this.#groups.delete(key);
    }
  }

  replace(_pk: string, before: R, after: R): boolean {
    return sameKeys(this.#keysOf(before), this.#keysOf(after));
  }
}

/**
 * Rows per key in ascending order, for lists that page; a row may have several keys (its
 * tags). `compare` must be a total order (end on a unique field) so that every row has one
 * place. Keep the order ascending in what grows (time, position): new and touched rows then
 * go to the end, the cheap end of an array.
 */
export class OrderedIndex<R> implements Index<R> {
  readonly #lists = new Map<string, R[]>();
  readonly #keysOf: (row: R) => readonly string[];
  readonly compare: (a: R, b: R) => number;

  constructor(keysOf: (row: R) => readonly string[] | string | null, compare: (a: R, b: R) => number) {
    this.#keysOf = keyList(keysOf);
    this.compare = compare;
  }

  /** The rows of one key in order; read it, never change it. */
  list(key: string): readonly R[] {
    return this.#lists.get(key) ?? NO_ROWS;
  }

  add(_pk: string, row: R): void {
    for (const key of this.#keysOf(row)) {
      let list = this.#lists.get(key);
      if (!list) this.#lists.set(key, (list = []));
      if (list.length === 0 || this.compare(list[list.length - 1]!, row) < 0) list.push(row);
      else list.splice(lowerBound(list, (other) => this.compare(other, row) < 0), 0, row);
    }
  }

  remove(_pk: string, row: R): void {
    for (const key of this.#keysOf(row)) {
      const list = this.#lists.get(key);
      if (!list) continue;
      list.splice(this.#find(list, row), 1);
      if (list.length === 0) this.#lists.delete(key);
    }
  }

  replace(_pk: string, before: R, after: R): boolean {
    const keys = this.#keysOf(before);
    if (!sameKeys(keys, this.#keysOf(after)) || this.compare(before, after) !== 0) return false;
    for (const key of keys) {
      const list = this.#lists.get(key)!;
      list[this.#find(list, before)] = after;
    }
    return true;
  }

  #find(list: R[], row: R): number {
    const at = lowerBound(list, (other) => this.compare(other, row) < 0);
    if (list[at] !== row) throw new Error('OrderedIndex: a row changed its sort key without being written.');
    return at;
  }
}

/** The first position in `list` (sorted) whose item is not `before` the sought place. */
export function lowerBound<T>(list: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows by primary key, with indexes that follow every write. */
export class Table<R, I extends Record<string, Index<R>>> {
  readonly #rows = new Map<string, R>();
  readonly #indexes: Index<R>[];
  readonly by: I;

  constructor(by: I) {
    this.by = by;
    this.#indexes = Object.values(by);
  }

  get(pk: string): R | undefined {
    return this.#rows.get(pk);
  }

  /** Stores `row` under `pk` (deletes it when undefined) and returns the row it replaced. */
  write(pk: string, row: R | undefined): R | undefined {
    const before = this.#rows.get(pk);
    if (before === row) return before;
    for (const index of this.#indexes) {
      if (before !== undefined && row !== undefined && index.replace(pk, before, row)) continue;
      if (before !== undefined) index.remove(pk, before);
      if (row !== undefined) index.add(pk, row);
    }
    if (row === undefined) this.#rows.delete(pk);
    else this.#rows.set(pk, row);
    return before;
  }
}

/**
 * A table of rows of type `R` with named indexes.
 * @example const channels = table<ChannelRow>()({ workspace: new OrderedIndex((r) => r.ws, byPos) })
 */
export const table =
  <R>() =>
  <I extends Record<string, Index<R>>>(by: I): Table<R, I> =>
    new Table<R, I>(by);
