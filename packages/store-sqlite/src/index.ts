// The store
export { createSqliteStore } from './sqlite-store.ts';
// The secret box other stores seal channel and bot secrets with (Node only).
export { createSecretBox, MIN_SECRET_KEY_LENGTH } from './internal/secrets.ts';
export type { SqliteStoreOptions } from './sqlite-store.ts';

// The Node it needs (better-sqlite3 crashes older ones)
export { assertSupportedNode, UnsupportedNodeError } from './node-version.ts';

// Schema (for tools that inspect or pre-create the file)
export { MIGRATIONS } from './schema.ts';
