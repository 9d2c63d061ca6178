import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { billingAccountOf, createCaseEngine, listSyncLog, suggestMerges, type BillingAccountInput, type CaseEngine, type CustomerSearch, type Store } from '@casekit/core';
import { DEFAULT_ROUTING, type BillingAccount } from '@casekit/protocol';
import { createManualClock, seedEngineWorkspace } from './engine-contract.ts';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');

/** An account as a billing sync reads it; `overrides` change any field. */
function account(externalId: string, overrides: Partial<BillingAccountInput> = {}): BillingAccountInput {
  return {
    source: 'splynx',
    externalId,
    status: 'active',
    login: `login${externalId}`,
    name: `Customer ${externalId}`,
    category: 'person',
    partnerId: '1',
    partnerName: 'Main',
    locationId: '1',
    locationName: 'Springfield',
    address: '1 Main St',
    url: null,
    services: [{ id: `s${externalId}`, type: 'internet', description: 'Fibre 300', status: 'active', tariffId: '3', unitPrice: '39.90', startDate: '2025-01-01', endDate: null, detail: '' }],
    invoices: [],
    amountDue: '0.00',
    changedAt: '2026-03-01T10:00:00',
    contact: { name: `Customer ${externalId}`, emails: [`c${externalId}@mail.example`], phones: ['+44 7700 900' + externalId.padStart(3, '0')] },
    ...overrides,
  };
}

/**
 * Billing accounts through the engine (`applyBilling`): linking and creating customers, writing
 * nothing for an equal account, refusing a bad batch whole, the sync log, merges, and the billing
 * facts routing rules see: run for every store.
 */
