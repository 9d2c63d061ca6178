import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChannelKind } from '@casekit/protocol';
import { route } from './route.ts';
import { agentWentOffline } from './offline.ts';
import type { PolicySet, RoutingAgent, RoutingPolicy, RoutingState, WaitingCase, WideningStep } from './types.ts';
import { T0 } from './internal/fixtures.ts';

// Small pools of names so that eligibility varies and collides often.
const CHANNELS = ['webchat', 'email'] as const satisfies ChannelKind[];
const TEAMS = ['t1', 't2'];
const SKILLS = ['s1', 's2'];
const LANGUAGES = ['en', 'es'];
const NOW = T0;

const agentArb = (id: string): fc.Arbitrary<RoutingAgent> =>
  fc
    .record({
      presence: fc.constantFrom('online', 'online', 'away', 'offline'),
      teams: fc.subarray(TEAMS),
      skills: fc.uniqueArray(fc.record({ name: fc.constantFrom(...SKILLS), level: fc.integer({ min: 1, max: 5 }) }), { selector: (s) => s.name }),
      languages: fc.subarray(LANGUAGES),
      webchat: fc.integer({ min: 0, max: 3 }),
      email: fc.integer({ min: 0, max: 3 }),
      busyChat: fc.integer({ min: 0, max: 3 }),
      busyEmail: fc.integer({ min: 0, max: 3 }),
      idle: fc.integer({ min: 0, max: 600_000 }),
    })
    .map((a) => ({
      id,
      presence: a.presence,
      teams: a.teams,
      skills: a.skills,
      languages: a.languages,
      capacity: { webchat: a.webchat, email: a.email },
      load: { webchat: Math.min(a.busyChat, a.webchat), email: Math.min(a.busyEmail, a.email) },
      idleSince: NOW - a.idle,
    }));

const caseArb = (id: string, agentIds: string[]): fc.Arbitrary<WaitingCase> =>
  fc.record({
    id: fc.constant(id),
    priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
    channel: fc.constantFrom(...CHANNELS),
    skills: fc.uniqueArray(fc.record({ name: fc.constantFrom(...SKILLS), minLevel: fc.integer({ min: 1, max: 5 }) }), { selector: (s) => s.name }),
    language: fc.constantFrom(null, ...LANGUAGES),
    team: fc.constantFrom(null, ...TEAMS),
    // Coarse times so that equal enqueue times (ties) are common.
    enqueuedAt: fc.integer({ min: 0, max: 12 }).map((tenth) => NOW - tenth * 10_000),
    lastAgentId: fc.constantFrom(null, ...agentIds),
  });

const stepArb: fc.Arbitrary<Omit<WideningStep, 'afterSeconds'>> = fc.record({
  minLevel: fc.constantFrom('case' as const, 1, 2, 3),
  language: fc.boolean(),
  team: fc.boolean(),
});

const policyArb = (id: string): fc.Arbitrary<RoutingPolicy> =>
  fc.record({
    id: fc.constant(id),
    mode: fc.constantFrom('auto', 'auto', 'auto', 'manual'),
    selection: fc.constantFrom('least-loaded', 'round-robin'),
    sticky: fc.boolean(),
    widening: fc
      .array(stepArb, { minLength: 1, maxLength: 3 })
      .map((steps) => steps.map((step, i) => ({ ...step, afterSeconds: i * 40 }))),
    onAgentOffline: fc.constantFrom('reassign', 'keep'),
  });

const policiesArb: fc.Arbitrary<PolicySet> = fc.record(
  { default: policyArb('p-default'), teams: fc.record({ t1: policyArb('p-t1') }), channels: fc.record({ email: policyArb('p-email') }) },
  { requiredKeys: ['default'] },
);

const stateArb: fc.Arbitrary<RoutingState> = fc
  .record({ agentCount: fc.integer({ min: 0, max: 8 }), caseCount: fc.integer({ min: 0, max: 25 }) })
  .chain(({ agentCount, caseCount }) => {
    const agentIds = Array.from({ length: agentCount }, (_, i) => `a${i}`);
    return fc.record({
      agents: fc.tuple(...agentIds.map(agentArb)),
      queue: fc.tuple(...Array.from({ length: caseCount }, (_, i) => caseArb(`c${i}`, agentIds))),
      policies: policiesArb,
      roundRobin: fc
        .record({ 'p-default': fc.constantFrom(...agentIds, 'a'), 'p-t1': fc.constantFrom(...agentIds, 'a') }, { requiredKeys: [] })
        .map((cursors) => ({ ...cursors })),
    });
  });

