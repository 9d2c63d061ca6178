/**
 * Routing: decisions per second for one pass over 10,000 waiting cases and 500 agents, against a
 * naive router measured in the same run (for each case, sort every agent by the share of their
 * capacity in use, then scan for the first eligible one with room). A decision is one case assigned or given its queue place.
 *   pnpm --filter @casekit/bench routing [--cases 10000] [--agents 500] [--runs 20]
 */
import type { ChannelKind } from '@casekit/protocol';
import { route, type RoutingAgent, type RoutingPolicy, type RoutingState, type WaitingCase } from '@casekit/routing';
import { benchOptions, percentile, sample, saveResult, table } from './lib.ts';

const values = benchOptions({
  cases: { type: 'string', default: '10000' },
  agents: { type: 'string', default: '500' },
  runs: { type: 'string', default: '20' },
});
const CASES = Number(values.cases);
const AGENTS = Number(values.agents);
const RUNS = Number(values.runs);
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

// A seeded generator, so every run routes the same workload.
let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const CHANNELS = ['webchat', 'email', 'whatsapp', 'sms'] as const satisfies ChannelKind[];
const SKILLS = ['fiber', 'billing', 'wifi', 'tv', 'voip'];
const TEAMS = ['support', 'billing', 'noc'];
const LANGUAGES = ['en', 'es', 'pl'];

const agents: RoutingAgent[] = Array.from({ length: AGENTS }, (_, i) => ({
  id: `agent-${String(i).padStart(4, '0')}`,
  presence: random() < 0.8 ? 'online' : pick(['away', 'offline'] as const),
  teams: [pick(TEAMS), ...(random() < 0.3 ? [pick(TEAMS)] : [])],
  skills: SKILLS.filter(() => random() < 0.5).map((name) => ({ name, level: 1 + Math.floor(random() * 5) })),
  languages: ['en', ...(random() < 0.4 ? [pick(LANGUAGES)] : [])],
  capacity: { webchat: 3, email: 10, whatsapp: 3, sms: 5 },
  load: { webchat: Math.floor(random() * 3), email: Math.floor(random() * 8) },
  idleSince: NOW - Math.floor(random() * 600_000),
}));
const queue: WaitingCase[] = Array.from({ length: CASES }, (_, i) => ({
  id: `case-${String(i).padStart(6, '0')}`,
  priority: pick(['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const),
  channel: pick(CHANNELS),
  skills: random() < 0.7 ? [{ name: pick(SKILLS), minLevel: 1 + Math.floor(random() * 4) }] : [],
  language: random() < 0.8 ? 'en' : pick(LANGUAGES),
  team: random() < 0.5 ? pick(TEAMS) : null,
  enqueuedAt: NOW - Math.floor(random() * 300_000),
  lastAgentId: null,
}));

const policy = (selection: RoutingPolicy['selection']): RoutingPolicy => ({
  id: selection,
  mode: 'auto',
  selection,
  sticky: false,
  widening: [
    { afterSeconds: 0, minLevel: 'case', language: true, team: true },
    { afterSeconds: 120, minLevel: 1, language: true, team: false },
  ],
  onAgentOffline: 'reassign',
});

// The baseline: the same least-loaded rules (lowest share of capacity in use on the case's
// channel kind, then longest idle, then id), done the obvious way.
const RANK = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
function naiveLeastLoaded(state: RoutingState, now: number): { caseId: string; agentId: string }[] {
  const pool = state.agents.map((agent) => ({ agent, load: { ...agent.load }, idleSince: agent.idleSince }));
  const cases = [...state.queue].sort((a, b) => RANK[a.priority] - RANK[b.priority] || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1));
  const assignments: { caseId: string; agentId: string }[] = [];
  for (const c of cases) {
    const widening = state.policies.default.widening;
    const step = widening.findLast((s) => (now - c.enqueuedAt) / 1000 >= s.afterSeconds)!;
    const share = ({ agent, load }: (typeof pool)[number]) => (agent.capacity[c.channel] ? (load[c.channel] ?? 0) / agent.capacity[c.channel]! : Infinity);
    pool.sort((a, b) => share(a) - share(b) || a.idleSince - b.idleSince || (a.agent.id < b.agent.id ? -1 : 1));
    const seat = pool.find(
      ({ agent, load }) =>
        agent.presence === 'online' &&
        (load[c.channel] ?? 0) < (agent.capacity[c.channel] ?? 0) &&
        (!step.team || c.team === null || agent.teams.includes(c.team)) &&
        (!step.language || c.language === null || agent.languages.includes(c.language)) &&
        c.skills.every((need) => agent.skills.some((s) => s.name === need.name && s.level >= (step.minLevel === 'case' ? need.minLevel : Math.min(step.minLevel, need.minLevel)))),
    );
    if (!seat) continue;
    seat.load[c.channel] = (seat.load[c.channel] ?? 0) + 1;
    seat.idleSince = now;
    assignments.push({ caseId: c.id, agentId: seat.agent.id });
  }
  return assignments;
}

const stateFor = (selection: RoutingPolicy['selection']): RoutingState => ({ agents, queue, policies: { default: policy(selection) }, roundRobin: {} });

// The two must agree before their speeds are compared.
const leastLoaded = stateFor('least-loaded');
const ours = route(leastLoaded, NOW).assignments.map(({ caseId, agentId }) => ({ caseId, agentId }));
const naive = naiveLeastLoaded(leastLoaded, NOW);
if (JSON.stringify(ours) !== JSON.stringify(naive)) throw new Error('route() and the naive router disagree on the least-loaded assignments');

const rows: Record<string, string | number>[] = [];
const results: Record<string, unknown>[] = [];
const naiveTimes = await sample(Math.max(3, Math.round(RUNS / 5)), () => naiveLeastLoaded(leastLoaded, NOW), 1);
const naiveMedian = percentile(naiveTimes, 50);
for (const selection of ['least-loaded', 'round-robin'] as const) {
  const state = stateFor(selection);
  const decisions = route(state, NOW);
  const times = await sample(RUNS, () => route(state, NOW), 3);
  const median = percentile(times, 50);
  const perSecond = Math.round(CASES / (median / 1000));
  results.push({ selection, p50_ms: median, decisionsPerSecond: perSecond, assigned: decisions.assignments.length });
  rows.push({
    policy: selection,
    assigned: decisions.assignments.length,
    queued: decisions.queue.length,
    p50_ms: median,
    'decisions/s': perSecond,
    'naive p50_ms (baseline)': naiveMedian,
    'speed-up vs naive': (naiveMedian / median).toPrecision(3),
  });
}

console.log(`\nRouting: one pass over ${CASES.toLocaleString('en')} waiting cases and ${AGENTS} agents (${RUNS} runs; naive least-loaded ${naiveTimes.length})`);
console.log(table(rows));
console.log(`\nnaive least-loaded: ${Math.round(CASES / (naiveMedian / 1000)).toLocaleString('en')} decisions/s`);
saveResult('routing', { cases: CASES, agents: AGENTS, runs: RUNS, naiveP50Ms: naiveMedian, results });
