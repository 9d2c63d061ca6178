/**
 * Routing passes through the engine on SQLite: how long one pass takes (read agents, load and
 * queue, decide, write the assignments in one transaction) against `route()` alone on the same
 * state, the decision without the store.
 *   pnpm --filter @casekit/bench routing-pass [--agents 100 --cases 3000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaseEngine, type SystemActor } from '@casekit/core';
import { DEFAULT_ROUTING } from '@casekit/protocol';
import { route, type RoutingAgent, type WaitingCase } from '@casekit/routing';
import { provisionChannel } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { benchOptions, percentile, progress, sample, saveResult, table } from './lib.ts';

const values = benchOptions({ agents: { type: 'string', default: '100' }, cases: { type: 'string', default: '3000' } });
const AGENTS = Number(values.agents);
const CASES = Number(values.cases);
const WS = 'bench';
const system: SystemActor = { workspaceId: WS, system: 'bench' };

const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-routing-pass-'));
const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
const engine = createCaseEngine({ store });
await engine.ensureWorkspace({ id: WS });
await provisionChannel(engine, WS, { id: 'web', kind: 'webchat', name: 'Chat' });
await provisionChannel(engine, WS, { id: 'mail', kind: 'email', name: 'Mail' });

const TEAMS = ['billing', 'technical', 'sales'];
for (let i = 0; i < AGENTS; i++) {
  const id = `ag_${i}`;
  await engine.createAgent(system, {
    id,
    email: `${id}@example.com`,
    name: id,
    role: 'agent',
    passwordHash: null,
    teams: [TEAMS[i % 3]!],
    skills: [{ name: 'networking', level: 1 + (i % 5) }],
    capacity: { webchat: 5, email: 10 },
  });
}
const bar = progress('opening cases', CASES);
for (let i = 0; i < CASES; i++) {
  const email = i % 2 === 1;
  await engine.ingest({
    workspaceId: WS,
    channelId: email ? 'mail' : 'web',
    from: email ? { externalId: `c${i}@example.com`, email: `c${i}@example.com` } : { externalId: `visitor:${i}` },
    text: `Case ${i}: my connection drops`,
  });
  bar(i + 1);
}

// Everyone comes online: the first pass gives out every free slot.
for (let i = 0; i < AGENTS; i++) await engine.setPresence(system, `ag_${i}`, 'online');
let started = performance.now();
const first = await engine.routeWaitingCases(system);
const firstMs = performance.now() - started;

// Steady state: every slot is taken, the rest waits; a pass reads everything and decides nothing.
const idle = await sample(30, () => engine.routeWaitingCases(system), 3);

// One slot frees and one case is given out, as when an agent solves a case.
const held = (await store.listCases(WS, { assignee: 'ag_0', status: ['new', 'open'], limit: 100 })).items;
const freeing = await sample(
  Math.min(20, held.length),
  async (i) => {
    const kase = (await store.getCase(WS, held[i]!.id))!;
    await engine.updateCase(system, kase.id, { version: kase.version, status: 'solved' });
    await engine.routeWaitingCases(system);
  },
  0,
);

// Baseline: route() alone on a state of the same shape, built in memory.
const agents: RoutingAgent[] = Array.from({ length: AGENTS }, (_, i) => ({
  id: `ag_${i}`,
  presence: 'online',
  teams: [TEAMS[i % 3]!],
  skills: [{ name: 'networking', level: 1 + (i % 5) }],
  languages: ['en'],
  capacity: { webchat: 5, email: 10 },
  load: { webchat: 5, email: 10 },
  idleSince: 0,
}));
const queue: WaitingCase[] = Array.from({ length: CASES - first.assignments.length }, (_, i) => ({
  id: `c${i}`,
  priority: 'normal',
  channel: i % 2 ? 'email' : 'webchat',
  skills: [],
  language: null,
  team: null,
  enqueuedAt: i,
  lastAgentId: null,
}));
const pure = await sample(30, () => route({ agents, queue, policies: DEFAULT_ROUTING.policies, roundRobin: {} }, Date.now()), 3);

const p50 = (times: number[]) => percentile(times, 50);
const rows = [
  { pass: 'first (gives out every slot)', assigned: first.assignments.length, waiting: first.waiting, 'p50 ms': firstMs, 'p95 ms': firstMs },
  { pass: 'steady (nothing to give)', assigned: 0, waiting: first.waiting, 'p50 ms': p50(idle), 'p95 ms': percentile(idle, 95) },
  { pass: 'solve one + pass', assigned: 1, waiting: first.waiting - freeing.length, 'p50 ms': p50(freeing), 'p95 ms': percentile(freeing, 95) },
  { pass: 'baseline: route() alone', assigned: 0, waiting: queue.length, 'p50 ms': p50(pure), 'p95 ms': percentile(pure, 95) },
];
console.log(`\nRouting passes on SQLite: ${AGENTS} agents (5 chats + 10 emails each), ${CASES.toLocaleString('en')} open cases\n`);
console.log(table(rows));
console.log(`\nsteady pass vs route() alone: ${(p50(idle) / p50(pure)).toFixed(1)}x (the store's reads of every open case are the cost)`);
saveResult('routing-pass', { agents: AGENTS, cases: CASES, firstMs, assigned: first.assignments.length, idleP50: p50(idle), idleP95: percentile(idle, 95), freeP50: p50(freeing), pureP50: p50(pure) });

await store.close();
rmSync(dir, { recursive: true, force: true });
