/**
 * DynamoDB: requests and consumed capacity per inbound message and per inbox page, against the
 * aim (one TransactWriteItems and at most three reads a message, one Query a page); then ingest
 * throughput with one engine against two engines (two stores, as two nodes) on one table.
 * Runs Amazon's DynamoDB Local (Java) in memory; it does not throttle, so capacity is counted, not felt.
 *   pnpm --filter @casekit/bench dynamodb [--samples 40 --messages 400 --concurrency 16 --cases 300]
 * BENCH_TRACE=1 prints each request's command and key on stderr.
 */
import { loadavg } from 'node:os';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { createCaseEngine, newId, type CaseQuery, type Store } from '@casekit/core';
import type { Case, CaseStatus, Customer } from '@casekit/protocol';
import { provisionChannel } from '@casekit/server';
import { createDynamoStore, createDynamoTable } from '@casekit/store-dynamodb';
import { DYNAMODB_LOCAL_CREDENTIALS, startDynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { benchOptions, inFlight, percentile, progress, saveResult, table } from './lib.ts';

const values = benchOptions({
  samples: { type: 'string', default: '40' },
  messages: { type: 'string', default: '400' },
  concurrency: { type: 'string', default: '16' },
  visitors: { type: 'string', default: '100' },
  cases: { type: 'string', default: '300' },
});
const SAMPLES = Number(values.samples);
const MESSAGES = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const VISITORS = Number(values.visitors);
const CASES = Number(values.cases);
const AIM = { transactions: 1, reads: 3, pageQueries: 1 };
const READS = new Set(['GetItem', 'BatchGetItem', 'Query']);

/** What a client sent: requests by command, capacity units, cancelled transactions by reason. */
interface Tally {
  requests: Record<string, number>;
  rcu: number;
  wcu: number;
  cancelled: Record<string, number>;
}
const emptyTally = (): Tally => ({ requests: {}, rcu: 0, wcu: 0, cancelled: {} });

type Capacity = { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };

/**
 * A client whose every request is counted in `tally`, asking for ConsumedCapacity where the
 * command takes it (the store passes none itself).
 */
function countedClient(endpoint: string, tally: Tally): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      if (READS.has(command) || command === 'TransactWriteItems' || command === 'PutItem' || command === 'UpdateItem' || command === 'DeleteItem') {
        input.ReturnConsumedCapacity = 'TOTAL';
      }
      tally.requests[command] = (tally.requests[command] ?? 0) + 1;
      if (process.env.BENCH_TRACE) console.error(command, JSON.stringify(input.Key ?? input.ExpressionAttributeValues ?? input.RequestItems ?? (input.TransactItems as unknown[] | undefined)?.length));
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        for (const c of [consumed ?? []].flat()) {
          // Writes report only CapacityUnits; reads may too.
          const read = c.ReadCapacityUnits ?? (READS.has(command) ? (c.CapacityUnits ?? 0) : 0);
          const write = c.WriteCapacityUnits ?? (READS.has(command) ? 0 : (c.CapacityUnits ?? 0));
          tally.rcu += read;
          tally.wcu += write;
        }
        return result;
      } catch (error) {
        if (error instanceof Error && error.name === 'TransactionCanceledException') {
          for (const reason of (error as TransactionCanceledException).CancellationReasons ?? []) {
            if (reason.Code && reason.Code !== 'None') tally.cancelled[reason.Code] = (tally.cancelled[reason.Code] ?? 0) + 1;
          }
        }
        throw error;
      }
    },
    { step: 'initialize', priority: 'low', name: 'benchCounter' },
  );
  return client;
}

/** The difference between two tallies of one client: what the work between them sent. */
function since(before: Tally, after: Tally): Tally {
  const requests: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.requests)) if (v - (before.requests[k] ?? 0) > 0) requests[k] = v - (before.requests[k] ?? 0);
  const cancelled: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.cancelled)) if (v - (before.cancelled[k] ?? 0) > 0) cancelled[k] = v - (before.cancelled[k] ?? 0);
  return { requests, rcu: after.rcu - before.rcu, wcu: after.wcu - before.wcu, cancelled };
}
const copy = (t: Tally): Tally => structuredClone(t);

