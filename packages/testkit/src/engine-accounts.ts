import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCaseEngine, tokenRefusal, type CaseEngine, type Store } from '@casekit/core';
import { customerDisplayName, type CaseEvent } from '@casekit/protocol';
import { Agent as AgentSchema } from '@casekit/protocol/schemas';
import { createManualClock, seedEngineWorkspace } from './engine-contract.ts';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';

const HOUR = 3_600_000;

/**
 * Agents' accounts through the engine (an admin's edits, deactivation, password changes and
 * sign-outs), and finding cases by their customer: run for every store.
 */
export function describeAccountsAndCustomerSearch(makeStore: () => Promise<Store>): void {
  describe('agent accounts', () => {
    let store: Store;
    let engine: CaseEngine;
    let clock: ReturnType<typeof createManualClock>;
    let published: CaseEvent[];
    const { system, ann, sup, admin } = ENGINE_ACTORS;
    const record = async (id: string) => (await store.getAgent(WS, id))!;

    beforeEach(async () => {
      store = await makeStore();
      clock = createManualClock();
      published = [];
      engine = createCaseEngine({ store, clock, publisher: { publish: (events) => void published.push(...events) } });
      await seedEngineWorkspace(store);
      await engine.createAgent(system, { id: 'ag_admin', email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: 'hash-0' });
      published = [];
    });
    afterEach(async () => store?.close());

    it('lets an admin change name, role, teams, skills and languages, and tells every agent', async () => {
      const agent = await engine.updateAgent(admin, 'ag_ann', { name: 'Ann Lee', role: 'supervisor', teams: ['billing', 'billing'], skills: [{ name: 'fiber', level: 4 }], languages: ['en', 'es'] });
      AgentSchema.parse(agent);
      assert.deepEqual([agent.name, agent.role, agent.teams, agent.skills, agent.languages], ['Ann Lee', 'supervisor', ['billing'], [{ name: 'fiber', level: 4 }], ['en', 'es']]);
      assert.equal((await record('ag_ann')).role, 'supervisor');
      assert.deepEqual(published.map((e) => e.type), ['agent.updated']);
      assert.equal(published[0]!.actorId, 'ag_admin');
      published = [];
      await engine.updateAgent(admin, 'ag_ann', { name: 'Ann Lee' });
      assert.deepEqual(published, [], 'a change that changes nothing logs nothing');
      await assert.rejects(engine.updateAgent(sup, 'ag_ann', { name: 'x' }), { code: 'forbidden' });
      await assert.rejects(engine.updateAgent(admin, 'ag_nobody', { name: 'x' }), { code: 'not_found' });
    });

    it('keeps an active admin: the only one cannot be demoted or deactivated, by themselves or anyone', async () => {
      await assert.rejects(engine.updateAgent(admin, 'ag_admin', { role: 'agent' }), { code: 'conflict', message: /only active admin/ });
      await assert.rejects(engine.deactivateAgent(system, 'ag_admin'), { code: 'conflict', message: /only active admin/ });
      await assert.rejects(engine.deactivateAgent(admin, 'ag_admin'), { code: 'conflict', message: /your own account/ });
      await engine.updateAgent(admin, 'ag_sup', { role: 'admin' });
      assert.equal((await engine.updateAgent(admin, 'ag_admin', { role: 'agent' })).role, 'agent', 'with a second admin the first may step down');
    });

    it('deactivates: no token works, offline, cases stay assigned but no new ones; reactivation needs a new sign-in', async () => {
      const kase = (await engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: 'anon:1' }, text: 'hello' })).case;
      const assigned = await engine.updateCase(sup, kase.id, { version: kase.version, assigneeId: 'ag_ann' });
      const before = await record('ag_ann');
      assert.equal(tokenRefusal(before, { id: 't1', generation: 0 }), null);
      published = [];
      const off = await engine.deactivateAgent(admin, 'ag_ann');
      assert.deepEqual([off.active, off.presence], [false, 'offline']);
      assert.deepEqual(published.map((e) => e.type), ['agent.updated', 'agent.presence']);
      const after = await record('ag_ann');
      assert.equal(tokenRefusal(after, { id: 't1', generation: 0 })?.code, 'agent_deactivated');
      assert.equal((await store.getCase(WS, kase.id))!.assigneeId, 'ag_ann', 'their cases stay as they were');
      const other = (await engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: 'anon:2' }, text: 'hi' })).case;
      await assert.rejects(engine.updateCase(sup, other.id, { version: other.version, assigneeId: 'ag_ann' }), { code: 'validation_failed', message: /deactivated/ });
      await engine.updateCase(sup, kase.id, { version: assigned.version, priority: 'high' });

      const on = await engine.reactivateAgent(admin, 'ag_ann');
      assert.equal(on.active, true);
      const back = await record('ag_ann');
      assert.equal(tokenRefusal(back, { id: 't1', generation: 0 })?.code, 'unauthorized', 'a token from before stays refused');
      assert.equal(tokenRefusal(back, { id: 't2', generation: back.tokenGeneration ?? 0 }), null);
      await assert.rejects(engine.deactivateAgent(sup, 'ag_ann'), { code: 'forbidden' });
    });

    it('changes a password: the agent their own, an admin anyone’s; every earlier token is refused', async () => {
      const changed = await engine.setAgentPassword(ann, 'ag_ann', 'hash-1');
      assert.equal(changed.passwordHash, 'hash-1');
      assert.equal((await record('ag_ann')).passwordHash, 'hash-1');
      assert.equal(tokenRefusal(await record('ag_ann'), { id: 't1', generation: 0 })?.code, 'unauthorized');
      assert.equal(tokenRefusal(await record('ag_ann'), { id: 't2', generation: changed.tokenGeneration! }), null);
      assert.equal(published.at(-1)?.type, 'agent.updated');
      assert.equal(JSON.stringify(published).includes('hash-1'), false, 'no event carries the hash');
      await assert.rejects(engine.setAgentPassword(ann, 'ag_sup', 'hash-2'), { code: 'forbidden' });
      const reset = await engine.setAgentPassword(admin, 'ag_sup', 'hash-3');
      assert.equal((await record('ag_sup')).passwordHash, 'hash-3');
      assert.equal(reset.tokenGeneration, 1);
    });

    it('tells a presence an agent chose from one the system set, logging only changes of presence', async () => {
      await engine.setPresence(ann, 'ag_ann', 'offline');
      assert.equal((await record('ag_ann')).presenceChosen, true);
      published.length = 0;
      await engine.setPresence(system, 'ag_ann', 'offline');
      assert.equal((await record('ag_ann')).presenceChosen, false);
      assert.equal(published.length, 0, 'nobody else needs to know who set it');
      await engine.setPresence(system, 'ag_ann', 'online');
      assert.deepEqual(published.map((e) => e.type), ['agent.presence']);
      assert.equal('presenceChosen' in (await engine.setPresence(sup, 'ag_ann', 'away')), false, 'never on the wire');
    });

    it('signs one token out until it expires, and the agent goes offline', async () => {
      await engine.revokeToken(ann, 'ag_ann', { id: 'tok-a', expiresAt: new Date(clock.now().getTime() + HOUR).toISOString() });
      let ann1 = await record('ag_ann');
      assert.equal(ann1.presence, 'offline');
      assert.equal(tokenRefusal(ann1, { id: 'tok-a', generation: 0 })?.code, 'unauthorized');
      assert.equal(tokenRefusal(ann1, { id: 'tok-b', generation: 0 }), null, 'their other tokens still work');
      clock.advance(2 * HOUR);
      await engine.revokeToken(ann, 'ag_ann', { id: 'tok-b', expiresAt: new Date(clock.now().getTime() + HOUR).toISOString() });
      ann1 = await record('ag_ann');
      assert.deepEqual(ann1.revokedTokens?.map((r) => r.id), ['tok-b'], 'expired ones are forgotten');
      assert.equal(JSON.stringify(await store.listAgents(WS)).includes('"active":true'), true);
      await assert.rejects(engine.revokeToken(sup, 'ag_ann', { id: 'x', expiresAt: clock.now().toISOString() }), { code: 'forbidden' });
    });
  });

  describe('case search by customer', () => {
    let store: Store;
    let engine: CaseEngine;
    const { system, sup } = ENGINE_ACTORS;
    const numbers = async (q: string, extra: object = {}) =>
      (await store.listCases(WS, { q, limit: 50, ...extra })).items.map((c) => c.number).sort((a, b) => a - b);

    beforeEach(async () => {
      store = await makeStore();
      engine = createCaseEngine({ store, clock: createManualClock() });
      await seedEngineWorkspace(store);
    });
    afterEach(async () => store?.close());

    it('finds a case by any part of its customer’s name, email or phone, with the other filters, and keeps up with edits and merges', async () => {
      const dana = await engine.ingest({ workspaceId: WS, channelId: 'mail', from: { externalId: 'dana.reyes@example.com', email: 'dana.reyes@example.com', name: 'Dana Reyes' }, text: 'Router blinking', subject: 'Router' });
      const sms = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550123', phone: '+14155550123' }, text: 'Bill too high' });
      const muller = await engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: 'anon:mu', name: 'Jürgen Müller' }, text: 'Hallo' });
      assert.deepEqual([dana.case.number, sms.case.number, muller.case.number], [1, 2, 3]);
      assert.deepEqual(await numbers('Dana'), [1]);
      assert.deepEqual(await numbers('reyes@exam'), [1], 'a part of an email');
      assert.deepEqual(await numbers('5550123'), [2], 'a part of a phone number');
      assert.deepEqual(await numbers('+14155550123'), [2]);
      assert.deepEqual(await numbers('muller'), [3], 'diacritics ignored');
      assert.deepEqual(await numbers('router'), [1], 'the subject still finds it');
      assert.deepEqual(await numbers('#2'), [2], 'and the number');
      assert.deepEqual(await numbers('dana', { status: ['solved'] }), [], 'other filters still apply');
      assert.deepEqual(await numbers('dana', { status: ['new'], channel: ['email'] }), [1]);
      assert.deepEqual(await numbers('da'), [], 'two letters are too few to look for a customer');

      await engine.updateCustomer(sup, sms.customer.id, { name: 'Priya Natarajan' });
      assert.deepEqual(await numbers('natarajan'), [2], 'a renamed customer is found by the new name');
      await engine.mergeCustomers(sup, dana.customer.id, muller.customer.id);
      assert.deepEqual(await numbers('dana reyes'), [1, 3], 'a merged profile’s cases are found by the surviving one');
      assert.deepEqual(await numbers('jürgen'), [], 'the merged-away name is gone with its profile');
      assert.deepEqual(await numbers('hallo'), [3], 'the case’s own words still find it');
      const page = await store.listCases(WS, { q: 'dana reyes', limit: 1 });
      const next = await store.listCases(WS, { q: 'dana reyes', limit: 1, cursor: page.nextCursor! });
      assert.deepEqual([...page.items, ...next.items].map((c) => c.number).sort(), [1, 3], 'and pages without repeats');
      assert.equal(next.nextCursor, null);
    });

    it('names an anonymous visitor readably, the same way every time', async () => {
      const visitor = await engine.identifyVisitor(system, { channel: { id: 'web', medium: 'webchat' }, externalId: 'anon:3YjyFTMKu1NYQeXQ', name: 'Website visitor' });
      assert.equal(customerDisplayName(visitor), 'Visitor 3YJY');
      const named = await engine.updateCustomer(sup, visitor.id, { name: 'Dana' });
      assert.equal(customerDisplayName(named), 'Dana');
    });
  });
}