export function describeEngineBilling(makeStore: () => Promise<Store & CustomerSearch>): void {
  describe('billing accounts through the engine', () => {
    let store: Store & CustomerSearch;
    let engine: CaseEngine;
    const { system, sup } = ENGINE_ACTORS;

    beforeEach(async () => {
      store = await makeStore();
      engine = createCaseEngine({ store, clock: createManualClock(T0) });
      await seedEngineWorkspace(store);
    });
    afterEach(async () => store?.close());

    it('creates a customer per new account, links one with the same email, and writes nothing for an equal account', async () => {
      const known = await engine.createCustomer(system, { name: 'Jo', emails: ['c2@mail.example'], phones: [] });
      const first = await engine.applyBilling(system, { accounts: [account('1'), account('2')] });
      assert.deepEqual([first.created, first.updated, first.unchanged], [2, 0, 0]);
      assert.equal(first.customers['2'], known.id, 'matched by email');
      const linked = (await store.getCustomer(WS, known.id))!;
      assert.equal(linked.splynxId, '2');
      assert.deepEqual(linked.phones, ['+447700900002'], 'a phone written with spaces is taken in E.164');
      const created = (await store.getCustomer(WS, first.customers['1']!))!;
      assert.deepEqual([created.name, created.emails, created.splynxId], ['Customer 1', ['c1@mail.example'], '1']);
      const stored = (await billingAccountOf(store, WS, created)) as BillingAccount;
      assert.equal(stored.services[0]!.description, 'Fibre 300');
      assert.equal(stored.customerId, created.id);

      const seq = await store.lastSeq(WS);
      const again = await engine.applyBilling(system, { accounts: [account('1'), account('2')] });
      assert.deepEqual([again.created, again.updated, again.unchanged], [0, 0, 2]);
      assert.equal(await store.lastSeq(WS), seq, 'no event for an unchanged account');
      const blocked = await engine.applyBilling(system, { accounts: [account('1', { status: 'blocked' })] });
      assert.equal(blocked.updated, 1);
      assert.equal((await billingAccountOf(store, WS, created))!.status, 'blocked');
      // Agents hear of it: one event with the account as stored, for that customer.
      const [event, ...more] = await store.listEvents(WS, { after: seq, limit: 10 });
      assert.equal(more.length, 0);
      assert.deepEqual([event?.type, event?.customerId], ['customer.billing', created.id]);
      assert.deepEqual(event?.type === 'customer.billing' && event.data.account, await billingAccountOf(store, WS, created));
    });

    it('refuses a batch with a bad account whole, naming the field, and writes nothing', async () => {
      const bad = { ...account('2'), status: 'vip' } as unknown as BillingAccountInput;
      await assert.rejects(
        engine.applyBilling(system, { accounts: [account('1'), bad], records: [{ collection: 'splynx-sync', key: 'state', value: { x: 1 } }] }),
        (error: Error & { code?: string; details?: { issues: { path: string }[] } }) => error.code === 'validation_failed' && error.details?.issues[0]?.path === 'accounts.1.status',
      );
      await assert.rejects(engine.applyBilling(system, { records: [{ collection: 'BAD', key: 'k', value: 1 }] }), (error: Error & { code?: string }) => error.code === 'validation_failed');
      assert.equal(await store.countRecords(WS, 'billing-accounts'), 0);
      assert.equal(await store.getRecord(WS, 'splynx-sync', 'state'), null);
      assert.equal((await store.searchCustomers(WS, 'Customer', 10)).items.length, 0);
    });

    it('keeps the sync log newest first, pages it and filters it by run; a null record deletes', async () => {
      for (let i = 0; i < 5; i++) {
        await engine.applyBilling(system, { log: [{ runId: i % 2 === 0 ? 'sr_even' : 'sr_odd', level: 'error', entity: 'invoice', externalId: String(i), code: 'invalid_record', message: `invoice ${i}` }] });
      }
      const page = await listSyncLog(store, WS, { limit: 2 });
      assert.deepEqual(page.items.map((e) => e.externalId), ['4', '3']);
      const next = await listSyncLog(store, WS, { limit: 2, cursor: page.nextCursor! });
      assert.deepEqual(next.items.map((e) => e.externalId), ['2', '1']);
      const even = await listSyncLog(store, WS, { limit: 10, runId: 'sr_even' });
      assert.deepEqual(even.items.map((e) => e.externalId), ['4', '2', '0']);
      assert.equal(even.nextCursor, null);
      await engine.applyBilling(system, { records: [{ collection: 'splynx-sync', key: 'state', value: { a: 1 } }] });
      await engine.applyBilling(system, { records: [{ collection: 'splynx-sync', key: 'state', value: null }] });
      assert.equal(await store.getRecord(WS, 'splynx-sync', 'state'), null);
    });

    it('never merges, nor suggests merging, profiles of two billing accounts', async () => {
      const { customers } = await engine.applyBilling(system, { accounts: [account('1', { contact: { name: 'Pat Lee', emails: ['pat@mail.example'], phones: [] } }), account('2', { contact: { name: 'Pat Lee', emails: ['pat.lee@mail.example'], phones: [] } })] });
      await assert.rejects(engine.mergeCustomers(sup, customers['1']!, customers['2']!), (error: Error & { code?: string }) => error.code === 'conflict' && /two different Splynx accounts/.test(error.message));
      const one = (await store.getCustomer(WS, customers['1']!))!;
      assert.deepEqual(await suggestMerges(store, WS, one), []);
      // A profile without an account still merges into a linked one.
      const chat = await engine.createCustomer(system, { name: 'Pat Lee', emails: [], phones: [] });
      assert.equal((await engine.mergeCustomers(sup, customers['1']!, chat.id)).splynxId, '1');
    });

    it('lets routing rules and automations see the billing status and overdue invoices of a new case\'s customer', async () => {
      await engine.updateSettings(system, {
        routing: {
          ...DEFAULT_ROUTING,
          rules: [
            { name: 'Overdue', when: { kind: 'attribute', name: 'billing.overdueInvoices', atLeast: 1 }, set: { skills: [{ name: 'billing', minLevel: 1 }] }, stop: false },
            { name: 'Blocked', when: { kind: 'attribute', name: 'billing.status', equals: 'blocked' }, set: { priority: 'high' }, stop: false },
          ],
          automations: [{ name: 'Blocked note', on: 'case.created', when: { kind: 'attribute', name: 'billing.status', equals: 'blocked' }, actions: [{ kind: 'note', text: 'This account is blocked.' }] }],
        },
      });
      const overdue = { id: 'i1', number: 'INV-1', status: 'not_paid' as const, total: '39.90', due: '39.90', createdOn: '2026-01-01', dueOn: '2026-02-15', paidOn: null };
      const notYet = { ...overdue, id: 'i2', dueOn: '2026-03-20' };
      await engine.applyBilling(system, {
        accounts: [
          account('1', { invoices: [overdue], amountDue: '39.90' }),
          account('2', { status: 'blocked' }),
          account('3', { invoices: [notYet], amountDue: '39.90' }),
        ],
      });
      const writeIn = async (id: string) =>
        (await engine.ingest({ workspaceId: WS, channelId: 'mail', providerMessageId: `<m${id}@mail.example>`, from: { externalId: `c${id}@mail.example`, email: `c${id}@mail.example` }, subject: 'Hi', text: 'A question', newTopic: true })).case;
      const first = await writeIn('1');
      assert.deepEqual(first.skills, [{ name: 'billing', minLevel: 1 }]);
      assert.equal(first.priority, 'normal');
      const second = await writeIn('2');
      assert.deepEqual([second.skills, second.priority], [[], 'high']);
      const notes = (await store.listMessages(WS, { caseId: second.id, limit: 10 })).items.filter((m) => m.internal);
      assert.deepEqual(notes.map((m) => m.text), ['This account is blocked.']);
      const third = await writeIn('3');
      assert.deepEqual([third.skills, third.priority], [[], 'normal'], 'an invoice not yet due is not overdue');
    });
  });
}
