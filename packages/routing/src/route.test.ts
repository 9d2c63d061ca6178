import { test } from 'node:test';
import assert from 'node:assert/strict';
import { route } from './route.ts';
import { agentWentOffline } from './offline.ts';
import { agent, policy, state, T0, waiting } from './internal/fixtures.ts';
import type { WideningStep } from './types.ts';

const pairs = (decisions: ReturnType<typeof route>) => decisions.assignments.map((a) => [a.caseId, a.agentId]);

test('least-loaded gives the case to the agent with the fewest open cases at equal capacity, ties to the longest idle', () => {
  const agents = [
    agent('ana', { load: { webchat: 2 } }),
    agent('ben', { load: { email: 1 }, idleSince: T0 - 5_000 }),
    agent('cy', { load: { email: 1 }, idleSince: T0 - 60_000 }),
  ];
  const decisions = route(state(agents, [waiting('c1')]), T0);
  assert.deepEqual(pairs(decisions), [['c1', 'cy']]);
  assert.equal(decisions.assignments[0]!.reason, 'least-loaded');
  // Equal load and idle time: the first by id, whatever the input order.
  assert.deepEqual(pairs(route(state([agent('zoe'), agent('abe')], [waiting('c1')]), T0)), [['c1', 'abe']]);
});

test('least-loaded compares the share of capacity in use on the case\'s channel kind, not the count of open cases', () => {
  // Ana has more chats open but a third of her chat slots; Ben has one of his two. Emails do not count against chats.
  const agents = [
    agent('ana', { capacity: { webchat: 6 }, load: { webchat: 2 }, idleSince: T0 }),
    agent('ben', { capacity: { webchat: 2, email: 10 }, load: { webchat: 1 }, idleSince: T0 - 60_000 }),
    agent('cy', { capacity: { webchat: 3, email: 10 }, load: { webchat: 1, email: 9 }, idleSince: T0 - 30_000 }),
  ];
  assert.deepEqual(pairs(route(state(agents, [waiting('c1')]), T0)), [['c1', 'cy']]);
  // A burst fills agents in proportion to their capacity: at an equal share the longest idle, then the id, wins.
  const two = [agent('big', { capacity: { webchat: 4 } }), agent('small', { capacity: { webchat: 2 }, idleSince: T0 - 1_000 })];
  const burst = Array.from({ length: 6 }, (_, i) => waiting(`c${i}`, { enqueuedAt: T0 + i }));
  const decisions = route(state(two, burst), T0 + 10);
  assert.deepEqual(decisions.assignments.map((a) => a.agentId), ['small', 'big', 'big', 'big', 'small', 'big']);
});

test('least-loaded spreads a burst evenly over agents of equal capacity', () => {
  const agents = ['a', 'b', 'c'].map((id) => agent(id));
  const queue = Array.from({ length: 6 }, (_, i) => waiting(`c${i}`, { enqueuedAt: T0 + i }));
  const decisions = route(state(agents, queue), T0 + 10);
  const counts = ['a', 'b', 'c'].map((id) => decisions.assignments.filter((a) => a.agentId === id).length);
  assert.deepEqual(counts, [2, 2, 2]);
});

test('round-robin goes on after the cursor by agent id and wraps round', () => {
  const agents = ['a', 'b', 'c'].map((id) => agent(id));
  const policies = { default: policy({ id: 'rr', selection: 'round-robin' }) };
  const queue = ['c1', 'c2', 'c3'].map((id, i) => waiting(id, { enqueuedAt: T0 + i }));
  const decisions = route({ ...state(agents, queue, policies), roundRobin: { rr: 'b' } }, T0 + 10);
  assert.deepEqual(pairs(decisions), [['c1', 'c'], ['c2', 'a'], ['c3', 'b']]);
  assert.deepEqual(decisions.roundRobin, { rr: 'b' });
  // The next pass carries on from the returned cursor.
  const next = route({ ...state(agents, [waiting('c4')], policies), roundRobin: decisions.roundRobin }, T0 + 20);
  assert.deepEqual(pairs(next), [['c4', 'c']]);
});

