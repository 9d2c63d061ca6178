import { join } from 'node:path';
import type { CustomerSearch, Store } from '@casekit/core';
import { createSecretBox, createSqliteStore } from '@casekit/store-sqlite';
import { resolveSecretKey, type Config } from './config.ts';

/** A store and the customer search that goes with it. */
export interface OpenedStore {
  store: Store;
  search: CustomerSearch;
}

/**
 * Opens the store the configuration names, with its search: the SQLite file in the data
 * directory (searched with FTS5), or the DynamoDB table (created when missing; AWS region and
 * credentials from the usual `AWS_*` variables; searched through its customer directory).
 * Channel and bot secrets are sealed with the secret key either way. Closing the store closes
 * what it opened.
 */
export async function openStore(config: Pick<Config, 'storeKind' | 'dynamodb' | 'dataDir' | 'secretKey'>): Promise<OpenedStore> {
  const secretKey = await resolveSecretKey(config);
  if (config.storeKind === 'sqlite') {
    const store = await createSqliteStore({ filename: join(config.dataDir, 'casekit.db'), secretKey });
    return { store, search: store };
  }
  // The AWS SDK loads only for DynamoDB: SQLite's start-up does not pay for it.
  const [{ DynamoDBClient }, { createDynamoStore, createDynamoTable }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@casekit/store-dynamodb')]);
  const client = dynamoClient(DynamoDBClient, config.dynamodb.endpoint);
  const { tableName } = config.dynamodb;
  try {
    await createDynamoTable({ client, tableName });
  } catch (error) {
    client.destroy();
    throw error;
  }
  const store = createDynamoStore({ client, tableName, secretBox: createSecretBox(secretKey) });
  const owning: Store = {
    ...store,
    async close() {
      await store.close();
      client.destroy();
    },
  };
  return { store: owning, search: store };
}

/** A DynamoDB client for `endpoint` (DynamoDB Local takes any region), or for AWS as the `AWS_*` variables say. */
export function dynamoClient<C>(Client: new (config: { endpoint?: string; region?: string }) => C, endpoint: string | undefined): C {
  return new Client({ ...(endpoint && { endpoint, region: process.env.AWS_REGION ?? 'us-east-1' }) });
}
