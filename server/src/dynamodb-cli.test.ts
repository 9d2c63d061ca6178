import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createLogger } from './logger.ts';
import { DEMO_PASSWORD, startServer } from './index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'server/src/cli.ts');

describe('casekit dynamodb create-table', () => {
  let local: DynamoDbLocal;
  let client: DynamoDBClient;
  before(async () => {
    local = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
  });
  after(async () => {
    client?.destroy();
    await local?.stop();
  });

  function cli(table: string): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(NODE, ['--conditions=casekit-source', CLI, 'dynamodb', 'create-table'], {
      env: {
        ...process.env,
        CASEKIT_DYNAMODB_TABLE: table,
        CASEKIT_DYNAMODB_ENDPOINT: local.endpoint,
        AWS_ACCESS_KEY_ID: DYNAMODB_LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DYNAMODB_LOCAL_CREDENTIALS.secretAccessKey,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  }

  it('creates the table with its keys and indexes, and a second run leaves it as it is', async () => {
    const first = await cli('casekit_cli');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Table casekit_cli is active/);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'casekit_cli' }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
    assert.deepEqual(Table?.KeySchema?.map((k) => k.AttributeName), ['pk', 'sk']);
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort(), ['gsi1', 'gsi2']);
    const again = await cli('casekit_cli');
    assert.equal(again.code, 0, again.stderr);
  });

  it('refuses a table of the same name made for something else, saying so', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'someone_else',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const result = await cli('someone_else');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^casekit dynamodb create-table: .*someone_else/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('runs the demo on DynamoDB (CASEKIT_STORE=dynamodb), creating the table, with channel secrets sealed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'casekit-dynamo-demo-'));
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = DYNAMODB_LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DYNAMODB_LOCAL_CREDENTIALS.secretAccessKey;
    const server = await startServer({
      port: 0,
      dataDir: join(dir, 'data'),
      logger: createLogger('silent'),
      examplesDir: null,
      workspaceId: 'demo',
      demo: true,
      storeKind: 'dynamodb',
      dynamodb: { tableName: 'casekit_demo', endpoint: local.endpoint },
      secretKey: 'a-demo-secret-key-of-at-least-32-characters',
    });
    try {
      assert.equal((await client.send(new DescribeTableCommand({ TableName: 'casekit_demo' }))).Table?.TableStatus, 'ACTIVE');
      const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@fibrelink.example', password: DEMO_PASSWORD }) });
      const { token } = (await login.json()) as { token: string };
      const cases = (await (await fetch(`${server.url}/api/v1/cases?limit=5`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
      assert.equal(cases.items.length, 5);
      // A customer's SMS through the Twilio fake and the signed webhook lands in the table.
      const sent = await fetch(`${server.url}/demo/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 2 }) });
      assert.equal(sent.status, 200, await sent.clone().text());
      const sms = (await server.store.listChannels('demo')).find((c) => c.kind === 'twilio-sms')!;
      assert.ok(Object.keys(sms.secrets).length > 0, 'its secrets open with the key');
    } finally {
      await server.close();
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