/** Per-operation averages of a tally over `n` operations, as a table row. */
function row(name: string, t: Tally, n: number) {
  const per = (k: string) => (t.requests[k] ?? 0) / n;
  const reads = per('GetItem') + per('BatchGetItem') + per('Query');
  return {
    operation: name,
    GetItem: per('GetItem'),
    BatchGetItem: per('BatchGetItem'),
    Query: per('Query'),
    TransactWrite: per('TransactWriteItems'),
    'reads': reads,
    RCU: t.rcu / n,
    WCU: t.wcu / n,
  };
}

const started = performance.now();
const dynamo = await startDynamoDbLocal();
// The Java process goes with this one, however the run ends (its kill is sent at once).
process.once('exit', () => void dynamo.stop());
console.error(`DynamoDB Local answered after ${dynamo.startMs} ms`);
const TABLE = 'casekit-bench';
const tally = emptyTally();
const client = countedClient(dynamo.endpoint, tally);
await createDynamoTable({ client, tableName: TABLE });
const store = createDynamoStore({ client, tableName: TABLE });
const engine = createCaseEngine({ store });

// ---- per inbound message ----
const WS = 'bench';
await engine.ensureWorkspace({ id: WS });
await provisionChannel(engine, WS, { id: 'wa', kind: 'whatsapp-cloud', name: 'WhatsApp' });
const inbound = (i: number, providerMessageId: string) => ({
  workspaceId: WS,
  channelId: 'wa',
  from: { externalId: `+3161234${String(i).padStart(4, '0')}`, name: `Customer ${i}` },
  text: `Message ${providerMessageId}: my connection drops every evening around 8pm`,
  providerMessageId,
});
/** Runs `op` for each sample, one at a time, and the average of what each sent. */
async function perMessage(name: string, op: (i: number) => Promise<unknown>) {
  const before = copy(tally);
  for (let i = 0; i < SAMPLES; i++) await op(i);
  return { name, tally: since(before, tally) };
}
const messageRuns = [
  await perMessage('first message, new customer', (i) => engine.ingest(inbound(i, `wamid.first-${i}`))),
  await perMessage('follow-up on its open case', (i) => engine.ingest(inbound(i, `wamid.second-${i}`))),
  await perMessage('duplicate provider retry', (i) => engine.ingest(inbound(i, `wamid.second-${i}`))),
];
for (let i = 0; i < SAMPLES; i++) {
  const retry = await engine.ingest(inbound(i, `wamid.second-${i}`));
  if (!retry.duplicate) throw new Error('a provider retry was stored twice');
}

