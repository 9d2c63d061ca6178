import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { billingAccountOf, createCaseEngine, listSyncLog, type CaseEngine, type Store } from '@casekit/core';
import { createMemoryStore } from '@casekit/store-memory';
import { signSplynxHook, startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import type { BillingAccount, SyncRun } from '@casekit/protocol';
import { createSplynxSync, type SplynxSync } from './index.ts';

const WS = 'ws_splynx';
const KEY = 'b7c1d2e3f4a5';
const SECRET = '9f8e7d6c5b4a';
const HOOK_SECRET = 'hook-secret-1';

interface Setup {
  fake: SplynxFake;
  store: Store;
  engine: CaseEngine;
  sync: SplynxSync;
}

async function setup(customers: number, extra: Partial<Parameters<typeof createSplynxSync>[0]> = {}, fake?: SplynxFake): Promise<Setup> {
  const splynx = fake ?? (await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers }));
  const store = createMemoryStore();
  const engine = createCaseEngine({ store });
  await engine.ensureWorkspace({ id: WS, name: 'Fibrelink' });
  const sync = createSplynxSync({
    engine,
    store,
    workspaceId: WS,
    baseUrl: splynx.url,
    auth: { kind: 'token', key: KEY, secret: SECRET },
    hookSecret: HOOK_SECRET,
    maxRequestsPerSecond: 1000,
    pageSize: 40,
    onError: () => {},
    ...extra,
  });
  return { fake: splynx, store, engine, sync };
}

async function accountOf(s: Setup, splynxId: string): Promise<BillingAccount | null> {
  const record = await s.store.getRecord(WS, 'billing-accounts', `splynx:${splynxId}`);
  return (record?.value as BillingAccount | undefined) ?? null;
}

async function hook(s: Setup, body: string, signature = signSplynxHook(HOOK_SECRET, body), contentType = 'application/json') {
  return s.sync.receiveHook({ body, signature, contentType });
}

