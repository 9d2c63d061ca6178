import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteTableCommand, DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, PutItemCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createCaseEngine, type CustomerSearch, type Store } from '@casekit/core';
import type { CasekitError } from '@casekit/protocol';
import { FIXTURE_WORKSPACE, fixtureTime, seedEngineWorkspace, makeCase, makeConversation, makeCustomer, makeMessage, makeMessageEvent, makePresenceEvent, runSearchContract, runStoreContract } from '@casekit/testkit';
import { DYNAMODB_LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { createSecretBox } from '@casekit/store-sqlite';
import { createDynamoStore, createDynamoTable, DynamoTableMismatchError } from './index.ts';

const WS = FIXTURE_WORKSPACE;
/** The contract runs with channel and bot secrets sealed, as the server runs it. */
const BOX = createSecretBox('a-test-secret-key-of-at-least-32-characters');
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
async function freshStore(): Promise<Store & CustomerSearch> {
  const tableName = `casekit-${++tables}`;
  await createDynamoTable({ client, tableName });
  const store = createDynamoStore({ client, tableName, secretBox: BOX });
  return {
    ...store,
    async close() {
      await store.close();
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}

/** Runs `fn` on a fresh store, closing it whatever happens. */
async function withStore(fn: (store: Store & CustomerSearch) => Promise<void>): Promise<void> {
  const store = await freshStore();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

// A transaction commits as one TransactWriteItems: at most 100 items, so the store is bounded.
runStoreContract('dynamodb', freshStore, { boundedTransactions: true });
runSearchContract('dynamodb customer directory', async () => {
  const store = await freshStore();
  return { store, search: store };
});

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

  it('refuses a transaction of more than 100 items before writing any, and keeps the store usable', () =>
    withStore(async (store) => {
    await assert.rejects(
      store.transaction(async (tx) => {
        for (let i = 0; i < 101; i++) await tx.putIdempotent('ws_1', 'agent:a', `key-${i}`, { status: 201, body: {}, requestHash: 'h' });
      }),
      { code: 'payload_too_large' },
    );
    assert.equal(await store.getIdempotent('ws_1', 'agent:a', 'key-0'), null);
    await store.transaction((tx) => tx.putIdempotent('ws_1', 'agent:a', 'key-0', { status: 201, body: {}, requestHash: 'h' }));
    assert.equal((await store.getIdempotent('ws_1', 'agent:a', 'key-0'))?.status, 201);
    }));

  it('turns a write that lost a race into conflict, committing none of that transaction', () =>
    withStore(async (store) => {
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
    }));

  it('re-runs a transaction whose case or profile another node changed after it read them', () =>
    withStore(async (store) => {
      const customer = makeCustomer();
      const kase = makeCase({ customerId: customer.id });
      await store.transaction(async (tx) => {
        await tx.insertCustomer(customer);
        await tx.insertCase(kase);
      });
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = store.transaction(async (tx) => {
        runs++;
        const current = (await tx.getCase(WS, kase.id))!;
        if (runs === 1) await gate;
        await tx.updateCase({ ...current, messageCount: current.messageCount + 1, version: current.version + 1 }, current.version);
        await tx.updateCustomer({ ...customer, name: `Renamed ${runs}` });
      });
      await store.transaction(async (tx) => {
        await tx.updateCase({ ...kase, messageCount: 10, version: 2 }, 1);
        await tx.updateCustomer({ ...customer, name: 'Fast' });
      });
      release();
      await slow;
      assert.equal(runs, 2);
      assert.deepEqual([(await store.getCase(WS, kase.id))?.messageCount, (await store.getCase(WS, kase.id))?.version], [11, 3]);
      assert.equal((await store.getCustomer(WS, customer.id))?.name, 'Renamed 2');
      await assert.rejects(store.transaction((tx) => tx.updateCase({ ...kase, version: 2 }, 1)), { code: 'version_conflict' });
    }));

  it('lets one of two nodes take a provider message id or a channel identity when both saw it free', async () => {
    const nodeA = await freshStore();
    const nodeB = createDynamoStore({ client, tableName: `casekit-${tables}` });
    try {
      const customer = makeCustomer();
      const kase = makeCase({ customerId: customer.id });
      const conversation = makeConversation({ caseId: kase.id, customerId: customer.id });
      await nodeA.transaction(async (tx) => {
        await tx.insertCustomer(customer);
        await tx.insertCase(kase);
        await tx.insertConversation(conversation);
      });
      const inbound = () => makeMessage({ caseId: kase.id, conversationId: conversation.id, customerId: customer.id, channelId: conversation.channelId, providerMessageId: 'SM-dup' });
      const identity = { channelId: conversation.channelId, kind: 'webchat' as const, externalId: 'visitor-dup' };
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Both read "not seen" before either commits: the de-duplication is the commit's condition.
      const slow = nodeA.transaction(async (tx) => {
        await tx.insertMessage(inbound());
        await tx.insertCustomer(makeCustomer({ identities: [identity] }));
        await gate;
      });
      await nodeB.transaction(async (tx) => {
        await tx.insertMessage(inbound());
        await tx.insertCustomer(makeCustomer({ identities: [identity] }));
      });
      release();
      await assert.rejects(slow, { code: 'conflict' });
      assert.equal((await nodeA.listMessages(WS, { conversationId: conversation.id, limit: 10 })).items.length, 1);
      assert.equal((await nodeA.searchCustomers(WS, undefined, 10)).items.length, 2, 'the slow node stored no profile');
    } finally {
      await nodeA.close();
    }
  });
});

describe('throttling', () => {
  it("retries a throttled request with the SDK's own strategy, and answers unavailable once its attempts are spent", async () => {
    const store = await freshStore();
    // DynamoDB Local never throttles: this client is told "over throughput" as AWS would, inside the SDK's retries.
    const throttled = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS, maxAttempts: 3 });
    let refuse = 0;
    let attempts = 0;
    throttled.middlewareStack.add(
      (next) => async (args) => {
        attempts++;
        if (refuse-- > 0) throw new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: { httpStatusCode: 400 } });
        return next(args);
      },
      { step: 'deserialize', name: 'throttle' },
    );
    const node = createDynamoStore({ client: throttled, tableName: `casekit-${tables}` });
    try {
      await store.transaction((tx) => tx.appendEvent(makePresenceEvent()));
      refuse = 2;
      assert.equal(await node.lastSeq(WS), 1, 'answered after two throttled attempts');
      assert.equal(attempts, 3);
      refuse = 100;
      attempts = 0;
      await assert.rejects(node.lastSeq(WS), (error: CasekitError) => error.code === 'unavailable' && error.status === 503 && error.details?.retryAfterSeconds === 1);
      assert.equal(attempts, 3, 'the SDK tried three times');
    } finally {
      throttled.destroy();
      await store.close();
    }
  });
});