// The oracle: eligibility and order written out again from the spec, apart from the implementation.
function policyOf(policies: PolicySet, c: WaitingCase): RoutingPolicy {
  if (c.team === 't1' && policies.teams?.t1) return policies.teams.t1;
  if (c.channel === 'email' && policies.channels?.email) return policies.channels.email;
  return policies.default;
}
function currentStep(p: RoutingPolicy, c: WaitingCase): number {
  const waited = (NOW - c.enqueuedAt) / 1000;
  return p.widening.findLastIndex((step) => waited >= step.afterSeconds);
}
function eligible(a: RoutingAgent, c: WaitingCase, policies: PolicySet): boolean {
  const p = policyOf(policies, c);
  const step = p.widening[currentStep(p, c)]!;
  return (
    a.presence === 'online' &&
    (!step.team || c.team === null || a.teams.includes(c.team)) &&
    (!step.language || c.language === null || a.languages.includes(c.language)) &&
    c.skills.every((need) => a.skills.some((s) => s.name === need.name && s.level >= (step.minLevel === 'case' ? need.minLevel : Math.min(step.minLevel, need.minLevel))))
  );
}
const RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
const before = (x: WaitingCase, y: WaitingCase) => RANK[x.priority] < RANK[y.priority] || (RANK[x.priority] === RANK[y.priority] && (x.enqueuedAt < y.enqueuedAt || (x.enqueuedAt === y.enqueuedAt && x.id < y.id)));

/** Load per agent and channel after the assignments. */
function loadsAfter(state: RoutingState, assignments: { caseId: string; agentId: string }[]) {
  const load = new Map(state.agents.map((a) => [a.id, { ...a.load }]));
  for (const { caseId, agentId } of assignments) {
    const channel = state.queue.find((c) => c.id === caseId)!.channel;
    const l = load.get(agentId)!;
    l[channel] = (l[channel] ?? 0) + 1;
  }
  return load;
}