test('sticky returns the customer to their last agent when they are eligible and have room', () => {
  const policies = { default: policy({ sticky: true }) };
  const agents = [agent('ana', { load: { webchat: 2 } }), agent('ben')];
  assert.deepEqual(pairs(route(state(agents, [waiting('c1', { lastAgentId: 'ana' })], policies), T0)), [['c1', 'ana']]);
  // Full, away or unknown: the policy's selection decides instead.
  const full = [agent('ana', { load: { webchat: 3 } }), agent('ben')];
  assert.deepEqual(pairs(route(state(full, [waiting('c1', { lastAgentId: 'ana' })], policies), T0)), [['c1', 'ben']]);
  const away = [agent('ana', { presence: 'away' }), agent('ben')];
  assert.deepEqual(pairs(route(state(away, [waiting('c1', { lastAgentId: 'ana' })], policies), T0)), [['c1', 'ben']]);
});

test('a case taken from an agent by an SLA breach goes to someone else, even when sticky would send it back', () => {
  const policies = { default: policy({ sticky: true }) };
  const agents = [agent('ana'), agent('ben', { load: { webchat: 2 } })];
  const taken = waiting('c1', { lastAgentId: 'ana', avoidAgentId: 'ana' });
  assert.deepEqual(pairs(route(state(agents, [taken], policies), T0)), [['c1', 'ben']]);
  // With nobody else eligible it waits rather than going back.
  assert.deepEqual(pairs(route(state([agent('ana')], [taken], policies), T0)), []);
});

test('manual only queues, with positions and estimates', () => {
  const policies = { default: policy(), channels: { email: policy({ id: 'mail', mode: 'manual' }) } };
  const queue = [waiting('e1', { channel: 'email', enqueuedAt: T0 }), waiting('e2', { channel: 'email', enqueuedAt: T0 + 1 }), waiting('w1')];
  const decisions = route(state([agent('ana')], queue, policies), T0 + 10);
  assert.deepEqual(pairs(decisions), [['w1', 'ana']]);
  assert.deepEqual(decisions.queue, [
    { caseId: 'e1', policyId: 'mail', position: 1, estimatedWaitSeconds: null },
    { caseId: 'e2', policyId: 'mail', position: 2, estimatedWaitSeconds: null },
  ]);
});

/** The level the case asks for 60 s, then any level. */
const levelThenAny: WideningStep[] = [
  { afterSeconds: 0, minLevel: 'case', language: true, team: true },
  { afterSeconds: 60, minLevel: 1, language: true, team: true },
];

test('skills-based widens from level 3 to any level after 60 seconds', () => {
  const policies = { default: policy({ widening: levelThenAny }) };
  const agents = [agent('junior', { skills: [{ name: 'fiber', level: 1 }] })];
  const queue = [waiting('c1', { skills: [{ name: 'fiber', minLevel: 3 }] })];
  const early = route(state(agents, queue, policies), T0 + 59_999);
  assert.deepEqual(pairs(early), []);
  assert.equal(early.queue[0]!.position, 1);
  const later = route(state(agents, queue, policies), T0 + 60_000);
  assert.deepEqual(pairs(later), [['c1', 'junior']]);
  assert.equal(later.assignments[0]!.step, 1);
});

test('the result names when the next waiting case widens, so one timer can replace polling', () => {
  const policies = {
    default: policy({
      // …then, after 300 s, any language and team too.
      widening: [...levelThenAny, { afterSeconds: 300, minLevel: 1, language: false, team: false }],
    }),
    channels: { email: policy({ id: 'mail', mode: 'manual' }) },
  };
  const agents = [agent('junior', { skills: [{ name: 'fiber', level: 1 }], languages: ['en'] })];
  const queue = [
    waiting('fiber-es', { skills: [{ name: 'fiber', minLevel: 3 }], language: 'es', enqueuedAt: T0 - 20_000 }),
    waiting('fiber-en', { skills: [{ name: 'fiber', minLevel: 3 }], language: 'en', enqueuedAt: T0 }),
    waiting('mail', { channel: 'email', enqueuedAt: T0 - 50_000 }),
  ];
  // The earliest of fiber-es at 60 s (T0 + 40 s) and fiber-en at 60 s (T0 + 60 s); a manual case never widens.
  const first = route(state(agents, queue, policies), T0 + 1_000);
  assert.equal(first.nextWideningAt, T0 + 40_000);
  // At that time fiber-es widens to any level but still needs Spanish; fiber-en widens 20 s later and is taken.
  const second = route(state(agents, queue, policies), first.nextWideningAt!);
  assert.deepEqual(pairs(second), []);
  assert.equal(second.nextWideningAt, T0 + 60_000);
  const third = route(state(agents, queue, policies), second.nextWideningAt!);
  assert.deepEqual(pairs(third), [['fiber-en', 'junior']]);
  // Only fiber-es is left, and its last step starts at 300 s; after that there is nothing to wait for.
  assert.equal(third.nextWideningAt, T0 + 280_000);
  assert.equal(route(state(agents, queue, policies), T0 + 280_000).nextWideningAt, null);
});