describe('two nodes given one message', () => {
  it('store it once and both answer: the node that lost the race runs again and finds the duplicate', async () => {
    const store = await freshStore();
    const other = createDynamoStore({ client, tableName: `casekit-${tables}` });
    try {
      await seedEngineWorkspace(store, WS);
      const [a, b] = [store, other].map((s) => createCaseEngine({ store: s }));
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => {
          // A new sender's first message and a known sender's follow-up, each delivered to both nodes at once.
          const input = { workspaceId: WS, channelId: 'sms', providerMessageId: `SM-twice-${i}`, from: { externalId: `+1415555010${i % 3}`, phone: `+1415555010${i % 3}` }, text: `hello ${i}` };
          return Promise.all([a!.ingest(input), b!.ingest(input)]);
        }),
      );
      for (const [first, second] of results) {
        assert.equal(first!.message.id, second!.message.id, 'both answer with the one stored message');
        assert.equal([first!.duplicate, second!.duplicate].filter(Boolean).length, 1);
      }
      const customers = (await store.searchCustomers(WS, undefined, 50)).items;
      assert.equal(customers.length, 3, 'one profile a sender');
      let stored = 0;
      for (const customer of customers) stored += (await store.listMessages(WS, { customerId: customer.id, limit: 50 })).items.length;
      assert.equal(stored, 6);
    } finally {
      await store.close();
    }
  });
});

