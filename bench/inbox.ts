/**
 * Inbox: p50/p99 of a filtered page of 50 at 1,000,000 cases in the SQLite store, against the
 * unfiltered first page measured in the same run.
 *   pnpm --filter @casekit/bench inbox [--cases 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type CaseQuery } from '@casekit/core';
import { CHANNEL_KINDS, type Case, type CaseStatus, type Customer, type Priority } from '@casekit/protocol';
import { createSqliteStore } from '@casekit/store-sqlite';
import { percentile, progress, sample, saveResult, table, benchOptions } from './lib.ts';

const values = benchOptions({ cases: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '500' } });
const TOTAL = Number(values.cases);
const RUNS = Number(values.runs);
const WS = 'bench';
const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-inbox-'));
const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });

// Deterministic pseudo-random data so runs compare.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const weighted = <T>(pairs: [T, number][]): T => {
  let r = rand();
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1]![0];
};
const STATUSES: [CaseStatus, number][] = [['new', 0.08], ['open', 0.2], ['pending', 0.12], ['on_hold', 0.05], ['solved', 0.3], ['closed', 0.25]];
const PRIOS: [Priority, number][] = [['low', 0.2], ['normal', 0.6], ['high', 0.15], ['urgent', 0.05]];
const TEAMS = ['billing', 'technical', 'sales', 'field', 'retention'];
const TAGS = ['outage', 'invoice', 'router', 'upgrade', 'refund', 'vip', 'fiber', 'wifi', 'cancel', 'moving'];
const AGENTS = Array.from({ length: 50 }, (_, i) => `ag_${i}`);
const SUBJECTS = ['Internet down', 'Router keeps rebooting', 'Invoice higher than usual', 'Upgrade to 1 Gbit', 'Slow wifi upstairs', 'Moving house', 'Refund request', 'Static IP'];

const createdAt = '2026-01-01T00:00:00.000Z';
await store.transaction(async (tx) => {
  await tx.putWorkspace({ id: WS, name: 'Bench', createdAt, settings: { reopenWindowHours: 72, displayName: 'Bench' } });
});
const CUSTOMERS = 20_000;
const customerIds: string[] = [];
await store.transaction(async (tx) => {
  for (let i = 0; i < CUSTOMERS; i++) {
    const c: Customer = {
      id: newId('cu'), workspaceId: WS, name: `Customer ${i}`, emails: [`c${i}@example.com`], phones: [], identities: [],
      splynxId: null, attributes: {}, createdAt, updatedAt: createdAt,
    };
    customerIds.push(c.id);
    await tx.insertCustomer(c);
  }
});

const seedStart = performance.now();
const tick = progress('seeding cases', TOTAL);
const BATCH = 10_000;
const start = Date.parse('2025-06-01T00:00:00.000Z');
for (let done = 0; done < TOTAL; done += BATCH) {
  await store.transaction(async (tx) => {
    for (let i = done; i < Math.min(TOTAL, done + BATCH); i++) {
      // Cases arrive over a year in order, as they would in production (index appends, not random inserts).
      const at = new Date(start + Math.floor(((i + rand()) / TOTAL) * 365 * 86_400_000)).toISOString();
      const status = weighted(STATUSES);
      const kase: Case = {
        id: newId('c'), workspaceId: WS, number: i + 1, subject: `${pick(SUBJECTS)} #${i + 1}`, status, priority: weighted(PRIOS),
        customerId: pick(customerIds), assigneeId: rand() < 0.25 ? null : pick(AGENTS), team: rand() < 0.1 ? null : pick(TEAMS),
        skills: [], tags: rand() < 0.5 ? [pick(TAGS)] : [], channels: [pick(CHANNEL_KINDS)], preview: 'Hello, I have a question about my service',
        messageCount: 3, createdAt: at, updatedAt: at, lastActivityAt: at, solvedAt: status === 'solved' ? at : null, version: 1,
      };
      await tx.insertCase(kase);
    }
  });
  tick(Math.min(TOTAL, done + BATCH));
}
const seedSeconds = (performance.now() - seedStart) / 1000;

const query = (q: Partial<CaseQuery>): CaseQuery => ({ limit: 50, ...q }) as CaseQuery;
const scenarios: [string, CaseQuery][] = [
  ['open+new, unassigned', query({ status: ['new', 'open'], assignee: 'unassigned' })],
  ['one agent, open', query({ assignee: 'ag_7', status: ['open'] })],
  ['team billing, high+urgent', query({ team: 'billing', priority: ['high', 'urgent'] })],
  ['whatsapp, open', query({ channel: ['whatsapp'], status: ['open'] })],
  ['tag outage', query({ tag: 'outage' })],
  ['text "router"', query({ q: 'router' })],
  ['open, team technical, urgent', query({ status: ['open'], team: 'technical', priority: ['urgent'] })],
];

const baseline = await sample(RUNS, () => store.listCases(WS, query({})));
const rows: Record<string, string | number>[] = [];
const baseP99 = percentile(baseline, 99);
rows.push({ filter: 'none (baseline)', p50_ms: percentile(baseline, 50), p99_ms: baseP99, 'p99 / baseline': 1 });
const results: Record<string, { p50: number; p99: number }> = { baseline: { p50: percentile(baseline, 50), p99: baseP99 } };
for (const [name, q] of scenarios) {
  const first = await store.listCases(WS, q);
  const times = await sample(RUNS, (i) => store.listCases(WS, i % 2 === 0 || !first.nextCursor ? q : { ...q, cursor: first.nextCursor }));
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  results[name] = { p50, p99 };
  rows.push({ filter: name, p50_ms: p50, p99_ms: p99, 'p99 / baseline': p99 / baseP99 });
}

console.log(`\nInbox: page of 50 at ${TOTAL.toLocaleString('en')} cases (SQLite, ${RUNS} runs each, pages 1 and 2 alternating)`);
console.log(`seeded in ${seedSeconds.toFixed(1)} s\n`);
console.log(table(rows));
const worst = Math.max(...Object.values(results).map((r) => r.p99));
console.log(`\nworst p99: ${worst.toFixed(2)} ms (aim: under 10 ms)`);
saveResult('inbox', { cases: TOTAL, runs: RUNS, seedSeconds, results });
await store.close();
rmSync(dir, { recursive: true, force: true });
