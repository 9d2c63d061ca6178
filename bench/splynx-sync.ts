/**
 * Splynx sync: a full pull of 10,000 customers with their services and 30,000 invoices from the
 * fake Splynx into a SQLite file through the engine, against a naive per-customer pull (5 requests
 * a customer) timed on a sample in the same run; then a second full pull, incremental pulls after
 * N changes, and the time from a change in Splynx to the account in the store through a hook.
 *   pnpm --filter @casekit/bench splynx-sync [--quick] [--customers 10000 --invoices 30000 --page 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BILLING_ACCOUNTS, createCaseEngine, type CaseEngine, type Store, type SystemActor } from '@casekit/core';
import type { BillingAccount, BillingService, SyncRun } from '@casekit/protocol';
import { createSplynxClient, createSplynxSync, toBillingAccount, toBillingInvoice, toBillingService, type SplynxRecord } from '@casekit/splynx';
import { createSqliteStore } from '@casekit/store-sqlite';
import { startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import { benchOptions, percentile, progress, saveResult, table } from './lib.ts';

const values = benchOptions({
  quick: { type: 'boolean', default: false },
  customers: { type: 'string' },
  invoices: { type: 'string' },
  sample: { type: 'string' },
  page: { type: 'string', default: '500' },
  hooks: { type: 'string' },
});
const QUICK = values.quick;
const CUSTOMERS = Number(values.customers ?? (QUICK ? 1000 : 10_000));
const INVOICES = Number(values.invoices ?? CUSTOMERS * 3);
const SAMPLE = Math.min(CUSTOMERS, Number(values.sample ?? (QUICK ? 100 : 500)));
const PAGE = Number(values.page);
const HOOKS = Number(values.hooks ?? (QUICK ? 10 : 50));
const CHANGES = QUICK ? [0, 10, 100] : [0, 10, 100, 1000];
/** Far above what the sync sends on loopback, so Splynx's rate limit is never what it waits on. */
const RATE = 100_000;
const KEY = 'bench-key';
const SECRET = 'bench-secret';
const HOOK_SECRET = 'bench-hook-secret';
const WS = 'bench';
const CUSTOMER_PATH = 'admin/customers/customer';
const INVOICE_PATH = 'admin/finance/invoices';
const SERVICE_PATHS = { internet: 'internet-services', voice: 'voice-services', custom: 'recurring-services' } as const;

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

/**
 * Tops the fake's invoices up to `total` with older monthly invoices, paid, of customers who have
 * invoices already: the seed gives each billed customer three, about 27,000 for 10,000 customers.
 */
function topUpInvoices(fake: SplynxFake, total: number): void {
  const invoices = fake.store.invoices;
  const latest = new Map<string, SplynxRecord>();
  for (const invoice of invoices.values()) latest.set(String(invoice.customer_id), invoice);
  const billed = [...latest.values()];
  let id = Math.max(0, ...[...invoices.keys()].map(Number));
  for (let k = 0; invoices.size < total && billed.length > 0; k++) {
    const model = billed[k % billed.length]!;
    const monthsBack = 3 + Math.floor(k / billed.length);
    const created = new Date(Date.parse(String(model.date_created)) - monthsBack * 30 * 86_400_000);
    const till = new Date(created.getTime() + 14 * 86_400_000);
    id += 1;
    invoices.set(String(id), {
      ...model,
      id: String(id),
      number: `INV-${String(id).padStart(6, '0')}`,
      status: 'paid',
      date_created: ymd(created),
      date_updated: ymd(created),
      date_till: ymd(till),
      date_payment: ymd(new Date(created.getTime() + 5 * 86_400_000)),
      real_create_datetime: `${ymd(created)} 00:05:00`,
      due: '0.00',
      items: (model.items as SplynxRecord[]).map((item) => ({ ...item, id: String(id), period_from: ymd(created), period_to: ymd(till) })),
    });
  }
}