describe('dynamodb event log', () => {

  it('gives each workspace strictly increasing seqs without gaps, across two stores writing at once', async () => {
    const nodeA = await freshStore();
    // A second store on the same table: another server node.
    const nodeB = createDynamoStore({ client, tableName: `casekit-${tables}` });
    try {
      const appended = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? nodeA : nodeB).transaction((tx) => tx.appendEvent(makePresenceEvent({ workspaceId: i % 4 === 0 ? 'ws_other' : WS }))),
        ),
      );
      const seqsOf = (ws: string) => appended.filter((e) => e.workspaceId === ws).map((e) => e.seq).sort((a, b) => a - b);
      assert.deepEqual(seqsOf(WS), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.deepEqual(seqsOf('ws_other'), [1, 2, 3, 4]);
      assert.equal(await nodeB.lastSeq(WS), 12);
      assert.deepEqual((await nodeB.listEvents(WS, { after: 0, limit: 100 })).map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.deepEqual((await nodeA.listEvents(WS, { after: 10, limit: 100 })).map((e) => e.seq), [11, 12]);
    } finally {
      await nodeA.close();
    }
  });

  it('commits in seq order: a transaction that read an older counter runs again and takes the next seq', async () => {
    const store = await freshStore();
    // Another node: this process's writers would wait their turn instead of racing.
    const other = createDynamoStore({ client, tableName: `casekit-${tables}` });
    try {
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = store.transaction(async (tx) => {
        runs++;
        const event = await tx.appendEvent(makePresenceEvent());
        if (runs === 1) await gate;
        return event;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const fast = await other.transaction((tx) => tx.appendEvent(makePresenceEvent()));
      release();
      assert.equal(fast.seq, 1);
      assert.equal((await slow).seq, 2);
      assert.equal(runs, 2);
      assert.deepEqual((await store.listEvents(WS, { after: 0, limit: 10 })).map((e) => e.seq), [1, 2]);
    } finally {
      await store.close();
    }
  });

  it('lets the writers of one workspace in one process take turns: 30 at once commit with no run lost to a race', () =>
    withStore(async (store) => {
      let runs = 0;
      const appended = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.transaction(async (tx) => {
            runs++;
            await tx.getWorkspace(WS);
            return i % 3 === 0 ? (await tx.nextCaseNumber(WS), tx.appendEvent(makePresenceEvent())) : tx.appendEvent(makePresenceEvent());
          }),
        ),
      );
      assert.equal(runs, 30, 'every callback ran once');
      assert.deepEqual(appended.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1));
      assert.equal(await store.lastSeq(WS), 30);
      // The counter this process wrote last is trusted on the next turn, and checked at commit:
      // another node moving it on makes the next transaction here run again with a fresh read.
      const other = createDynamoStore({ client, tableName: `casekit-${tables}` });
      await other.transaction((tx) => tx.appendEvent(makePresenceEvent()));
      runs = 0;
      const next = await store.transaction(async (tx) => (runs++, tx.appendEvent(makePresenceEvent())));
      assert.deepEqual([next.seq, runs], [32, 2]);
    }));

  it('hands out no seq for a transaction that throws, and lets a transaction read its own events', () =>
    withStore(async (store) => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.appendEvent(makePresenceEvent());
        assert.equal(await tx.lastSeq(WS), 1);
        assert.deepEqual((await tx.listEvents(WS, { after: 0, limit: 10 })).map((e) => e.seq), [1]);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(await store.lastSeq(WS), 0);
    assert.deepEqual(await store.listEvents(WS, { after: 0, limit: 10 }), []);
    const event = await store.transaction((tx) => tx.appendEvent(makePresenceEvent()));
    assert.equal(event.seq, 1);
    }));

  it('answers unavailable with a Retry-After, writing nothing, when other writers win the event seq every time', () =>
    withStore(async (store) => {
      const other = createDynamoStore({ client, tableName: `casekit-${tables}` });
      let runs = 0;
      const starved = store.transaction(async (tx) => {
        runs++;
        await tx.appendEvent(makePresenceEvent());
        // Another node's request of the workspace commits between this one's read of the counter and its commit.
        await other.transaction((tx2) => tx2.appendEvent(makePresenceEvent()));
      });
      await assert.rejects(starved, (error: CasekitError) => error.code === 'unavailable' && error.status === 503 && error.details?.retryAfterSeconds === 1);
      assert.equal(runs, 8);
      assert.equal(await store.lastSeq(WS), 8, 'only the winners\' events');
    }));

  it('lists events after a seq, up to a limit, by customer, and only public ones for visitors', () =>
    withStore(async (store) => {
    const mine = makeMessage({ customerId: 'cu_mine' });
    const note = makeMessage({ customerId: 'cu_mine', internal: true, direction: 'outbound', authorKind: 'agent', authorId: 'ag_1' });
    const theirs = makeMessage({ customerId: 'cu_theirs' });
    const appended = await store.transaction(async (tx) => [
      await tx.appendEvent(makeMessageEvent(mine)),
      await tx.appendEvent(makePresenceEvent()),
      await tx.appendEvent(makeMessageEvent(note)),
      await tx.appendEvent(makeMessageEvent(theirs)),
    ]);
    const seqs = async (query: Parameters<typeof store.listEvents>[1]) => (await store.listEvents(WS, query)).map((e) => e.seq);
    assert.deepEqual(await store.listEvents(WS, { after: 0, limit: 10 }), appended);
    assert.deepEqual(await seqs({ after: 1, limit: 2 }), [2, 3]);
    assert.deepEqual(await seqs({ after: 0, limit: 10, customerId: 'cu_mine' }), [1, 3]);
    assert.deepEqual(await seqs({ after: 0, limit: 1, customerId: 'cu_theirs' }), [4], 'a filtered page is filled from further on');
    assert.deepEqual(await seqs({ after: 0, limit: 10, publicOnly: true }), [1, 4]);
    assert.deepEqual(await seqs({ after: 0, limit: 10, customerId: 'cu_mine', publicOnly: true }), [1]);
    }));
});

