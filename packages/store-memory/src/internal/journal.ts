import type { RowOf, TableName, Tables } from './tables.ts';

interface Change {
  table: TableName;
  pk: string;
  before: unknown;
  after: unknown;
}

type AnyTable = { write(pk: string, row: unknown): unknown };

/**
 * The writes of the transaction in progress: applied at once to the transaction's copy of the
 * tables, undone from the end on a throw, and replayed onto the committed copy on commit.
 */
export class Journal {
  readonly #tables: Tables;
  #changes: Change[] = [];

  constructor(tables: Tables) {
    this.#tables = tables;
  }

  write<K extends TableName>(table: K, pk: string, row: RowOf<K> | undefined): void {
    const before = (this.#tables[table] as AnyTable).write(pk, row);
    this.#changes.push({ table, pk, before, after: row });
  }

  /** A point to undo back to. */
  mark(): number {
    return this.#changes.length;
  }

  /** Undoes every write after `mark`, newest first. */
  undo(mark = 0): void {
    while (this.#changes.length > mark) {
      const change = this.#changes.pop()!;
      (this.#tables[change.table] as AnyTable).write(change.pk, change.before);
    }
  }

  /** Applies the transaction's writes, in order, to `committed`, and starts afresh. */
  commit(committed: Tables): void {
    const changes = this.#changes;
    this.#changes = [];
    for (const change of changes) (committed[change.table] as AnyTable).write(change.pk, change.after);
  }
}
