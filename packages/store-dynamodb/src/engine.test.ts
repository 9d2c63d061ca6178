import { after, before } from 'node:test';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runEngineContract } from '@casekit/testkit';
import { DYNAMODB_LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { createDynamoStore, createDynamoTable } from './index.ts';

// The case engine's whole contract (threading, de-duplication, merges, routing, SLAs, bots,
// billing) over the DynamoDB store, against Amazon's DynamoDB Local: a table per test.
let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

before(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
});
after(async () => {
  client.destroy();
  await dynamo.stop();
});

runEngineContract('dynamodb local', async () => {
  const tableName = `engine-${++tables}`;
  await createDynamoTable({ client, tableName });
  const store = createDynamoStore({ client, tableName });
  return {
    ...store,
    async close() {
      await store.close();
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
});