test('language and team restrict eligibility; policies are chosen by team before channel', () => {
  const policies = {
    default: policy(),
    teams: { billing: policy({ id: 'billing', selection: 'round-robin' }) },
    channels: { webchat: policy({ id: 'chat' }) },
  };
  const agents = [agent('ana', { languages: ['es'], teams: ['billing'] }), agent('ben', { languages: ['en'] })];
  const queue = [waiting('es-bill', { language: 'es', team: 'billing', enqueuedAt: T0 }), waiting('en-bill', { language: 'en', team: 'billing', enqueuedAt: T0 + 1 })];
  const decisions = route(state(agents, queue, policies), T0 + 10);
  assert.deepEqual(decisions.assignments, [{ caseId: 'es-bill', agentId: 'ana', policyId: 'billing', reason: 'round-robin', step: 0 }]);
  assert.deepEqual(decisions.queue.map((q) => [q.caseId, q.policyId]), [['en-bill', 'billing']]);
});

test('urgent goes before older normal cases; equal priority goes oldest first', () => {
  const queue = [waiting('old', { enqueuedAt: T0 - 10_000 }), waiting('urgent', { priority: 'urgent', enqueuedAt: T0 }), waiting('older', { enqueuedAt: T0 - 20_000 })];
  const decisions = route(state([agent('ana', { capacity: { webchat: 2 } })], queue), T0);
  assert.deepEqual(pairs(decisions), [['urgent', 'ana'], ['older', 'ana']]);
  assert.deepEqual(decisions.queue.map((q) => [q.caseId, q.position]), [['old', 1]]);
});

test('the wait estimate is a handle time per round of the online slots', () => {
  const agents = [agent('ana', { capacity: { webchat: 1 }, load: { webchat: 1 } }), agent('ben', { capacity: { webchat: 1 }, load: { webchat: 1 } })];
  const queue = ['c1', 'c2', 'c3'].map((id, i) => waiting(id, { enqueuedAt: T0 + i }));
  const decisions = route({ ...state(agents, queue), handleSeconds: { webchat: 120 } }, T0 + 10);
  assert.deepEqual(decisions.queue.map((q) => q.estimatedWaitSeconds), [120, 120, 240]);
  // With nobody online there is no estimate.
  const nobody = route(state([agent('ana', { presence: 'offline' })], queue), T0 + 10);
  assert.deepEqual(nobody.queue.map((q) => q.estimatedWaitSeconds), [null, null, null]);
});

test('an agent going offline hands chats back to the queue and keeps emails, per policy', () => {
  const policies = { default: policy(), channels: { email: policy({ id: 'mail', onAgentOffline: 'keep' }) } };
  const agents = [agent('ana', { load: { webchat: 2, email: 1 } }), agent('ben', { load: { webchat: 2 } })];
  const open = [
    waiting('chat1', { enqueuedAt: T0 - 50_000, lastAgentId: 'ana' }),
    waiting('chat2', { enqueuedAt: T0 - 40_000, lastAgentId: 'ana' }),
    waiting('mail1', { channel: 'email', enqueuedAt: T0 - 30_000 }),
  ];
  const decisions = agentWentOffline(state(agents, [waiting('new', { enqueuedAt: T0 })], policies), 'ana', open, T0 + 1_000);
  assert.deepEqual(decisions.released, ['chat1', 'chat2']);
  assert.deepEqual(decisions.kept, ['mail1']);
  // Ben has one chat slot: the released chat that waited longest takes it, not the new one.
  assert.deepEqual(pairs(decisions), [['chat1', 'ben']]);
  assert.deepEqual(decisions.queue.map((q) => [q.caseId, q.position]), [['chat2', 1], ['new', 2]]);
});
