import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { runStoreContract } from '@casekit/testkit';
import { DYNAMODB_LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { createDynamoStore, createDynamoTable, DynamoTableMismatchError, NotImplementedError } from './index.ts';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

before(async () => {
  dynamo = await startDynamoDbLocal();
  console.log(`# DynamoDB Local answered after ${dynamo.startMs} ms`);
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
});
after(async () => {
  client.destroy();
  await dynamo.stop();
});

/** A store on a table of its own; closing it drops the table. */
async function freshStore() {
  const tableName = `casekit-${++tables}`;
  await createDynamoTable({ client, tableName });
  const store = createDynamoStore({ client, tableName });
  return {
    ...store,
    async close() {
      await store.close();
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}

runStoreContract('dynamodb', freshStore, { only: ['workspaces, channels and agents', 'outbox', 'timers', 'records', 'idempotency'] });

describe('dynamodb table and transactions', () => {
  it('creates the table once: a second call finds it and returns; a table with other keys is refused', async () => {
    await createDynamoTable({ client, tableName: 'casekit-twice' });
    await createDynamoTable({ client, tableName: 'casekit-twice' });
    const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
    await client.send(
      new CreateTableCommand({
        TableName: 'not-casekit',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(createDynamoTable({ client, tableName: 'not-casekit' }), (error: unknown) => error instanceof DynamoTableMismatchError && error.code === 'table_mismatch');
  });

  it('a TransactWriteItems whose condition fails writes none of its items', async () => {
    await createDynamoTable({ client, tableName: 'casekit-atomic' });
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(new PutCommand({ TableName: 'casekit-atomic', Item: { pk: 'p', sk: 'taken', v: 1 } }));
    await assert.rejects(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'casekit-atomic', Item: { pk: 'p', sk: 'new', v: 1 } } },
            { Update: { TableName: 'casekit-atomic', Key: { pk: 'p', sk: 'counter' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
            { Put: { TableName: 'casekit-atomic', Item: { pk: 'p', sk: 'taken', v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      ),
      (error: unknown) => {
        assert.ok(error instanceof TransactionCanceledException);
        assert.deepEqual(error.CancellationReasons?.map((r) => r.Code), ['None', 'None', 'ConditionalCheckFailed']);
        return true;
      },
    );
    const get = async (sk: string) => (await doc.send(new GetCommand({ TableName: 'casekit-atomic', Key: { pk: 'p', sk }, ConsistentRead: true }))).Item;
    assert.equal(await get('new'), undefined);
    assert.equal(await get('counter'), undefined);
    assert.equal((await get('taken'))?.v, 1);
  });

  it('refuses a transaction of more than 100 items before writing any, and keeps the store usable', async () => {
    const store = await freshStore();
    try {
      await assert.rejects(
        store.transaction(async (tx) => {
          for (let i = 0; i < 101; i++) await tx.putIdempotent('ws_1', 'agent:a', `key-${i}`, { status: 201, body: {}, requestHash: 'h' });
        }),
        { code: 'payload_too_large' },
      );
      assert.equal(await store.getIdempotent('ws_1', 'agent:a', 'key-0'), null);
      await store.transaction((tx) => tx.putIdempotent('ws_1', 'agent:a', 'key-0', { status: 201, body: {}, requestHash: 'h' }));
      assert.equal((await store.getIdempotent('ws_1', 'agent:a', 'key-0'))?.status, 201);
    } finally {
      await store.close();
    }
  });

  it('turns a write that lost a race into conflict, committing none of that transaction', async () => {
    const store = await freshStore();
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Both read "no record yet"; the second to commit must fail whole, counter included.
      const first = store.transaction(async (tx) => {
        await tx.putRecord('ws_1', 'links', 'a', { by: 'first' }, '2026-01-01T00:00:00Z');
        await gate;
      });
      const second = store.transaction(async (tx) => {
        await tx.putRecord('ws_1', 'links', 'a', { by: 'second' }, '2026-01-01T00:00:00Z');
        await tx.putRecord('ws_1', 'links', 'b', { by: 'second' }, '2026-01-01T00:00:00Z');
      });
      await second;
      release();
      await assert.rejects(first, { code: 'conflict' });
      assert.deepEqual((await store.getRecord('ws_1', 'links', 'a'))?.value, { by: 'second' });
      assert.equal(await store.countRecords('ws_1', 'links'), 2);
    } finally {
      await store.close();
    }
  });

  it('says which methods are not there yet', async () => {
    const store = await freshStore();
    try {
      await assert.rejects(store.getCase('ws_1', 'c_1'), (error: unknown) => error instanceof NotImplementedError && error.code === 'not_implemented' && /getCase/.test(error.message));
      await assert.rejects(
        store.transaction((tx) => tx.appendEvent({} as never)),
        (error: unknown) => error instanceof NotImplementedError && error.method === 'appendEvent',
      );
    } finally {
      await store.close();
    }
  });
});