function checkInvariants(state: RoutingState) {
  const decisions = route(state, NOW);
  const byId = new Map(state.queue.map((c) => [c.id, c]));
  const agents = new Map(state.agents.map((a) => [a.id, a]));
  // Every case is decided exactly once.
  const decided = [...decisions.assignments.map((a) => a.caseId), ...decisions.queue.map((q) => q.caseId)].sort();
  assert.deepEqual(decided, state.queue.map((c) => c.id).sort());
  // Never over capacity: an agent who received a case on a channel is within capacity there.
  const load = loadsAfter(state, decisions.assignments);
  for (const { caseId, agentId } of decisions.assignments) {
    const channel = byId.get(caseId)!.channel;
    assert.ok((load.get(agentId)![channel] ?? 0) <= (agents.get(agentId)!.capacity[channel] ?? 0), `${agentId} over capacity on ${channel}`);
  }
  // Only eligible agents, under the step the case is on, and never under a manual policy.
  for (const assignment of decisions.assignments) {
    const c = byId.get(assignment.caseId)!;
    const p = policyOf(state.policies, c);
    assert.equal(p.mode, 'auto');
    assert.equal(assignment.policyId, p.id);
    assert.equal(assignment.step, currentStep(p, c));
    assert.ok(eligible(agents.get(assignment.agentId)!, c, state.policies), `${assignment.agentId} is not eligible for ${c.id}`);
  }
  // Priority, then waiting time, decides order: assignments and the queue come in that order…
  const order = (ids: string[]) => ids.map((id) => byId.get(id)!);
  for (const list of [order(decisions.assignments.map((a) => a.caseId)), order(decisions.queue.map((q) => q.caseId))]) {
    for (let i = 1; i < list.length; i++) assert.ok(before(list[i - 1]!, list[i]!), `${list[i - 1]!.id} listed before ${list[i]!.id}`);
  }
  // …and no agent took a later case that an earlier, still waiting case could have had.
  for (const q of decisions.queue) {
    const w = byId.get(q.caseId)!;
    if (policyOf(state.policies, w).mode === 'manual') continue;
    for (const assignment of decisions.assignments) {
      const c = byId.get(assignment.caseId)!;
      if (before(w, c) && c.channel === w.channel) assert.ok(!eligible(agents.get(assignment.agentId)!, w, state.policies), `${c.id} went to ${assignment.agentId} ahead of ${w.id}`);
    }
    // No case waits while an eligible agent has capacity.
    for (const a of state.agents) {
      const free = (a.capacity[w.channel] ?? 0) - (load.get(a.id)![w.channel] ?? 0);
      assert.ok(!(free > 0 && eligible(a, w, state.policies)), `${w.id} waits while ${a.id} is eligible with ${free} free`);
    }
  }
  // Sticky: a case whose last agent is eligible and still has room after the pass went to them.
  for (const c of state.queue) {
    const p = policyOf(state.policies, c);
    const last = c.lastAgentId === null ? undefined : agents.get(c.lastAgentId);
    if (p.mode !== 'auto' || !p.sticky || !last || !eligible(last, c, state.policies)) continue;
    if ((last.capacity[c.channel] ?? 0) - (load.get(last.id)![c.channel] ?? 0) <= 0) continue;
    const assignment = decisions.assignments.find((a) => a.caseId === c.id);
    assert.deepEqual([assignment?.agentId, assignment?.reason], [last.id, 'sticky'], `${c.id} did not stick to ${last.id}`);
  }
  // Positions count 1, 2, 3… within each team and channel.
  const seen = new Map<string, number>();
  for (const q of decisions.queue) {
    const c = byId.get(q.caseId)!;
    const key = `${c.team}/${c.channel}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    assert.equal(q.position, seen.get(key));
  }
  return decisions;
}

test('never over capacity, only eligible agents, priority then waiting time, no case waits beside a free eligible agent, sticky when the last agent can', () => {
  fc.assert(fc.property(stateArb, (state) => void checkInvariants(state)), { numRuns: 500 });
});

test('the same inputs give the same decisions, whatever the order of agents and cases', () => {
  const withShuffles = stateArb.chain((state) =>
    fc.record({
      state: fc.constant(state),
      agents: fc.shuffledSubarray(state.agents, { minLength: state.agents.length }),
      queue: fc.shuffledSubarray(state.queue, { minLength: state.queue.length }),
    }),
  );
  fc.assert(
    fc.property(withShuffles, ({ state, agents, queue }) => {
      const first = route(state, NOW);
      assert.deepEqual(route(structuredClone(state), NOW), first);
      assert.deepEqual(route({ ...state, agents, queue }, NOW), first);
    }),
    { numRuns: 300 },
  );
});

test('routing does not change its input', () => {
  fc.assert(
    fc.property(stateArb, (state) => {
      const copy = structuredClone(state);
      route(state, NOW);
      assert.deepEqual(structuredClone(state), copy);
    }),
    { numRuns: 100 },
  );
});

test('an agent going offline gets their cases reassigned per policy, and none of them back', () => {
  const withOffline = stateArb
    .filter((state) => state.agents.length > 0)
    .chain((state) =>
      fc.record({
        state: fc.constant(state),
        agentId: fc.constantFrom(...state.agents.map((a) => a.id)),
        open: fc.array(caseArb('x', []), { maxLength: 6 }).map((list) => list.map((c, i) => ({ ...c, id: `open${i}` }))),
      }),
    );
  fc.assert(
    fc.property(withOffline, ({ state, agentId, open }) => {
      // The agent's load holds at least their open cases.
      const agents = state.agents.map((a) => {
        if (a.id !== agentId) return a;
        const load = { ...a.load };
        for (const c of open) load[c.channel] = (load[c.channel] ?? 0) + 1;
        return { ...a, load };
      });
      const result = agentWentOffline({ ...state, agents }, agentId, open, NOW);
      const reassign = open.filter((c) => policyOf(state.policies, c).onAgentOffline === 'reassign').map((c) => c.id);
      assert.deepEqual(result.released, reassign.sort());
      assert.deepEqual(result.kept, open.filter((c) => !reassign.includes(c.id)).map((c) => c.id).sort());
      assert.ok(result.assignments.every((a) => a.agentId !== agentId));
      // The released cases are routed like any other: the same invariants hold with the agent offline.
      const after: RoutingState = {
        ...state,
        agents: agents.map((a) => (a.id === agentId ? { ...a, presence: 'offline' } : a)),
        queue: [...state.queue, ...open.filter((c) => reassign.includes(c.id))],
      };
      const { assignments, queue, roundRobin } = result;
      assert.deepEqual({ assignments, queue, roundRobin }, checkInvariants(after));
    }),
    { numRuns: 300 },
  );
});

test('at equal capacity and no requirements, least-loaded and round-robin keep load spread within 1', () => {
  const spreadArb = fc.record({
    agents: fc.integer({ min: 1, max: 12 }),
    capacity: fc.integer({ min: 1, max: 6 }),
    cases: fc.integer({ min: 0, max: 80 }),
    selection: fc.constantFrom('least-loaded', 'round-robin'),
    cursor: fc.integer({ min: 0, max: 12 }),
  });
  fc.assert(
    fc.property(spreadArb, ({ agents: agentCount, capacity, cases, selection, cursor }) => {
      const agents: RoutingAgent[] = Array.from({ length: agentCount }, (_, i) => ({
        id: `a${String(i).padStart(2, '0')}`, presence: 'online', teams: [], skills: [], languages: [], capacity: { webchat: capacity }, load: {}, idleSince: NOW - i * 1000,
      }));
      const queue = Array.from({ length: cases }, (_, i): WaitingCase => ({
        id: `c${i}`, priority: 'normal', channel: 'webchat', skills: [], language: null, team: null, enqueuedAt: NOW - i, lastAgentId: null,
      }));
      const only: RoutingPolicy = { id: 'p', mode: 'auto', selection, sticky: false, widening: [{ afterSeconds: 0, minLevel: 'case', language: true, team: true }], onAgentOffline: 'reassign' };
      const decisions = route({ agents, queue, policies: { default: only }, roundRobin: { p: `a${String(cursor).padStart(2, '0')}` } }, NOW);
      const counts = agents.map((a) => decisions.assignments.filter((x) => x.agentId === a.id).length);
      assert.equal(decisions.assignments.length, Math.min(cases, agentCount * capacity));
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `spread ${counts.join(',')}`);
    }),
    { numRuns: 300 },
  );
});