// ---- per inbox page ----
const IWS = 'inbox';
const AGENTS = Array.from({ length: 5 }, (_, i) => `ag_${i}`);
const STATUSES: CaseStatus[] = ['new', 'open', 'open', 'open', 'pending', 'solved'];
const createdAt = '2026-01-01T00:00:00.000Z';
await store.transaction(async (tx) => tx.putWorkspace({ id: IWS, name: 'Inbox', createdAt, settings: { reopenWindowHours: 72, displayName: 'Inbox' } }));
const seedTick = progress('seeding cases ', CASES);
// A case is up to 9 items and a customer 3: five of each fit one transaction of 100.
for (let done = 0; done < CASES; done += 5) {
  await store.transaction(async (tx) => {
    for (let i = done; i < Math.min(CASES, done + 5); i++) {
      const at = new Date(Date.parse(createdAt) + i * 60_000).toISOString();
      const customer: Customer = {
        id: newId('cu'), workspaceId: IWS, name: `Customer ${i}`, emails: [`c${i}@example.com`], phones: [], identities: [],
        splynxId: null, attributes: {}, createdAt: at, updatedAt: at,
      };
      await tx.insertCustomer(customer);
      const status = STATUSES[i % STATUSES.length]!;
      const kase: Case = {
        id: newId('c'), workspaceId: IWS, number: i + 1, subject: `Internet down #${i + 1}`, status, priority: 'normal',
        customerId: customer.id, assigneeId: i % 7 === 0 ? null : AGENTS[i % AGENTS.length]!, team: 'technical', skills: [], tags: [],
        channels: ['whatsapp'], preview: 'Hello, I have a question about my service', messageCount: 1,
        createdAt: at, updatedAt: at, lastActivityAt: at, solvedAt: status === 'solved' ? at : null, version: 1,
      };
      await tx.insertCase(kase);
    }
  });
  seedTick(Math.min(CASES, done + 5));
}
const PAGE = 50;
const pages: [string, CaseQuery][] = [
  ['mine, open (store.listCases)', { assignee: AGENTS[1]!, status: ['open'], limit: PAGE } as CaseQuery],
  ['all open (store.listCases)', { status: ['open'], limit: PAGE } as CaseQuery],
];
/** The workbench's page as GET /cases reads it (packages/api handlers.ts): the cases, the agent's read marks, each row's customer. */
async function apiPage(reader: Store, query: CaseQuery) {
  const page = await reader.listCases(IWS, query);
  const customerIds = [...new Set(page.items.map((kase) => kase.customerId))];
  await Promise.all([reader.getCaseReads(IWS, AGENTS[1]!, page.items.map((kase) => kase.id)), Promise.all(customerIds.map((id) => reader.getCustomer(IWS, id)))]);
  return page;
}
const pageRuns: { name: string; tally: Tally; rows: number }[] = [];
for (const [name, query] of pages) {
  const before = copy(tally);
  let rows = 0;
  for (let i = 0; i < SAMPLES; i++) rows += (await store.listCases(IWS, query)).items.length;
  pageRuns.push({ name, tally: since(before, tally), rows: rows / SAMPLES });
}
{
  const before = copy(tally);
  let rows = 0;
  for (let i = 0; i < SAMPLES; i++) rows += (await apiPage(store, pages[0]![1])).items.length;
  pageRuns.push({ name: 'mine, open (GET /cases: + reads, customers)', tally: since(before, tally), rows: rows / SAMPLES });
}