describe('dynamodb case numbers and read marks', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 9, minutes)).toISOString();

  it('numbers cases per workspace from 1, once each, when two stores take numbers at once', () =>
    withStore(async (store) => {
      assert.deepEqual(
        await store.transaction(async (tx) => [await tx.nextCaseNumber(WS), await tx.nextCaseNumber(WS), await tx.nextCaseNumber('ws_other'), await tx.nextCaseNumber(WS)]),
        [1, 2, 1, 3],
      );
      const other = createDynamoStore({ client, tableName: `casekit-${tables}` });
      const numbers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).transaction((tx) => tx.nextCaseNumber(WS))));
      assert.deepEqual(numbers.sort((a, b) => a - b), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.nextCaseNumber(WS);
          throw new Error('rolled back');
        }),
      );
      assert.equal(await store.transaction((tx) => tx.nextCaseNumber(WS)), 14, 'a rolled-back transaction uses up no number');
    }));

  it('runs again a transaction whose case number another took and committed first, rather than failing with conflict', () =>
    withStore(async (store) => {
      const [first, second] = [makeCustomer(), makeCustomer()];
      await store.transaction(async (tx) => {
        await tx.insertCustomer(first);
        await tx.insertCustomer(second);
      });
      let commitEarly!: () => void;
      const early = new Promise<void>((resolve) => (commitEarly = resolve));
      let runs = 0;
      // Two new customers' first messages at once: both read the counter, one commits first.
      const late = store.transaction(async (tx) => {
        runs++;
        const number = await tx.nextCaseNumber(WS);
        await early;
        await tx.insertCase(makeCase({ number, customerId: second.id }));
        return number;
      });
      const taken = await store.transaction(async (tx) => {
        const number = await tx.nextCaseNumber(WS);
        await tx.insertCase(makeCase({ number, customerId: first.id }));
        return number;
      });
      commitEarly();
      assert.deepEqual([taken, await late], [1, 2]);
      assert.equal(runs, 2, 'the late one ran again from fresh reads');
      await assert.rejects(store.transaction(async (tx) => tx.insertCase(makeCase({ number: 2, customerId: first.id }))), { code: 'conflict' }, 'a number given, not taken, still conflicts');
    }));

  it('keeps the latest read of each case per agent; an earlier time changes nothing', () =>
    withStore(async (store) => {
      await store.transaction((tx) => tx.markCaseRead(WS, 'ag_1', 'c_1', at(20)));
      await store.transaction(async (tx) => {
        await tx.markCaseRead(WS, 'ag_1', 'c_1', at(10));
        await tx.markCaseRead(WS, 'ag_1', 'c_2', at(5));
        assert.deepEqual(await tx.getCaseReads(WS, 'ag_1', ['c_1', 'c_2']), { c_1: at(20), c_2: at(5) }, 'seen inside the transaction');
      });
      await store.transaction((tx) => tx.markCaseRead(WS, 'ag_2', 'c_1', at(30)));
      assert.deepEqual(await store.getCaseReads(WS, 'ag_1', ['c_1', 'c_2', 'c_unknown']), { c_1: at(20), c_2: at(5) });
      assert.deepEqual(await store.getCaseReads(WS, 'ag_2', ['c_1', 'c_2']), { c_1: at(30) });
      assert.deepEqual(await store.getCaseReads('ws_other', 'ag_1', ['c_1']), {});
      await assert.rejects(store.transaction((tx) => tx.markCaseRead(WS, 'ag_1', 'c_1', 'soon')), { code: 'validation_failed' });
    }));

  it('reads the marks of more cases than one batch holds', () =>
    withStore(async (store) => {
      const ids = Array.from({ length: 150 }, (_, i) => `c_${i}`);
      for (let i = 0; i < ids.length; i += 50) {
        await store.transaction(async (tx) => {
          for (const id of ids.slice(i, i + 50)) await tx.markCaseRead(WS, 'ag_1', id, at(1));
        });
      }
      assert.equal(Object.keys(await store.getCaseReads(WS, 'ag_1', [...ids, 'c_none'])).length, 150);
    }));
});

