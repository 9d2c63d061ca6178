// The store
export { createSqliteStore } from './sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite-store.ts';

// Schema (for tools that inspect or pre-create the file)
export { MIGRATIONS } from './schema.ts';