async function openStore(name: string): Promise<{ store: Store; engine: CaseEngine; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `casekit-bench-${name}-`));
  const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
  const engine = createCaseEngine({ store });
  await engine.ensureWorkspace({ id: WS });
  return {
    store,
    engine,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function accountOf(store: Store, splynxId: string): Promise<BillingAccount | null> {
  return ((await store.getRecord(WS, BILLING_ACCOUNTS, `splynx:${splynxId}`))?.value as BillingAccount | undefined) ?? null;
}

const fake = await startSplynxFake({ apiKey: KEY, apiSecret: SECRET, customers: CUSTOMERS });
topUpInvoices(fake, INVOICES);
const services = fake.store.internetServices.size + fake.store.voiceServices.size + fake.store.recurringServices.size;
const invoices = fake.store.invoices.size;
const records = CUSTOMERS + services + invoices;
console.log(`Fake Splynx: ${CUSTOMERS.toLocaleString('en')} customers, ${services.toLocaleString('en')} services, ${invoices.toLocaleString('en')} invoices (${records.toLocaleString('en')} records)`);

// --- 1. Full pull -----------------------------------------------------------------------------
const main = await openStore('splynx-sync');
const sync = createSplynxSync({
  engine: main.engine,
  store: main.store,
  workspaceId: WS,
  baseUrl: fake.url,
  auth: { kind: 'token', key: KEY, secret: SECRET },
  hookSecret: HOOK_SECRET,
  pageSize: PAGE,
  maxRequestsPerSecond: RATE,
  onError: (error) => console.error('sync:', error),
});
const bar = progress('full pull', CUSTOMERS);
let started = performance.now();
const full = await sync.run({ full: true, onProgress: (run) => bar(run.done) });
const fullMs = performance.now() - started;
if (full.status !== 'succeeded' || full.counts.created !== CUSTOMERS) throw new Error(`full pull: ${full.status} ${JSON.stringify(full.counts)} ${full.error ?? ''}`);

// Baseline: per customer, GET it, list each kind of service and its invoices, apply it alone.
const naive = await openStore('splynx-naive');
let naiveRequests = 0;
const client = createSplynxClient({
  baseUrl: fake.url,
  auth: { kind: 'token', key: KEY, secret: SECRET },
  maxRequestsPerSecond: RATE,
  fetch: (input, init) => {
    naiveRequests++;
    return fetch(input, init);
  },
});
const system: SystemActor = { workspaceId: WS, system: 'splynx' };
await client.get(CUSTOMER_PATH, 1); // logs in before the clock starts
naiveRequests = 0;
const naiveBar = progress('naive per-customer pull (sample)', SAMPLE);
started = performance.now();
for (let i = 0; i < SAMPLE; i++) {
  const id = String(1 + Math.floor((i * CUSTOMERS) / SAMPLE));
  const customer = await client.get(CUSTOMER_PATH, id);
  const owned: BillingService[] = [];
  for (const [type, path] of Object.entries(SERVICE_PATHS) as [BillingService['type'], string][]) {
    for (const raw of await client.list(`${CUSTOMER_PATH}/${id}/${path}`)) owned.push(toBillingService(raw, type));
  }
  const billed = (await client.list(INVOICE_PATH, { where: { customer_id: id } })).map(toBillingInvoice);
  await naive.engine.applyBilling(system, { accounts: [toBillingAccount(customer, owned, billed, fake.url)] });
  naiveBar(i + 1);
}
const naiveSampleMs = performance.now() - started;
const naiveMs = (naiveSampleMs * CUSTOMERS) / SAMPLE;
const naiveAllRequests = Math.round((naiveRequests * CUSTOMERS) / SAMPLE);
await client.close();
await naive.dispose();

// --- 2. A second full pull over the same data --------------------------------------------------
const seqBefore = await main.store.lastSeq(WS);
started = performance.now();
const again = await sync.run({ full: true });
const againMs = performance.now() - started;
const newEvents = (await main.store.lastSeq(WS)) - seqBefore;
if (again.status !== 'succeeded') throw new Error(`second pull: ${again.error ?? ''}`);

// --- 3. Incremental pulls after N changed customers and N changed invoices ---------------------
// Customers are changed from the lowest ids up, invoices (the unpaid one, marked paid) of other
// customers from the highest ids down, so that 2N accounts change.
const customerIds = [...fake.store.customers.keys()];
const unpaidByCustomer = new Map<string, string>();
for (const invoice of fake.store.invoices.values()) if (invoice.status === 'not_paid') unpaidByCustomer.set(String(invoice.customer_id), String(invoice.id));
const payable = customerIds.filter((id) => unpaidByCustomer.has(id)).reverse();
let nextCustomer = 0;
let nextInvoice = 0;
const today = ymd(new Date());
const rounds: { label: string; n: number; run: SyncRun; ms: number }[] = [];
async function incremental(label: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = customerIds[nextCustomer++]!;
    fake.changeCustomer(id, { street_2: `Flat ${nextCustomer}` });
    const invoice = unpaidByCustomer.get(payable[nextInvoice++]!)!;
    fake.changeInvoice(invoice, { status: 'paid', due: '0.00', date_payment: today });
  }
  const at = performance.now();
  const run = await sync.run();
  const ms = performance.now() - at;
  if (run.status !== 'succeeded' || run.kind !== 'incremental') throw new Error(`incremental pull: ${run.kind} ${run.status} ${run.error ?? ''}`);
  rounds.push({ label, n, run, ms });
}
if (nextCustomer + CHANGES.reduce((a, b) => a + b, 0) > payable.length) throw new Error('too few customers for the changes asked');
for (const n of CHANGES) await incremental(n === 0 ? '0 (invoice cursor on the seed day)' : String(n), n);
await incremental('0 (cursor moved to today)', 0);
const check = await accountOf(main.store, customerIds[0]!);
if (!check?.address.includes('Flat 1')) throw new Error('an incremental pull missed a change');