describe('Splynx sync', () => {
  let s: Setup;
  afterEach(async () => {
    await s?.sync.close();
    await s?.fake.close();
  });

  it('pulls every customer with services and invoices, links them, and a second full pull changes nothing', async () => {
    s = await setup(150);
    const progress: SyncRun[] = [];
    const first = await s.sync.run({ full: true, onProgress: (run) => progress.push(run) });
    assert.equal(first.status, 'succeeded', first.error ?? '');
    assert.equal(first.kind, 'full');
    assert.deepEqual(first.counts, { created: 150, updated: 0, unchanged: 0, failed: 0 });
    assert.equal(first.done, 150);
    assert.equal(first.total, 150);
    assert.ok(progress.length >= 4, 'progress is reported page by page');
    assert.ok(progress.every((run, i) => i === 0 || run.done >= progress[i - 1]!.done));
    assert.equal(await s.store.countRecords(WS, 'billing-accounts'), 150);

    // Every account equals what the fake holds.
    for (const [id, raw] of s.fake.store.customers) {
      const account = (await accountOf(s, id))!;
      assert.equal(account.status, raw.status);
      assert.equal(account.locationName, ['Springfield', 'Riverton', 'Lakeside'][Number(raw.location_id) - 1], 'location by name');
      assert.ok(account.partnerName.length > 0, 'partner by name');
      const services = [...s.fake.store.internetServices.values(), ...s.fake.store.voiceServices.values(), ...s.fake.store.recurringServices.values()].filter((r) => r.customer_id === id);
      assert.equal(account.services.length, services.length, `customer ${id} services`);
      const unpaid = [...s.fake.store.invoices.values()].filter((r) => r.customer_id === id && r.status === 'not_paid');
      assert.equal(account.invoices.filter((i) => i.status === 'not_paid').length, unpaid.length);
      const customer = (await s.store.getCustomer(WS, account.customerId))!;
      assert.equal(customer.splynxId, id);
      assert.equal(customer.name, raw.name);
    }
    const requestsPerRecord = first.requests / (150 + s.fake.store.invoices.size);
    assert.ok(requestsPerRecord < 0.1, `${first.requests} requests for 150 customers`);

    const seqBefore = await s.store.lastSeq(WS);
    const second = await s.sync.run({ full: true });
    assert.equal(second.status, 'succeeded');
    assert.deepEqual(second.counts, { created: 0, updated: 0, unchanged: 150, failed: 0 });
    assert.equal(await s.store.lastSeq(WS), seqBefore, 'a second pull writes no event');
  });

  it('links an existing customer by email instead of creating a second one, and keeps what casekit knew', async () => {
    s = await setup(5);
    const [id, raw] = [...s.fake.store.customers][2]!;
    const known = await s.engine.createCustomer({ workspaceId: WS, system: 'test' }, { name: 'Jo (chat)', emails: [String(raw.email).toUpperCase()], phones: ['+34600111222'] });
    await s.sync.run();
    const account = (await accountOf(s, id))!;
    assert.equal(account.customerId, known.id);
    const customer = (await s.store.getCustomer(WS, known.id))!;
    assert.equal(customer.splynxId, id);
    assert.ok(customer.phones.includes('+34600111222'), 'phones casekit learnt stay');
    assert.equal(customer.name, raw.name, 'a first link takes the billing name');
    // An agent renames the customer; the next pull leaves the name alone until Splynx changes it.
    await s.engine.updateCustomer({ workspaceId: WS, system: 'test' }, known.id, { name: 'Jo Martín' });
    await s.sync.run({ full: true });
    assert.equal((await s.store.getCustomer(WS, known.id))!.name, 'Jo Martín');
    s.fake.changeCustomer(id, { name: 'Josefa Martín' });
    await s.sync.run({ full: true });
    assert.equal((await s.store.getCustomer(WS, known.id))!.name, 'Josefa Martín');
  });

  it('reads only what changed in an incremental pull: a customer blocked and an invoice paid', async () => {
    s = await setup(120);
    await s.sync.run();
    const [blockedId] = [...s.fake.store.customers.keys()];
    const unpaid = [...s.fake.store.invoices.values()].find((r) => r.status === 'not_paid' && r.customer_id !== blockedId)!;
    s.fake.changeCustomer(blockedId!, { status: 'blocked' });
    s.fake.changeInvoice(String(unpaid.id), { status: 'paid', due: '0.00', date_payment: new Date().toISOString().slice(0, 10) });
    const run = await s.sync.run();
    assert.equal(run.kind, 'incremental');
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal((await accountOf(s, blockedId!))!.status, 'blocked');
    const payer = (await accountOf(s, String(unpaid.customer_id)))!;
    assert.equal(payer.invoices.find((i) => i.id === unpaid.id)?.status, 'paid');
    assert.equal(run.counts.updated, 2);
    assert.ok(run.done <= 3, 'the two changed customers, and at most the one changed last before the cursor');
    // Proportional to changes: a handful of requests, not a page per 40 customers.
    assert.ok(run.requests <= 12, `${run.requests} requests`);
  });

  it('takes a signed hook and has the change within a second; refuses forged, unsigned and malformed ones and logs them', async () => {
    s = await setup(20);
    await s.sync.run();
    s.fake.addHook({ url: 'http://127.0.0.1:9/never', secret: HOOK_SECRET });
    const [id] = [...s.fake.store.customers.keys()];
    s.fake.changeCustomer(id!, { status: 'blocked' });
    await s.fake.hooksSettled();
    const delivered = s.fake.hookDeliveries.at(-1)!;
    const started = performance.now();
    const answer = await s.sync.receiveHook({ body: delivered.body, signature: delivered.signature, contentType: 'application/json' });
    assert.equal(answer.status, 200);
    await s.sync.hooksSettled();
    assert.equal((await accountOf(s, id!))!.status, 'blocked');
    assert.ok(performance.now() - started < 1000);

    const body = delivered.body.replace('blocked', 'active');
    assert.equal((await hook(s, body, delivered.signature)).status, 401, 'a body changed after signing is refused');
    assert.equal((await s.sync.receiveHook({ body, signature: undefined, contentType: 'application/json' })).status, 401);
    assert.equal((await hook(s, '{"type":"event","data":')).status, 400);
    assert.equal((await hook(s, '{"type":"other"}')).status, 400);
    const deep = `${'{"a":'.repeat(50)}1${'}'.repeat(50)}`;
    assert.equal((await hook(s, deep)).status, 400);
    assert.equal((await hook(s, '{"type":"ping"}')).status, 200);
    await s.sync.hooksSettled();
    assert.equal((await accountOf(s, id!))!.status, 'blocked', 'refused hooks changed nothing');
    const log = await listSyncLog(s.store, WS, { limit: 50 });
    assert.deepEqual(log.items.map((e) => e.code).sort(), ['forged_hook', 'forged_hook', 'malformed_hook', 'malformed_hook', 'malformed_hook']);
  });

  it('reads a form-encoded hook as Splynx may send it', async () => {
    s = await setup(5);
    await s.sync.run();
    const [id] = [...s.fake.store.customers.keys()];
    s.fake.store.customers.get(id!)!.status = 'disabled';
    const body = new URLSearchParams({ type: 'event', 'data[model]': 'models\\admin\\customers\\Customer', 'data[action]': 'edit', 'data[attributes][id]': id!, 'data[customer_id]': id! }).toString();
    assert.equal((await hook(s, body, undefined, 'application/x-www-form-urlencoded')).status, 200);
    await s.sync.hooksSettled();
    assert.equal((await accountOf(s, id!))!.status, 'disabled');
  });

  it('fails a run on bad credentials with a clear log line, and writes nothing', async () => {
    s = await setup(10, { auth: { kind: 'signature', key: KEY, secret: 'wrong' } });
    const run = await s.sync.run();
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /signature|unauthor/i);
    assert.equal(await s.store.countRecords(WS, 'billing-accounts'), 0);
    const log = await listSyncLog(s.store, WS, { limit: 10 });
    assert.equal(log.items[0]?.entity, 'connection');
    assert.equal(log.items[0]?.runId, run.id);
    const status = await s.sync.status();
    assert.equal(status.runs[0]?.status, 'failed');
    assert.equal(status.lastSyncedAt, null);
  });

  it('rides out a burst of 5xx and renews expired tokens without losing or doubling anything', async () => {
    s = await setup(100);
    s.fake.failNext(2, 503);
    const first = s.sync.run();
    setTimeout(() => s.fake.expireTokens(), 5);
    const run = await first;
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(await s.store.countRecords(WS, 'billing-accounts'), 100);
    assert.equal(run.counts.created, 100);
  });

  it('resumes a full pull where it stopped after the process died mid-run', async () => {
    const fake = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: 200 });
    s = await setup(0, {}, fake);
    // The first process dies after three pages: its fetch starts failing for good.
    let pagesLeft = 3;
    const dying = await setup(0, {
      fetch: async (input, init) => {
        if (String(input).includes('/admin/customers/customer?') && String(input).includes('%3E') && pagesLeft-- <= 0) throw new Error('killed');
        return fetch(input, init);
      },
      retries: 0,
    }, fake);
    // Both "processes" share one store, as after a restart.
    const sharedStore = dying.store;
    const engine = dying.engine;
    const cut = await dying.sync.run({ full: true });
    assert.equal(cut.status, 'failed');
    const linked = await sharedStore.countRecords(WS, 'billing-accounts');
    assert.ok(linked > 0 && linked < 200, `${linked} linked before the cut`);

    const restarted = createSplynxSync({ engine, store: sharedStore, workspaceId: WS, baseUrl: fake.url, auth: { kind: 'token', key: KEY, secret: SECRET }, pageSize: 40, maxRequestsPerSecond: 1000, onError: () => {} });
    const resumed = await restarted.run();
    assert.equal(resumed.kind, 'full', 'an unfinished full pull goes on first');
    assert.equal(resumed.status, 'succeeded', resumed.error ?? '');
    assert.equal(resumed.counts.created, 200 - linked, 'only the rest is read');
    assert.equal(await sharedStore.countRecords(WS, 'billing-accounts'), 200);
    const customers = new Set<string>();
    for (const id of fake.store.customers.keys()) customers.add((await billingAccountOf(sharedStore, WS, { splynxId: id }))!.customerId);
    assert.equal(customers.size, 200, 'no customer twice');
    await restarted.close();
    await dying.sync.close();
  });

  it('logs a record it cannot read and syncs the rest', async () => {
    s = await setup(10);
    const [badId] = [...s.fake.store.customers.keys()];
    s.fake.store.customers.get(badId!)!.status = 'vip';
    const badInvoice = [...s.fake.store.invoices.values()].find((r) => r.customer_id !== badId)!;
    badInvoice.total = 'lots';
    const run = await s.sync.run();
    assert.equal(run.status, 'succeeded');
    assert.equal(run.counts.created, 9);
    assert.equal(run.counts.failed, 2);
    const log = await listSyncLog(s.store, WS, { limit: 10, runId: run.id });
    assert.deepEqual(log.items.map((e) => [e.entity, e.externalId, e.code]).sort(), [['customer', badId, 'invalid_record'], ['invoice', String(badInvoice.id), 'invalid_record']].sort());
    assert.ok(log.items.every((e) => e.message.length > 10));
  });

  it('runs one pull at a time across two nodes sharing the store and a lock, and pushes each ticket once', async () => {
    s = await setup(150);
    // The lock two nodes share (Redis in production): one holder per key, the others wait their turn.
    const chains = new Map<string, Promise<unknown>>();
    const exclusive = <T>(key: string, work: () => Promise<T>): Promise<T> => {
      const next = (chains.get(key) ?? Promise.resolve()).then(work, work);
      chains.set(key, next.catch(() => undefined));
      return next;
    };
    const nodeA = createSplynxSync({ engine: s.engine, store: s.store, workspaceId: WS, baseUrl: s.fake.url, auth: { kind: 'token', key: KEY, secret: SECRET }, maxRequestsPerSecond: 1000, pageSize: 40, exclusive, onError: () => {} });
    const nodeB = createSplynxSync({ engine: s.engine, store: s.store, workspaceId: WS, baseUrl: s.fake.url, auth: { kind: 'token', key: KEY, secret: SECRET }, maxRequestsPerSecond: 1000, pageSize: 40, exclusive, onError: () => {} });
    try {
      const [first, second] = await Promise.all([nodeA.run({ full: true }), nodeB.run({ full: true })]);
      assert.deepEqual([first.status, second.status], ['succeeded', 'succeeded']);
      assert.equal(first.counts.created + second.counts.created, 150, 'every customer created once');
      assert.equal(await s.store.countRecords(WS, 'billing-accounts'), 150);
      const runs = (await s.store.listRecords(WS, 'sync-runs', { limit: 10 })).map((r) => r.value as SyncRun);
      assert.ok(runs.every((run) => run.status === 'succeeded'), 'neither node marked the other\'s run interrupted');

      await nodeA.syncTickets();
      await nodeB.syncTickets();
      const [account] = (await s.store.listRecords(WS, 'billing-accounts', { limit: 1 })).map((r) => r.value as BillingAccount);
      await s.engine.createChannel({ workspaceId: WS, system: 'test' }, { id: 'web', kind: 'webchat', medium: 'webchat', name: 'Chat' });
      const customer = (await s.store.getCustomer(WS, account!.customerId))!;
      await s.engine.linkIdentity({ workspaceId: WS, system: 'test' }, customer.id, { channelId: 'web', kind: 'webchat', externalId: 'anon:node' });
      await s.engine.ingest({ workspaceId: WS, channelId: 'web', customerId: customer.id, from: { externalId: 'anon:node' }, text: 'Two nodes, one ticket?' });
      const tickets = s.fake.store.tickets.size;
      const [a, b] = await Promise.all([nodeA.syncTickets(), nodeB.syncTickets()]);
      assert.equal((a?.push.tickets ?? 0) + (b?.push.tickets ?? 0), 1);
      assert.equal(s.fake.store.tickets.size, tickets + 1);
    } finally {
      await nodeA.close();
      await nodeB.close();
    }
  });

  it('answers 409 to a second run while one is running, and reports the live run in its status', async () => {
    s = await setup(120);
    const started = await s.sync.start({ full: true });
    assert.equal(started.status, 'running');
    await assert.rejects(s.sync.start(), (error: Error & { code?: string }) => error.code === 'conflict');
    const status = await s.sync.status();
    assert.equal(status.configured, true);
    assert.equal(status.runs[0]?.id, started.id);
    while ((await s.sync.status()).runs[0]?.status === 'running') await new Promise((r) => setTimeout(r, 10));
    const done = await s.sync.status();
    assert.equal(done.runs[0]?.status, 'succeeded');
    assert.equal(done.linkedCustomers, 120);
    assert.ok(done.lastSyncedAt);
  });
});
