// The store
export { createSqliteStore } from './sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite-store.ts';

// The Node it needs (better-sqlite3 crashes older ones)
export { assertSupportedNode, UnsupportedNodeError } from './node-version.ts';

// Schema (for tools that inspect or pre-create the file)
export { MIGRATIONS } from './schema.ts';