const baseRound = rounds.find((r) => r.n === 0)!;
const topRound = rounds.filter((r) => r.n > 0).at(-1)!;
const perChange = (topRound.run.requests - baseRound.run.requests) / (2 * topRound.n);

// --- 4. Hook latency: change in Splynx → account in the store ----------------------------------
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const signature = req.headers['x-splynx-signature'];
    void sync
      .receiveHook({ body: Buffer.concat(chunks), signature: typeof signature === 'string' ? signature : undefined, contentType: req.headers['content-type'] })
      .then((answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)));
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
fake.addHook({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/splynx/hook`, secret: HOOK_SECRET });
const latencies: number[] = [];
for (let i = 0; i < HOOKS; i++) {
  const id = customerIds[customerIds.length - 1 - i]!;
  const mark = `Hook ${i}`;
  const at = performance.now();
  fake.changeCustomer(id, { street_2: mark });
  while (!(await accountOf(main.store, id))?.address.includes(mark)) {
    if (performance.now() - at > 10_000) throw new Error(`hook ${i}: the change did not arrive within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  latencies.push(performance.now() - at);
  await sync.hooksSettled();
}
latencies.sort((a, b) => a - b);
const refused = fake.hookDeliveries.filter((d) => d.status !== 200).length;

await sync.close();
await fake.close();
await new Promise((resolve) => receiver.close(resolve));
await main.dispose();

// --- Report ------------------------------------------------------------------------------------
console.log(`\nSplynx sync: fake Splynx on loopback, SQLite file, token auth, rate limit ${RATE.toLocaleString('en')} req/s (never reached), ${PAGE} customers a page`);
console.log(
  table([
    { pull: 'full, first', 's': seconds(fullMs), requests: full.requests, 'req/record': Number((full.requests / records).toFixed(4)), 'records/s': Math.round(records / (fullMs / 1000)), created: full.counts.created, unchanged: full.counts.unchanged },
    {
      pull: `naive per customer (baseline, ${SAMPLE} sampled, ×${(CUSTOMERS / SAMPLE).toFixed(0)})`,
      's': seconds(naiveMs),
      requests: naiveAllRequests,
      'req/record': Number((naiveAllRequests / records).toFixed(4)),
      'records/s': Math.round(records / (naiveMs / 1000)),
      created: CUSTOMERS,
      unchanged: 0,
    },
    { pull: 'full, second (same data)', 's': seconds(againMs), requests: again.requests, 'req/record': Number((again.requests / records).toFixed(4)), 'records/s': Math.round(records / (againMs / 1000)), created: again.counts.created, unchanged: again.counts.unchanged },
  ]),
);
console.log(
  `\nfull pull: ${seconds(fullMs)} s (aim < 60 s), ${full.requests} requests, ${(naiveMs / fullMs).toFixed(1)}× faster and ${(naiveAllRequests / full.requests).toFixed(0)}× fewer requests than the naive pull; ` +
    `second pull ${seconds(againMs)} s, ${again.counts.unchanged.toLocaleString('en')} unchanged, ${newEvents} new events`,
);
console.log('\nIncremental pulls after N changed customers and N changed invoices');
console.log(table(rounds.map((r) => ({ N: r.label, requests: r.run.requests, ms: Math.round(r.ms), 'accounts re-read': r.run.total ?? 0, updated: r.run.counts.updated }))));
console.log(`slope: ${perChange.toFixed(3)} requests per change (N = ${topRound.n} against N = 0); N = 0 costs ${baseRound.run.requests} requests`);
console.log(`\nHook → account in the store, ${HOOKS} changes one after another: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (aim < 1,000 ms); ${refused} deliveries refused`);

saveResult('splynx-sync', {
  customers: CUSTOMERS,
  services,
  invoices,
  pageSize: PAGE,
  rateLimit: RATE,
  full: { ms: fullMs, requests: full.requests, requestsPerRecord: full.requests / records, recordsPerSecond: records / (fullMs / 1000) },
  naive: { sample: SAMPLE, sampleMs: naiveSampleMs, ms: naiveMs, requests: naiveAllRequests, ratio: naiveMs / fullMs },
  second: { ms: againMs, requests: again.requests, unchanged: again.counts.unchanged, newEvents },
  incremental: rounds.map((r) => ({ label: r.label, changes: r.n, requests: r.run.requests, ms: r.ms, accounts: r.run.total, updated: r.run.counts.updated })),
  requestsPerChange: perChange,
  hooks: { count: HOOKS, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1), refused },
});
