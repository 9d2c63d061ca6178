// The API finds customers through the search it is given, apart from the store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '@casekit/core';
import { createSqliteStore } from '@casekit/store-sqlite';
import { makeCustomer, makeWorkspace } from '@casekit/testkit';
import { createAuth } from './auth.ts';
import { createCasekitServer } from './compose.ts';
import { JWT_SECRET, startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

describe('customer search behind its own port', () => {
  // A search index apart from the server's store: it holds only what was put into it.
  let index: Awaited<ReturnType<typeof createSqliteStore>>;
  let t: TestServer;
  const indexed = makeCustomer({ workspaceId: WORKSPACE, name: 'Indexed Irene', emails: ['shared@example.com'] });

  before(async () => {
    index = await createSqliteStore({ filename: ':memory:' });
    await index.transaction(async (tx) => {
      await tx.putWorkspace(makeWorkspace({ id: WORKSPACE }));
      await tx.insertCustomer(indexed);
    });
    t = await startTestServer({ search: index });
  });
  after(async () => {
    await t.close();
    await index.close();
  });

  it('answers GET /customers?q and merge suggestions from the search, not from the store', async () => {
    const stella = await t.engine.createCustomer({ workspaceId: WORKSPACE, system: 'test' }, { name: 'Stored Stella', emails: ['shared@example.com'] });
    const names = async (q: string) => (await t.request('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`, { token: t.tokens.agent })).body.items.map((c: { name: string }) => c.name);
    assert.deepEqual(await names('irene'), ['Indexed Irene']);
    assert.deepEqual(await names('stella'), [], 'the store holds Stella, the search does not');
    const suggested = await t.request('GET', `/api/v1/customers/${stella.id}/merge-suggestions`, { token: t.tokens.agent });
    assert.equal(suggested.status, 200, suggested.text);
    assert.deepEqual(suggested.body.items.map((s: { customer: { id: string }; reasons: string[] }) => [s.customer.id, s.reasons]), [[indexed.id, ['email']]]);
  });

  it('refuses to start over a store that does not search, without a search, naming the option', async () => {
    const { searchCustomers: _, ...plain } = index;
    const store: Store = plain;
    assert.throws(() => createCasekitServer({ store, auth: createAuth({ jwtSecret: JWT_SECRET }), workspaceId: WORKSPACE }), (error: Error & { code?: string; details?: { field?: string } }) => {
      assert.equal(error.code, 'bad_request');
      assert.equal(error.details?.field, 'search');
      return true;
    });
  });
});
