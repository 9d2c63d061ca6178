// The Splynx sync on the DynamoDB store, whose transactions hold at most 100 items: a page of
// 500 customers is applied in parts, the cursor with the last one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { billingAccountOf, createCaseEngine } from '@casekit/core';
import { createSecretBox } from '@casekit/store-sqlite';
import { createDynamoStore, createDynamoTable } from '@casekit/store-dynamodb';
import { createSplynxSync } from '@casekit/splynx';
import { DYNAMODB_LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';

const WS = 'ws_splynx_dynamo';
const KEY = 'b7c1d2e3f4a5';
const SECRET = '9f8e7d6c5b4a';
const CUSTOMERS = 120;

describe('Splynx sync on DynamoDB', { timeout: 180_000 }, () => {
  let local: DynamoDbLocal;
  let client: DynamoDBClient;
  let fake: SplynxFake;
  before(async () => {
    [local, fake] = await Promise.all([startDynamoDbLocal(), startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: CUSTOMERS })]);
    client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
  });
  after(async () => {
    client?.destroy();
    await Promise.all([local?.stop(), fake?.close()]);
  });

  it('pulls a page larger than one transaction in parts: every customer once, and a second pull changes nothing', async () => {
    await createDynamoTable({ client, tableName: 'casekit_splynx' });
    const store = createDynamoStore({ client, tableName: 'casekit_splynx', secretBox: createSecretBox('a-test-secret-key-of-at-least-32-characters') });
    const engine = createCaseEngine({ store });
    await engine.ensureWorkspace({ id: WS, name: 'Fibrelink' });
    const errors: unknown[] = [];
    const sync = createSplynxSync({
      engine,
      store,
      workspaceId: WS,
      baseUrl: fake.url,
      auth: { kind: 'token', key: KEY, secret: SECRET },
      maxRequestsPerSecond: 1000,
      onError: (error) => errors.push(error),
    });
    try {
      const first = await sync.run({ full: true });
      assert.equal(first.status, 'succeeded', JSON.stringify(first));
      assert.deepEqual([first.counts.created, first.counts.failed], [CUSTOMERS, 0]);
      const status = await sync.status();
      assert.equal(status.linkedCustomers, CUSTOMERS);
      const email = String(fake.store.customers.get('1')!.email);
      const customer = await store.findCustomerByEmail(WS, email);
      assert.ok(customer, 'the first customer is there, found by email');
      assert.equal((await billingAccountOf(store, WS, customer))?.externalId, '1');
      const second = await sync.run({ full: true });
      assert.deepEqual([second.counts.created, second.counts.updated, second.counts.unchanged], [0, 0, CUSTOMERS]);
      assert.deepEqual(errors, []);
    } finally {
      await sync.close();
      await store.close();
    }
  });
});
