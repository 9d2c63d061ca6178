import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** Where the store keeps its data: a client (region, credentials, endpoint) and one table. */
export interface DynamoTableOptions {
  client: DynamoDBClient;
  tableName: string;
}

// The attribute DynamoDB's TTL reads (epoch seconds): items that carry it are deleted after it.
const TTL_ATTRIBUTE = 'expiresAt';

/** The table does not have the keys this store writes: it was made for something else. */
export class DynamoTableMismatchError extends Error {
  override readonly name = 'DynamoTableMismatchError';
  readonly code = 'table_mismatch' as const;
}

/**
 * Creates the store's table (keys `pk`/`sk`, GSIs `gsi1` and `gsi2`, on-demand billing, TTL on
 * `expiresAt`) and waits until it is ACTIVE. An existing table with the same keys is fine.
 * @example await createDynamoTable({ client: new DynamoDBClient({}), tableName: 'casekit' })
 */
export async function createDynamoTable({ client, tableName }: DynamoTableOptions): Promise<void> {
  const index = (name: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: 'HASH' as const },
      { AttributeName: `${name}sk`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [index('gsi1'), index('gsi2')],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 300 }, { TableName: tableName });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const keys = Table?.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  const indexes = new Set(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName));
  if (keys !== 'pk:HASH,sk:RANGE' || !indexes.has('gsi1') || !indexes.has('gsi2')) {
    throw new DynamoTableMismatchError(`Table "${tableName}" exists but has keys ${keys} and indexes ${[...indexes].join(', ') || 'none'}; casekit needs pk/sk and the GSIs gsi1 and gsi2. Use another table name.`);
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
  }
}
