import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CustomerSearch, Store } from '@casekit/core';
import { FIXTURE_WORKSPACE, makeCase, makeCustomer, makeWorkspace } from './fixtures.ts';
import { collectPages } from './internal/pages.ts';

const WS = FIXTURE_WORKSPACE;

/** A store and the search fed from it, as a deployment pairs them. */
export interface StoreAndSearch {
  store: Store;
  search: CustomerSearch;
}

/**
 * The `CustomerSearch` port's behaviour over the store it searches: run it from each adapter's
 * tests with a factory that returns a fresh, empty store and its search each time.
 * @example runSearchContract('sqlite', async () => { const store = await createSqliteStore({ filename: ':memory:' }); return { store, search: store }; })
 */
export function runSearchContract(name: string, makeStoreAndSearch: () => Promise<StoreAndSearch>): void {
  describe(`search contract: ${name}`, () => {
    let store: Store;
    let search: CustomerSearch;

    beforeEach(async () => {
      ({ store, search } = await makeStoreAndSearch());
      await store.transaction((tx) => tx.putWorkspace(makeWorkspace()));
    });
    afterEach(async () => {
      await store.close();
    });

    const names = async (q: string | undefined) => (await search.searchCustomers(WS, q, 50)).items.map((c) => c.name);

    it('searches customers by name, email and phone, newest first, across pages', async () => {
      const people = [
        makeCustomer({ name: 'Dana Scully', emails: ['dana@fbi.example.com'] }),
        makeCustomer({ name: 'Fox Mulder', phones: ['+12025550147'] }),
        makeCustomer({ name: 'Walter Skinner' }),
        makeCustomer({ name: 'Dana Katherine', emails: ['dk@example.com'] }),
        makeCustomer({ name: 'John Doggett' }),
      ];
      await store.transaction(async (tx) => {
        for (const p of people) await tx.insertCustomer(p);
      });
      assert.deepEqual(await names('dana'), ['Dana Katherine', 'Dana Scully']);
      assert.deepEqual(await names('FBI.example'), ['Dana Scully']);
      assert.deepEqual(await names('5550147'), ['Fox Mulder']);
      assert.deepEqual(await names('nobody here'), []);
      const { items, pages } = await collectPages((cursor) => search.searchCustomers(WS, undefined, 2, cursor));
      assert.deepEqual(items.map((c) => c.id), people.map((p) => p.id).reverse());
      assert.equal(pages, 3);
      // Matches page too, and short queries still match any part.
      const dana = await collectPages((cursor) => search.searchCustomers(WS, 'dana', 1, cursor));
      assert.deepEqual(dana.items.map((c) => c.name), ['Dana Katherine', 'Dana Scully']);
      assert.deepEqual(await names('ox'), ['Fox Mulder']);
      assert.deepEqual(await names('"'), []);
      assert.deepEqual(await names('"dana'), []);
    });

    it('refuses a cursor it did not issue, a case list cursor too, and its cursor is not a case list cursor', async () => {
      const customers = [makeCustomer({ name: 'One' }), makeCustomer({ name: 'Two' })];
      await store.transaction(async (tx) => {
        for (const customer of customers) await tx.insertCustomer(customer);
        for (const customer of customers) await tx.insertCase(makeCase({ number: await tx.nextCaseNumber(WS), customerId: customer.id }));
      });
      await assert.rejects(search.searchCustomers(WS, undefined, 1, 'not-a-cursor'), { code: 'invalid_cursor' });
      const casesCursor = (await store.listCases(WS, { limit: 1 })).nextCursor;
      assert.ok(casesCursor);
      await assert.rejects(search.searchCustomers(WS, undefined, 1, casesCursor), { code: 'invalid_cursor' });
      const customersCursor = (await search.searchCustomers(WS, undefined, 1)).nextCursor;
      assert.ok(customersCursor);
      await assert.rejects(store.listCases(WS, { limit: 5, cursor: customersCursor }), { code: 'invalid_cursor' });
    });

    it('keeps customer search current through updates and merges, chained ones too', async () => {
      const renee = makeCustomer({ name: 'Renée Müller', emails: ['renee@example.com'] });
      const other = makeCustomer({ name: 'Other Person' });
      const third = makeCustomer({ name: 'Third Person' });
      await store.transaction(async (tx) => {
        for (const customer of [renee, other, third]) await tx.insertCustomer(customer);
      });
      assert.deepEqual(await names('müller'), ['Renée Müller']);
      assert.deepEqual(await names('renée m'), ['Renée Müller']);
      await store.transaction((tx) => tx.updateCustomer({ ...renee, name: 'Renée Schmidt', emails: ['rs@example.com'] }));
      assert.deepEqual(await names('müller'), []);
      assert.deepEqual(await names('schmidt'), ['Renée Schmidt']);
      assert.deepEqual(await names('rs@example'), ['Renée Schmidt']);
      await store.transaction((tx) => tx.mergeCustomer(WS, other.id, renee.id));
      assert.deepEqual(await names('other person'), [], 'a merged-away profile is not listed');
      await store.transaction((tx) => tx.mergeCustomer(WS, renee.id, third.id));
      assert.deepEqual(await names(undefined), ['Third Person'], 'only the survivor of a chain of merges is listed');
    });

    it('finds only committed profiles: none of a transaction still open or of one that threw', async () => {
      const failure = new Error('rolled back');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertCustomer(makeCustomer({ name: 'Rolled Back' }));
          throw failure;
        }),
        (error) => error === failure,
      );
      assert.deepEqual(await names('rolled'), []);
      await store.transaction(async (tx) => {
        await tx.insertCustomer(makeCustomer({ name: 'Uncommitted Person' }));
        assert.deepEqual(await names('uncommitted'), []);
      });
      assert.deepEqual(await names('uncommitted'), ['Uncommitted Person']);
    });

    it('answers with copies: changing what it returned changes nothing it finds next', async () => {
      const customer = makeCustomer({ name: 'Copy Person', emails: ['copy@example.com'] });
      await store.transaction((tx) => tx.insertCustomer(customer));
      const page = await search.searchCustomers(WS, undefined, 10);
      page.items[0]!.name = 'changed';
      page.items[0]!.emails.push('changed@example.com');
      assert.deepEqual((await search.searchCustomers(WS, 'copy', 10)).items, [customer]);
    });

    it('searches with any text without failing: quotes, search syntax, NUL, lone surrogates, long and blank queries', async () => {
      const quoted = makeCustomer({ name: 'Dana "DK" O\'Brien' });
      const near = makeCustomer({ name: 'NEAR(Anderson) AND Co' });
      const star = makeCustomer({ name: 'Star*Light ^caret -dash col:on' });
      const plain = makeCustomer({ name: 'Plain Person', emails: ['plain@example.com'] });
      await store.transaction(async (tx) => {
        for (const p of [quoted, near, star, plain]) await tx.insertCustomer(p);
      });
      const everyone = [plain, star, near, quoted].map((c) => c.name);
      const none: string[] = [];
      const expected: [queries: string[], found: string[]][] = [
        [['"', '"dk"', '"DK" O\'', "o'brien", 'dana "'], [quoted.name]],
        [['NEAR(', '(', ')', 'and co', 'AND', ') AND C'], [near.name]],
        [['*', 'r*l', '^caret', '^', '-dash', '-', 'col:on', ':'], [star.name]],
        // NUL is ignored: around it the query still matches, and alone it lists everyone, as a blank query does.
        [['dana\u0000', 'd\u0000ana'], [quoted.name]],
        [['   ', '\t\n', '\u0000', '\u0000\u0000\u0000'], everyone],
        [['AND OR NOT', 'NEAR(a b, 2)', 'name:dana', '"dana', '{name}: x', 'd*', '^d', 'a OR b', 'x"y', '""', '"""'], none],
        [['\uD800', 'dana\uDC00', '\uDFFF\uD800x', 'Brien\uD83D'], none],
        [['x'.repeat(10_000), 'dana '.repeat(2_000)], none],
      ];
      for (const [queries, found] of expected) {
        for (const q of queries) assert.deepEqual(await names(q), found, JSON.stringify(q.slice(0, 30)));
      }
      // Whatever else comes in, an answer: a page of these customers, never an error.
      let seed = 7;
      const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      const alphabet = ['"', "'", '*', '^', '-', ':', '(', ')', '{', '}', '[', ']', '\\', '%', '_', '\u0000', '\u0001', '\n', ' ', 'a', 'D', 'é', '\uD800', '\uDC00', '😀', 'AND', 'NEAR'];
      const ids = new Set([quoted, near, star, plain].map((c) => c.id));
      for (let i = 0; i < 200; i++) {
        const q = Array.from({ length: 1 + Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
        const page = await search.searchCustomers(WS, q, 2);
        assert.ok(page.items.every((c) => ids.has(c.id)), JSON.stringify(q));
      }
      // A name with a quote is found page by page by its quote.
      const quotes = await collectPages((cursor) => search.searchCustomers(WS, '"', 1, cursor));
      assert.deepEqual(quotes.items.map((c) => c.id), [quoted.id]);
    });
  });
}
