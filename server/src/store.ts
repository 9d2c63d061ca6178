import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Store } from '@casekit/core';
import { createDynamoStore, createDynamoTable } from '@casekit/store-dynamodb';
import { createSecretBox, createSqliteStore } from '@casekit/store-sqlite';
import { resolveSecretKey, type Config } from './config.ts';

/**
 * Opens the store the configuration names: the SQLite file in the data directory, or the
 * DynamoDB table (created when missing; AWS region and credentials from the usual `AWS_*`
 * variables). Channel and bot secrets are sealed with the secret key either way. Closing the
 * store closes what it opened.
 */
export async function openStore(config: Pick<Config, 'storeKind' | 'dynamodb' | 'dataDir' | 'secretKey'>): Promise<Store> {
  const secretKey = await resolveSecretKey(config);
  if (config.storeKind === 'sqlite') return createSqliteStore({ filename: join(config.dataDir, 'casekit.db'), secretKey });
  const { tableName, endpoint } = config.dynamodb;
  // DynamoDB Local takes any region; AWS needs the one the table lives in (AWS_REGION).
  const client = new DynamoDBClient({ ...(endpoint && { endpoint, region: process.env.AWS_REGION ?? 'us-east-1' }) });
  try {
    await createDynamoTable({ client, tableName });
  } catch (error) {
    client.destroy();
    throw error;
  }
  const store = createDynamoStore({ client, tableName, secretBox: createSecretBox(secretKey) });
  return {
    ...store,
    async close() {
      await store.close();
      client.destroy();
    },
  };
}
