import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCaseEngine, createRouter, MAX_CASES_PER_TRANSACTION, type CaseEngine, type Router, type Store } from '@casekit/core';
import type { Agent, Case, CaseEvent, RoutingSettingsInput } from '@casekit/protocol';
import { createManualClock, seedEngineWorkspace } from './engine-contract.ts';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';

const SECOND = 1000;

const policy = (overrides: object = {}) => ({
  id: 'default',
  mode: 'auto' as const,
  selection: 'least-loaded' as const,
  sticky: true,
  widening: [
    { afterSeconds: 0, minLevel: 'case' as const, language: false, team: true },
    { afterSeconds: 60, minLevel: 1, language: false, team: true },
  ],
  onAgentOffline: 'reassign' as const,
  ...overrides,
});

/**
 * Routing through the engine: rules on new cases, passes that give waiting cases to agents with
 * room, releases when an agent goes offline, the customer's place in line: run for every store.
 */
export function describeEngineRouting(makeStore: () => Promise<Store>): void {
  describe('routing through the engine', () => {
    let store: Store;
    let engine: CaseEngine;
    let clock: ReturnType<typeof createManualClock>;
    let published: CaseEvent[];
    const { system, ann, sup } = ENGINE_ACTORS;
    const route = () => engine.routeWaitingCases({ workspaceId: WS, system: 'routing' });
    const fromWeb = (text: string, externalId: string) => engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId, name: externalId }, text });
    const addAgent = async (id: string, fields: Partial<Agent>) => {
      await engine.createAgent(system, { id, email: `${id}@example.com`, name: id, role: 'agent', passwordHash: null, capacity: { webchat: 2 }, ...fields });
      await engine.setPresence(system, id, fields.presence ?? 'online');
    };
    const routing = (settings: Partial<RoutingSettingsInput>) =>
      engine.updateSettings(system, { routing: { policies: { default: policy() }, rules: [], ...settings } as never });
    const assignee = async (caseId: string) => (await store.getCase(WS, caseId))!.assigneeId;

    beforeEach(async () => {
      store = await makeStore();
      clock = createManualClock();
      published = [];
      engine = createCaseEngine({ store, clock, publisher: { publish: (events) => void published.push(...events) } });
      await seedEngineWorkspace(store);
      // The seeded agents take no cases automatically (no capacity): these tests add their own.
    });
    afterEach(async () => store?.close());

    it('sets priority, team, skills, tags and language on a new case from the rules', async () => {
      await routing({
        rules: [
          { name: 'billing', when: { kind: 'keywords', any: ['invoice', 'refund'] }, set: { team: 'billing', skills: [{ name: 'billing', minLevel: 3 }], tags: ['billing'] } },
          { name: 'vip', when: { kind: 'attribute', name: 'vip', equals: true }, set: { priority: 'urgent', tags: ['vip'] } },
        ],
      });
      const customer = await engine.createCustomer(system, { name: 'Vera', attributes: { vip: true, language: 'ES' } });
      const kase = (await engine.ingest({ workspaceId: WS, channelId: 'web', customerId: customer.id, from: { externalId: 'vera' }, text: 'Where is my Invoice?' })).case;
      assert.deepEqual(
        { priority: kase.priority, team: kase.team, skills: kase.skills, tags: kase.tags, language: kase.language, queuedAt: kase.queuedAt },
        { priority: 'urgent', team: 'billing', skills: [{ name: 'billing', minLevel: 3 }], tags: ['billing', 'vip'], language: 'es', queuedAt: clock.now().toISOString() },
      );
      const plain = (await fromWeb('hello there', 'anon:2')).case;
      assert.deepEqual([plain.priority, plain.team, plain.tags], ['normal', null, []]);
    });

    it('gives waiting cases to online agents with room, never over capacity, and tells why', async () => {
      await addAgent('ag_a', {});
      await addAgent('ag_b', { presence: 'away' });
      const cases: Case[] = [];
      for (let i = 0; i < 3; i++) {
        cases.push((await fromWeb(`help ${i}`, `anon:${i}`)).case);
        clock.advance(SECOND);
      }
      published = [];
      const pass = await route();
      assert.deepEqual(pass.assignments.map((a) => [a.caseId, a.agentId]), [[cases[0]!.id, 'ag_a'], [cases[1]!.id, 'ag_a']]);
      assert.equal(pass.waiting, 1);
      assert.equal(await assignee(cases[2]!.id), null, 'capacity 2 holds: the third waits, and the away agent gets none');
      const event = published.find((e) => e.type === 'case.updated' && e.caseId === cases[0]!.id);
      assert.ok(event?.type === 'case.updated');
      assert.deepEqual(event.data.changes, { assigneeId: [null, 'ag_a'] });
      assert.deepEqual(event.data.routing, { policyId: 'default', reason: 'least-loaded', step: 0 });
      assert.equal(event.actorId, null);
      assert.deepEqual(await engine.placeInQueue(WS, cases[2]!.id), { caseId: cases[2]!.id, policyId: 'default', position: 1, estimatedWaitSeconds: 300 });
      assert.equal(await engine.placeInQueue(WS, cases[0]!.id), null, 'an assigned case is not in line');
      assert.equal((await route()).assignments.length, 0, 'a second pass with nothing new changes nothing');

      // Solving one frees a slot: the next pass gives the waiting case out.
      const held = (await store.getCase(WS, cases[0]!.id))!;
      await engine.updateCase(ann, held.id, { version: held.version, status: 'solved' });
      assert.deepEqual((await route()).assignments.map((a) => a.caseId), [cases[2]!.id]);
    });

    it('takes the highest priority first, then the longest waiting', async () => {
      await routing({ rules: [{ name: 'urgent', when: { kind: 'keywords', any: ['outage'] }, set: { priority: 'urgent' } }] });
      const first = (await fromWeb('question', 'anon:1')).case;
      clock.advance(SECOND);
      const second = (await fromWeb('another question', 'anon:2')).case;
      clock.advance(SECOND);
      const urgent = (await fromWeb('total outage here', 'anon:3')).case;
      assert.deepEqual(
        await Promise.all([urgent, first, second].map(async (c) => (await engine.placeInQueue(WS, c.id))?.position)),
        [1, 2, 3],
        'the customer sees the urgent case ahead of older ones while nobody is online',
      );
      await addAgent('ag_a', { capacity: { webchat: 2 } });
      assert.deepEqual((await route()).assignments.map((a) => a.caseId), [urgent.id, first.id]);
    });

    it('hands cases out in turn under round-robin, pass after pass', async () => {
      await routing({ policies: { default: policy({ selection: 'round-robin', sticky: false }) } });
      await addAgent('ag_a', { capacity: { webchat: 5 } });
      await addAgent('ag_b', { capacity: { webchat: 5 } });
      const given: string[] = [];
      for (let i = 0; i < 4; i++) {
        await fromWeb(`help ${i}`, `anon:${i}`);
        clock.advance(SECOND);
        given.push(...(await route()).assignments.map((a) => a.agentId));
      }
      assert.deepEqual(given, ['ag_a', 'ag_b', 'ag_a', 'ag_b']);
    });

    it('offers a returning customer their last agent first (sticky)', async () => {
      await addAgent('ag_a', {});
      await addAgent('ag_b', {});
      const first = (await fromWeb('hi', 'anon:1')).case;
      await route();
      const chosen = (await assignee(first.id))!;
      const held = (await store.getCase(WS, first.id))!;
      await engine.updateCase(ann, held.id, { version: held.version, status: 'solved' });
      const held2 = (await store.getCase(WS, first.id))!;
      await engine.updateCase(ann, held2.id, { version: held2.version, status: 'closed' });
      // The other agent is now less loaded (both 0) and idle longer; sticky still wins.
      const again = (await fromWeb('me again', 'anon:1')).case;
      assert.notEqual(again.id, first.id);
      assert.equal(again.previousAgentId, chosen);
      const [assignment] = (await route()).assignments;
      assert.deepEqual([assignment?.agentId, assignment?.reason], [chosen, 'sticky']);
    });

    it('widens skills after the policy timeout: level 3 first, any level after 60 s', async () => {
      await routing({ rules: [{ name: 'billing', when: { kind: 'keywords', any: ['invoice'] }, set: { skills: [{ name: 'billing', minLevel: 3 }] } }] });
      await addAgent('ag_junior', { skills: [{ name: 'billing', level: 1 }] });
      const kase = (await fromWeb('my invoice is wrong', 'anon:1')).case;
      const pass = await route();
      assert.equal(pass.assignments.length, 0, 'only level ≥ 3 for the first minute');
      assert.equal(pass.nextWideningAt, new Date(Date.parse(kase.queuedAt!) + 60_000).toISOString(), 'the router knows when to look again');
      clock.advance(61 * SECOND);
      const [assignment] = (await route()).assignments;
      assert.deepEqual([assignment?.caseId, assignment?.agentId, assignment?.step], [kase.id, 'ag_junior', 1]);
    });

    it('gives an offline agent’s cases back, keeping their place, and routes them to someone else', async () => {
      await addAgent('ag_a', {});
      const early = (await fromWeb('first', 'anon:1')).case;
      await route();
      assert.equal(await assignee(early.id), 'ag_a');
      clock.advance(10 * SECOND);
      await addAgent('ag_b', { capacity: { webchat: 1 } });
      const later = (await fromWeb('second', 'anon:2')).case;
      await route();
      assert.equal(await assignee(later.id), 'ag_b');
      // ag_b steps away (keeping its case); then ag_a leaves.
      await engine.setPresence(system, 'ag_b', 'away');
      clock.advance(SECOND);
      await engine.setPresence(system, 'ag_a', 'offline');
      const released = (await store.getCase(WS, early.id))!;
      assert.equal(released.assigneeId, null);
      assert.equal(released.queuedAt, early.queuedAt, 'it keeps the time it first queued');
      const event = published.findLast((e) => e.type === 'case.updated' && e.caseId === early.id);
      assert.ok(event?.type === 'case.updated');
      assert.equal(event.data.routing?.reason, 'agent-offline');
      await engine.setPresence(system, 'ag_b', 'online');
      const third = (await fromWeb('third', 'anon:3')).case;
      assert.deepEqual(
        (await route()).assignments.map((a) => a.caseId),
        [],
        'ag_b is full with its own case; nobody else is online',
      );
      assert.equal((await engine.placeInQueue(WS, early.id))?.position, 1, 'the released case is ahead of the newer one');
      assert.equal((await engine.placeInQueue(WS, third.id))?.position, 2);
    });

    it('gives out and gives back more cases than one transaction holds (MAX_CASES_PER_TRANSACTION), each once', async () => {
      const count = MAX_CASES_PER_TRANSACTION * 3 + 1;
      const cases = [];
      for (let i = 0; i < count; i++) cases.push((await fromWeb(`hi ${i}`, `anon:${i}`)).case);
      await addAgent('ag_a', { capacity: { webchat: count } });
      published = [];
      const pass = await route();
      assert.equal(pass.assignments.length, count);
      assert.equal(pass.waiting, 0);
      for (const kase of cases) assert.equal(await assignee(kase.id), 'ag_a');
      const given = published.filter((e) => e.type === 'case.updated' && e.data.changes.assigneeId);
      assert.deepEqual(given.map((e) => e.caseId).sort(), cases.map((c) => c.id).sort(), 'one assignment a case');
      published = [];
      await engine.setPresence(system, 'ag_a', 'offline');
      for (const kase of cases) assert.equal(await assignee(kase.id), null, 'every case back in the queue');
      const back = published.filter((e) => e.type === 'case.updated' && e.data.routing?.reason === 'agent-offline');
      assert.deepEqual(back.map((e) => e.caseId).sort(), cases.map((c) => c.id).sort(), 'each given back once');
      assert.equal((await store.getAgent(WS, 'ag_a'))!.presence, 'offline');
    });

    it('keeps an offline agent’s cases when the policy says keep', async () => {
      await routing({ policies: { default: policy({ onAgentOffline: 'keep' }) } });
      await addAgent('ag_a', {});
      const kase = (await fromWeb('hi', 'anon:1')).case;
      await route();
      await engine.setPresence(system, 'ag_a', 'offline');
      assert.equal(await assignee(kase.id), 'ag_a');
    });

    it('queues only under a manual policy', async () => {
      await routing({ policies: { default: policy({ mode: 'manual' }) } });
      await addAgent('ag_a', {});
      const kase = (await fromWeb('hi', 'anon:1')).case;
      assert.deepEqual((await route()).assignments, []);
      assert.deepEqual(await engine.placeInQueue(WS, kase.id), { caseId: kase.id, policyId: 'default', position: 1, estimatedWaitSeconds: null });
    });

    it('shows supervisors the live queue and every agent’s load', async () => {
      await addAgent('ag_a', { capacity: { webchat: 1 } });
      const held = (await fromWeb('one', 'anon:1')).case;
      await route();
      const waiting = (await fromWeb('two', 'anon:2')).case;
      const view = await engine.queue(sup);
      assert.deepEqual(view.cases.map((c) => [c.case.id, c.position, c.channel]), [[waiting.id, 1, 'webchat']]);
      assert.deepEqual(view.agents.find((a) => a.agentId === 'ag_a'), { agentId: 'ag_a', presence: 'online', load: { webchat: 1 }, capacity: { webchat: 1 } });
      assert.ok(held);
      await assert.rejects(engine.queue(ann), { code: 'forbidden' });
    });

    it('runs automations on the customer’s message in its transaction: team, tags, escalation, a canned reply and a note, once', async () => {
      await routing({
        automations: [
          {
            name: 'outage',
            on: 'case.created',
            when: { kind: 'keywords', any: ['outage', 'no internet'] },
            actions: [
              { kind: 'set_team', team: 'network' },
              { kind: 'add_tags', tags: ['outage'] },
              { kind: 'escalate' },
              { kind: 'reply', text: 'We know about an outage in your area and are on it.' },
              { kind: 'note', text: 'Check the outage map before answering.' },
            ],
          },
          { name: 'chaser', on: 'message.received', actions: [{ kind: 'escalate', priority: 'urgent' }] },
          { name: 'never', on: 'case.created', when: { kind: 'channel', in: ['email'] }, actions: [{ kind: 'add_tags', tags: ['email'] }] },
        ],
      });
      published = [];
      const input = { workspaceId: WS, channelId: 'sms', providerMessageId: 'SM1', from: { externalId: '+34600000001', phone: '+34600000001' }, text: 'Total outage since 9' };
      const result = await engine.ingest(input);
      assert.deepEqual([result.case.team, result.case.tags, result.case.priority, result.case.messageCount], ['network', ['outage'], 'high', 3]);
      const messages = (await store.listMessages(WS, { caseId: result.case.id, limit: 10 })).items;
      assert.deepEqual(
        messages.map((m) => [m.direction, m.authorKind, m.internal, m.status, m.text]),
        [
          ['inbound', 'customer', false, 'delivered', 'Total outage since 9'],
          ['outbound', 'system', false, 'queued', 'We know about an outage in your area and are on it.'],
          ['outbound', 'system', true, 'sent', 'Check the outage map before answering.'],
        ],
      );
      assert.equal(messages[1]!.authorName, 'Engine test', 'the workspace answers');
      const claimed = await store.claimOutbox(new Date(clock.now().getTime() + 1000), 60_000, 10);
      assert.deepEqual(claimed.map((item) => item.messageId), [messages[1]!.id], 'the SMS reply goes through the outbox, the note nowhere');
      assert.deepEqual(published.filter((e) => e.type === 'message.created').length, 3);

      assert.equal((await engine.ingest(input)).duplicate, true);
      assert.equal((await store.listMessages(WS, { caseId: result.case.id, limit: 10 })).items.length, 3, 'a provider retry runs nothing twice');

      const again = await engine.ingest({ ...input, providerMessageId: 'SM2', text: 'Still nothing!' });
      assert.deepEqual([again.case.priority, again.case.tags], ['urgent', ['outage']], 'the follow-up escalates; case.created automations do not run again');
    });

    describe('the router', () => {
      let router: Router;
      beforeEach(() => {
        router = createRouter({ engine: () => engine, clock, onError: (error) => assert.fail(String(error)) });
        engine = createCaseEngine({ store, clock, publisher: router });
        router.start([WS]);
      });
      afterEach(() => router.stop());

      it('routes when a case arrives, an agent comes online, or a slot frees', async () => {
        const first = (await fromWeb('hi', 'anon:1')).case;
        await router.idle();
        assert.equal(await assignee(first.id), null, 'nobody online yet');
        await addAgent('ag_a', { capacity: { webchat: 1 } });
        await router.idle();
        assert.equal(await assignee(first.id), 'ag_a', 'an agent coming online takes the waiting case');
        const second = (await fromWeb('hello', 'anon:2')).case;
        await router.idle();
        assert.equal(await assignee(second.id), null, 'full');
        const held = (await store.getCase(WS, first.id))!;
        await engine.updateCase(ann, held.id, { version: held.version, status: 'pending' });
        await router.idle();
        assert.equal(await assignee(second.id), 'ag_a', 'a pending case frees its slot');
      });

      it('runs a pass when a waiting case’s requirements widen, with no event to wake it', async () => {
        const widening = [
          { afterSeconds: 0, minLevel: 'case' as const, language: false, team: true },
          { afterSeconds: 0.3, minLevel: 1, language: false, team: true },
        ];
        await routing({
          policies: { default: policy({ widening }) },
          rules: [{ name: 'billing', when: { kind: 'keywords', any: ['invoice'] }, set: { skills: [{ name: 'billing', minLevel: 3 }] } }],
        });
        await addAgent('ag_junior', { skills: [{ name: 'billing', level: 1 }] });
        const kase = (await fromWeb('my invoice', 'anon:1')).case;
        await router.idle();
        assert.equal(await assignee(kase.id), null, 'level 3 only, at first');
        clock.advance(300);
        for (let i = 0; i < 100 && (await assignee(kase.id)) === null; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(await assignee(kase.id), 'ag_junior', 'the widening step came, and with it a pass');
      });

      it('runs one pass at a time across two nodes sharing a lock, and gives each case one agent', async () => {
        // A second node: its own engine and router on the same store, the lock shared (Redis's in a cluster).
        let held = 0;
        let most = 0;
        let queue: Promise<unknown> = Promise.resolve();
        const withLock = <T>(_key: string, fn: () => Promise<T>): Promise<T> => {
          const turn = queue.then(async () => {
            most = Math.max(most, ++held);
            try {
              return await fn();
            } finally {
              held--;
            }
          });
          queue = turn.catch(() => undefined);
          return turn;
        };
        await router.stop();
        const assigned: string[] = [];
        const heard = { publish: (events: readonly CaseEvent[]) => events.forEach((e) => e.type === 'case.updated' && e.data.changes.assigneeId && assigned.push(e.caseId!)) };
        const nodes = [0, 1].map(() => {
          const nodeRouter: Router = createRouter({ engine: () => nodeEngine, clock, withLock, onError: (error) => assert.fail(String(error)) });
          const nodeEngine: CaseEngine = createCaseEngine({ store, clock, publisher: { publish: (events) => (nodeRouter.publish(events), heard.publish(events)) } });
          return { engine: nodeEngine, router: nodeRouter };
        });
        for (const node of nodes) node.router.start([WS]);
        await addAgent('ag_a', { capacity: { webchat: 10 } });
        const cases = await Promise.all(Array.from({ length: 8 }, (_, i) => nodes[i % 2]!.engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: `anon:${i}`, name: `v${i}` }, text: 'hi' })));
        for (const node of nodes) node.router.kick(WS);
        await Promise.all(nodes.map((node) => node.router.idle()));
        await Promise.all(nodes.map((node) => node.router.stop()));
        assert.equal(most, 1, 'passes never overlapped');
        for (const { case: kase } of cases) assert.equal(await assignee(kase.id), 'ag_a');
        assert.deepEqual(assigned.filter((id) => cases.some((c) => c.case.id === id)).sort(), cases.map((c) => c.case.id).sort(), 'each case assigned once');
      });
    });
  });
}
