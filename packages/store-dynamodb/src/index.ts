// The store
export { createDynamoStore } from './dynamo-store.ts';
export type { DynamoStoreOptions } from './dynamo-store.ts';

// Its table
export { createDynamoTable, DynamoTableMismatchError } from './create-table.ts';
export type { DynamoTableOptions } from './create-table.ts';