describe('dynamodb customer search', () => {
  it('ignores diacritics on both sides, in a customer search and in the customer part of a case search', () =>
    withStore(async (store) => {
      const muller = makeCustomer({ name: 'Jürgen Müller' });
      const kase = makeCase({ customerId: muller.id, subject: 'Hallo' });
      await store.transaction(async (tx) => {
        await tx.insertCustomer(muller);
        await tx.insertCase(kase);
      });
      assert.deepEqual((await store.searchCustomers(WS, 'muller', 10)).items.map((c) => c.id), [muller.id]);
      assert.deepEqual((await store.searchCustomers(WS, 'JÜRGEN', 10)).items.map((c) => c.id), [muller.id]);
      assert.deepEqual((await store.listCases(WS, { q: 'jurgen m', limit: 10 })).items.map((c) => c.id), [kase.id]);
    }));

  it('looks at a bounded number of profiles a page: a rare match comes on a later page, through the cursor', () =>
    withStore(async (store) => {
      const needle = makeCustomer({ name: 'Needle Haystack' });
      await store.transaction((tx) => tx.insertCustomer(needle));
      // 2,100 newer profiles (3 items each, 30 a transaction) stand between the search and the match.
      for (let i = 0; i < 70; i++) {
        await store.transaction(async (tx) => {
          for (let j = 0; j < 30; j++) await tx.insertCustomer(makeCustomer({ name: `Straw ${i}-${j}` }));
        });
      }
      const first = await store.searchCustomers(WS, 'needle', 10);
      assert.deepEqual(first.items, [], 'the first 2,000 profiles hold no match');
      assert.ok(first.nextCursor, 'and the page says there is more to look at');
      const second = await store.searchCustomers(WS, 'needle', 10, first.nextCursor);
      assert.deepEqual(second.items.map((c) => c.id), [needle.id]);
      assert.equal(second.nextCursor, null);
      assert.equal((await store.searchCustomers(WS, 'straw 69-29', 10)).items.length, 1, 'a match among the newest is found at once');
    }));
});