// ---- throughput: one engine, then two on one table ----
/** Follow-ups from `VISITORS` customers of workspace `ws`, `MESSAGES` of them spread over `engines`. */
async function throughput(label: string, ws: string, nodes: number) {
  const tallies = Array.from({ length: nodes }, emptyTally);
  const clients = tallies.map((t) => countedClient(dynamo.endpoint, t));
  const engines = clients.map((c) => createCaseEngine({ store: createDynamoStore({ client: c, tableName: TABLE }) }));
  await engines[0]!.ensureWorkspace({ id: ws });
  await provisionChannel(engines[0]!, ws, { id: 'webchat', kind: 'webchat', name: 'Web chat' });
  const customers: string[] = [];
  for (let i = 0; i < VISITORS; i++) {
    customers.push((await engines[0]!.ingest({ workspaceId: ws, channelId: 'webchat', from: { externalId: `visitor-${i}`, name: `Visitor ${i}` }, text: 'Hello' })).customer.id);
  }
  const befores = tallies.map(copy);
  const latencyMs: number[] = [];
  const tick = progress(label, MESSAGES);
  let done = 0;
  let failed = 0;
  const startedAt = performance.now();
  await inFlight(MESSAGES, CONCURRENCY, async (i) => {
    const customerId = customers[i % VISITORS]!;
    const t0 = performance.now();
    try {
      await engines[i % nodes]!.ingest({ workspaceId: ws, channelId: 'webchat', customerId, clientMessageId: `bench-${i}`, from: { externalId: `customer:${customerId}` }, text: `Message ${i}`, authorKind: 'customer' });
      latencyMs.push(performance.now() - t0);
    } catch (error) {
      // A transaction that lost the seq race on every attempt: the sender sees a 503 and retries.
      if ((error as { code?: string }).code !== 'unavailable') throw error;
      failed++;
    }
    tick(++done);
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const used = tallies.map((t, n) => since(befores[n]!, t));
  for (const c of clients) c.destroy();
  const transactions = used.reduce((sum, t) => sum + (t.requests.TransactWriteItems ?? 0), 0);
  const cancelled: Record<string, number> = {};
  for (const t of used) for (const [reason, n] of Object.entries(t.cancelled)) cancelled[reason] = (cancelled[reason] ?? 0) + n;
  latencyMs.sort((a, b) => a - b);
  return { label, nodes, perSecond: (MESSAGES - failed) / seconds, failed, p50: percentile(latencyMs, 50), p99: percentile(latencyMs, 99), transactions, retries: transactions - (MESSAGES - failed), cancelled };
}
const one = await throughput('one engine    ', 'tp-one', 1);
const two = await throughput('two engines   ', 'tp-two', 2);
// Every writer a store of its own: nobody takes turns, all race for the counter (as every
// transaction did before a store's writers took turns).
const racing = await throughput('16 engines    ', 'tp-racing', CONCURRENCY);
client.destroy();
await dynamo.stop();

// ---- report ----
const load = loadavg().map((n) => n.toFixed(2)).join(' ');
console.log(`\nDynamoDB Local, ${SAMPLES} samples each, load average ${load} (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
console.log('\nPer inbound message (average requests, capacity units):');
console.log(table(messageRuns.map((r) => row(r.name, r.tally, SAMPLES))));
const aimReads = AIM.reads;
for (const r of messageRuns) {
  const perRow = row(r.name, r.tally, SAMPLES);
  console.log(`  ${r.name}: ${perRow.TransactWrite.toFixed(2)} tx, ${perRow.reads.toFixed(2)} reads: ${(perRow.reads / aimReads).toFixed(2)}× the aim of ${aimReads} reads`);
}
console.log(`\nPer inbox page of ${PAGE} (${CASES} cases seeded):`);
console.log(table(pageRuns.map((r) => ({ ...row(r.name, r.tally, SAMPLES), rows: r.rows }))));
for (const r of pageRuns) {
  const perRow = row(r.name, r.tally, SAMPLES);
  console.log(`  ${r.name}: ${perRow.reads.toFixed(2)} requests: ${(perRow.reads / AIM.pageQueries).toFixed(2)}× the aim of ${AIM.pageQueries} query`);
}
console.log(`\nIngest throughput: ${MESSAGES.toLocaleString('en')} follow-ups from ${VISITORS} customers, ${CONCURRENCY} in flight, one workspace (its seq counter shared)`);
console.log(
  table(
    [one, two, racing].map((r) => ({
      engines: r.nodes,
      'msg/s': Math.round(r.perSecond),
      p50_ms: r.p50,
      p99_ms: r.p99,
      'tx sent': r.transactions,
      'retries': r.retries,
      'retries/msg': r.retries / MESSAGES,
      'failed (503)': r.failed,
      cancel_reasons: Object.entries(r.cancelled).map(([k, v]) => `${k}×${v}`).join(' ') || '—',
    })),
  ),
);
console.log(`\ntwo engines: ${(two.perSecond / one.perSecond).toFixed(2)}× one engine's msg/s (both in this process, on one DynamoDB Local)`);
console.log(`one engine, its writers taking turns: ${(one.perSecond / racing.perSecond).toFixed(2)}× the msg/s of ${CONCURRENCY} racing engines, ${one.retries} retries against ${racing.retries}, ${one.failed} failed against ${racing.failed}`);
saveResult('dynamodb', {
  samples: SAMPLES,
  loadavg: loadavg(),
  perMessage: Object.fromEntries(messageRuns.map((r) => [r.name, row(r.name, r.tally, SAMPLES)])),
  perPage: Object.fromEntries(pageRuns.map((r) => [r.name, { ...row(r.name, r.tally, SAMPLES), rows: r.rows }])),
  throughput: { one, two, racing, ratio: two.perSecond / one.perSecond, turnsAgainstRacing: one.perSecond / racing.perSecond },
});