describe('channel and bot secrets at rest', () => {
  it('are sealed in the table, open with the box, and refuse to open without it', async () => {
    await withStore(async (store) => {
      const at = fixtureTime(0);
      await store.transaction(async (tx) => {
        await tx.putWorkspace({ id: WS, name: 'Secrets', createdAt: at, settings: { reopenWindowHours: 24, displayName: 'Secrets' } });
        await tx.insertChannel({ id: 'sms', workspaceId: WS, kind: 'twilio-sms', medium: 'sms', name: 'SMS', enabled: true, config: {}, secretNames: ['authToken'], secrets: { authToken: 'plain-token-123' }, createdAt: at, updatedAt: at });
      });
      assert.equal((await store.getChannel(WS, 'sms'))!.secrets.authToken, 'plain-token-123');
      const tableName = `casekit-${tables}`;
      const raw = await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: tableName, Key: { pk: `W#${WS}`, sk: 'channel#sms' } }));
      assert.ok(raw.Item, 'the raw channel item');
      assert.doesNotMatch(JSON.stringify(raw.Item), /plain-token-123/);
      await assert.rejects(createDynamoStore({ client, tableName }).getChannel(WS, 'sms'), (error: Error & { code?: string }) => error.code === 'unavailable');
    });
  });
});

describe('dynamodb reads an inbound message saves', () => {
  /** A customer, case and conversation on a web-chat channel, committed. */
  async function thread(store: Store, providerMessageId = 'P-1', number = 1) {
    const customer = makeCustomer();
    const kase = makeCase({ customerId: customer.id, number });
    const conversation = makeConversation({ caseId: kase.id, customerId: customer.id, channelId: 'web' });
    await store.transaction(async (tx) => {
      await tx.insertCustomer(customer);
      await tx.insertCase(kase);
      await tx.insertConversation(conversation);
    });
    const message = makeMessage({ caseId: kase.id, conversationId: conversation.id, customerId: customer.id, channelId: 'web', providerMessageId, clientMessageId: 'c-1' });
    await store.transaction((tx) => tx.insertMessage(message));
    return { customer, kase, conversation, message };
  }

  it('finds a customer by identity from the copy its marker carries, never a stale one: renamed, merged, identity dropped, or a marker from before copies', () =>
    withStore(async (store) => {
      const web = { channelId: 'web', kind: 'webchat' as const, externalId: 'v-copy' };
      const sms = { channelId: 'sms', kind: 'sms' as const, externalId: '+14155550123' };
      const dana = makeCustomer({ name: 'Dana', identities: [web, sms] });
      const other = makeCustomer({ name: 'Other' });
      await store.transaction(async (tx) => (await tx.insertCustomer(dana), tx.insertCustomer(other)));
      const find = (identity: { channelId: string; externalId: string }) => store.findCustomerByIdentity(WS, identity.channelId, identity.externalId);
      const raw = async (identity: { channelId: string; externalId: string }) =>
        (await client.send(new GetItemCommand({ TableName: `casekit-${tables}`, Key: { pk: { S: `U#${WS}#identity#${identity.channelId}#${identity.externalId}` }, sk: { S: 'unique' } } }))).Item;
      assert.ok((await raw(web))?.profile, 'the marker carries the profile');
      await store.transaction(async (tx) => tx.updateCustomer({ ...(await tx.getCustomer(WS, dana.id))!, name: 'Dana Renamed' }));
      assert.equal((await find(web))?.name, 'Dana Renamed');
      assert.equal((await find(sms))?.name, 'Dana Renamed');
      // Inside a transaction the copy counts as the read: the profile read after it agrees, and an update on it commits.
      await store.transaction(async (tx) => {
        const found = (await tx.findCustomerByIdentity(WS, 'web', 'v-copy'))!;
        assert.deepEqual(await tx.getCustomer(WS, dana.id), found);
        await tx.updateCustomer({ ...found, identities: [web] });
      });
      assert.equal(await find(sms), null, 'a dropped identity finds nobody');
      await store.transaction((tx) => tx.mergeCustomer(WS, dana.id, other.id));
      assert.equal((await find(web))?.id, other.id, 'a merged-away holder answers with its survivor');
      // A marker written before markers carried their profile: one read more, same answer.
      await client.send(new PutItemCommand({ TableName: `casekit-${tables}`, Item: { pk: { S: `U#${WS}#identity#sms#+14155550999` }, sk: { S: 'unique' }, owner: { S: other.id } } }));
      assert.equal((await store.findCustomerByIdentity(WS, 'sms', '+14155550999'))?.id, other.id);
    }));

  it('refuses a stored customer, case, conversation or message id at commit, writing nothing of that transaction', () =>
    withStore(async (store) => {
      const { customer, kase, conversation, message } = await thread(store);
      const alongside = (write: (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<void>) =>
        store.transaction(async (tx) => {
          await tx.putRecord(WS, 'side', 'written', { ok: true }, fixtureTime(0));
          await write(tx);
        });
      await assert.rejects(alongside((tx) => tx.insertCustomer({ ...customer, emails: ['other@example.com'], identities: [] })), { code: 'conflict' });
      await assert.rejects(alongside((tx) => tx.insertCase({ ...kase, number: 999 })), { code: 'conflict' });
      await assert.rejects(alongside((tx) => tx.insertConversation({ ...conversation, externalThreadId: 'other' })), { code: 'conflict' });
      await assert.rejects(alongside((tx) => tx.insertMessage({ ...message, providerMessageId: 'P-2', clientMessageId: null, text: 'again' })), { code: 'conflict' });
      assert.equal(await store.getRecord(WS, 'side', 'written'), null);
      assert.equal(await store.findCustomerByEmail(WS, 'other@example.com'), null);
      assert.equal(await store.findMessageByProviderId(WS, 'web', 'P-2'), null);
      assert.deepEqual((await store.listMessages(WS, { conversationId: conversation.id, limit: 10 })).items.map((m) => m.text), [message.text]);
    }));

  it('finds messages and conversations through markers and entries stored before they carried their places', () =>
    withStore(async (store) => {
      const { customer, conversation, message } = await thread(store);
      const tableName = `casekit-${tables}`;
      const doc = DynamoDBDocumentClient.from(client);
      const strip = (pk: string, sk: string, attributes: string) => doc.send(new UpdateCommand({ TableName: tableName, Key: { pk, sk }, UpdateExpression: `REMOVE ${attributes}` }));
      await strip(`U#${WS}#provider#web#P-1`, 'unique', 'conversationPk, messageSk');
      await strip(`U#${WS}#client#${customer.id}#c-1`, 'unique', 'conversationPk, messageSk');
      await strip(`CC#${WS}#${customer.id}#web`, conversation.id, 'doc');
      assert.equal((await store.findMessageByProviderId(WS, 'web', 'P-1'))?.id, message.id);
      assert.equal((await store.findMessageByClientId(WS, customer.id, 'c-1'))?.id, message.id);
      assert.deepEqual(await store.findLatestConversation(WS, customer.id, 'web'), conversation);
      const later = { ...conversation, lastMessageAt: fixtureTime(60) };
      await store.transaction(async (tx) => {
        assert.deepEqual(await tx.findLatestConversation(WS, customer.id, 'web'), conversation);
        await tx.updateConversation(later);
      });
      assert.deepEqual(await store.findLatestConversation(WS, customer.id, 'web'), later);
      assert.deepEqual(await store.getConversation(WS, conversation.id), later);
    }));

  it('answers reads made at once each with its own item, absent ones as null', () =>
    withStore(async (store) => {
      const a = await thread(store);
      const b = await thread(store, 'P-b', 2);
      const read = (reader: Pick<Store, 'getCustomer' | 'getCase' | 'getConversation'>) =>
        Promise.all([reader.getCustomer(WS, b.customer.id), reader.getCase(WS, a.kase.id), reader.getCustomer(WS, 'cu_nobody'), reader.getConversation(WS, b.conversation.id), reader.getCustomer(WS, a.customer.id)]);
      const expected = [b.customer, a.kase, null, b.conversation, a.customer];
      assert.deepEqual(await read(store), expected);
      assert.deepEqual(await store.transaction((tx) => read(tx)), expected);
    }));
});
