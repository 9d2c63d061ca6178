import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCaseEngine, IDEMPOTENCY_KEY_TTL_MS, type CaseEngine, type CustomerActor, type Store } from '@casekit/core';
import { CasekitError, type CaseEvent } from '@casekit/protocol';
import { CaseEvent as CaseEventSchema } from '@casekit/protocol/schemas';
import { createManualClock, seedEngineWorkspace } from './engine-contract.ts';
import { runVisibilityProperty } from './visibility-property.ts';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';


/** Rejects with a CasekitError of `code`. */
async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CasekitError, `expected a CasekitError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/**
 * The engine's guarantees beyond threading: it is the only writer (every change is an event at
 * its clock), its rules hold whoever calls (roles, merges, idempotency), and no sequence of
 * merges, replies and retries shows one customer another's message.
 */
export function describeEngineGuarantees(makeStore: () => Promise<Store>): void {
  describe('engine guarantees', () => {
    let store: Store;
    let engine: CaseEngine;
    let clock: ReturnType<typeof createManualClock>;
    let published: CaseEvent[];
    const { system, ann, sup, admin } = ENGINE_ACTORS;
    const fromWeb = (text: string, externalId: string, extra: object = {}) =>
      engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId, name: externalId }, text, ...extra });

    beforeEach(async () => {
      store = await makeStore();
      clock = createManualClock();
      published = [];
      engine = createCaseEngine({ store, clock, publisher: { publish: (events) => void published.push(...events) } });
      await seedEngineWorkspace(store);
      // The admin these tests act as exists, as the engine checks the acting agent as stored.
      await engine.createAgent({ workspaceId: WS, system: 'test' }, { id: 'ag_admin', email: 'ag_admin@example.com', name: 'Ada', role: 'admin', passwordHash: null });
    });
    afterEach(async () => store?.close());

    describe('merges', () => {
      it('refuses to merge cases of two customers unless asked to merge the customers, and changes nothing', async () => {
        const x = await fromWeb('I am X', 'anon:x');
        const y = await fromWeb('I am Y', 'anon:y');
        const seq = await store.lastSeq(WS);
        await rejectsWith(engine.mergeCases(ann, x.case.id, y.case.id), 'conflict', /different customers/);
        await rejectsWith(engine.mergeCases(sup, x.case.id, y.case.id), 'conflict', /mergeCustomers/);
        assert.equal(await store.lastSeq(WS), seq);
        assert.equal((await store.getCase(WS, x.case.id))!.status, 'new');
        assert.equal((await store.getCustomer(WS, x.customer.id))!.id, x.customer.id);
      });

      it('lets only a supervisor merge the customers of two cases, and then every conversation is with the surviving customer', async () => {
        const x = await fromWeb('I am X', 'anon:x');
        const y = await fromWeb('I am Y', 'anon:y');
        await rejectsWith(engine.mergeCases(ann, x.case.id, y.case.id, { mergeCustomers: true }), 'forbidden', /supervisor/);
        const merged = await engine.mergeCases(sup, x.case.id, y.case.id, { mergeCustomers: true });
        assert.equal(merged.customerId, y.customer.id);
        for (const conversation of await store.listConversations(WS, merged.id)) {
          assert.equal((await store.getCustomer(WS, conversation.customerId))!.id, merged.customerId);
        }
        const reply = await engine.reply(ann, { caseId: merged.id, text: 'to both threads' });
        assert.equal(reply.customerId, merged.customerId);
        assert.equal((await store.getCustomer(WS, x.customer.id))!.id, y.customer.id, 'the old profile resolves to the survivor');
      });

      it('never merges a case into itself or a closed case', async () => {
        const x = await fromWeb('one', 'anon:x');
        await rejectsWith(engine.mergeCases(ann, x.case.id, x.case.id), 'bad_request');
        const other = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550100', phone: '+14155550100' }, text: 'x' });
        await engine.mergeCustomers(sup, x.customer.id, other.customer.id);
        const closed = await engine.updateCase(ann, x.case.id, { version: (await store.getCase(WS, x.case.id))!.version, status: 'closed' });
        await rejectsWith(engine.mergeCases(ann, other.case.id, closed.id), 'invalid_transition');
      });

      it('keeps a visitor\'s client message ids after their profile is merged: a retry stores nothing new', async () => {
        const x = await fromWeb('first', 'anon:x', { clientMessageId: 'cm-1' });
        const y = await fromWeb('other', 'anon:y');
        await engine.mergeCustomers(sup, y.customer.id, x.customer.id);
        const seq = await store.lastSeq(WS);
        // The visitor's token still names the merged-away profile.
        const retry = await engine.ingest({ workspaceId: WS, channelId: 'web', customerId: x.customer.id, clientMessageId: 'cm-1', from: { externalId: 'anon:x' }, text: 'first' });
        assert.equal(retry.duplicate, true);
        assert.equal(retry.message.id, x.message.id);
        assert.equal(await store.lastSeq(WS), seq);
      });
    });

    describe('roles and actors', () => {
      it('lets only an admin create agents and channels or change settings, and only a supervisor merge customers', async () => {
        const input = { email: 'new@example.com', name: 'New', role: 'agent' as const, passwordHash: null };
        await rejectsWith(engine.createAgent(ann, input), 'forbidden', /admin/);
        await rejectsWith(engine.createAgent(sup, input), 'forbidden');
        await rejectsWith(engine.createChannel(ann, { kind: 'twilio-sms', medium: 'sms', name: 'SMS 2' }), 'forbidden');
        await rejectsWith(engine.updateSettings(sup, { displayName: 'Nope' }), 'forbidden');
        const a = await fromWeb('a', 'anon:a');
        const b = await fromWeb('b', 'anon:b');
        await rejectsWith(engine.mergeCustomers(ann, a.customer.id, b.customer.id), 'forbidden');
        assert.equal((await engine.createAgent(admin, input)).email, 'new@example.com');
        assert.equal((await engine.updateSettings(admin, { displayName: 'Yes' })).displayName, 'Yes');
      });

      it('lets an agent set only their own presence, a supervisor anyone\'s', async () => {
        await rejectsWith(engine.setPresence(ann, 'ag_sup', 'away'), 'forbidden');
        assert.equal((await engine.setPresence(ann, 'ag_ann', 'away')).presence, 'away');
        assert.equal((await engine.setPresence(sup, 'ag_ann', 'offline')).presence, 'offline');
      });

      it('lets a visitor change only their own profile, with their facts under visitor. and a typed email as contactEmail', async () => {
        const x = await fromWeb('hi', 'anon:x');
        const y = await fromWeb('hi', 'anon:y');
        const visitor: CustomerActor = { workspaceId: WS, customerId: x.customer.id };
        await rejectsWith(engine.updateCustomer(visitor, y.customer.id, { name: 'Mallory' }), 'not_found');
        await rejectsWith(engine.updateCustomer(visitor, x.customer.id, { emails: ['ceo@example.com'] }), 'forbidden');
        const updated = await engine.updateCustomer(visitor, x.customer.id, { name: 'Xena', attributes: { plan: 'gold' }, contactEmail: 'X@Example.com' });
        assert.equal(updated.name, 'Xena');
        assert.deepEqual(updated.attributes, { 'visitor.plan': 'gold', contactEmail: 'x@example.com' });
        assert.deepEqual(updated.emails, [], 'a typed email never becomes a matching key');
        assert.equal((await store.getCustomer(WS, y.customer.id))!.name, 'anon:y');
      });

      it('patches attributes key by key, removes a key set to null, and refuses more than 100', async () => {
        const x = await fromWeb('hi', 'anon:x');
        await engine.updateCustomer(ann, x.customer.id, { attributes: { plan: 'gold', vip: true } });
        const patched = await engine.updateCustomer(ann, x.customer.id, { attributes: { vip: null, city: 'Lyon' } });
        assert.deepEqual(patched.attributes, { plan: 'gold', city: 'Lyon' });
        const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
        const seq = await store.lastSeq(WS);
        await rejectsWith(engine.updateCustomer(ann, x.customer.id, { attributes: many }), 'validation_failed');
        assert.equal(await store.lastSeq(WS), seq);
      });
    });

    describe('the event log', () => {
      it('logs every kind of change at the engine\'s clock, each a valid event, and publishes each once after its commit', async () => {
        clock.set(Date.parse('2026-05-01T10:00:00.000Z'));
        const before = await store.lastSeq(WS);
        published.length = 0;
        const x = await fromWeb('hello', 'anon:x');
        await engine.markCaseRead(ann, x.case.id);
        await engine.updateCustomer(ann, x.customer.id, { name: 'Xavier' });
        await engine.updateSettings(admin, { displayName: 'Help desk' });
        await engine.createChannel(admin, { kind: 'email', medium: 'email', name: 'Billing mail' });
        await engine.createAgent(admin, { email: 'eve@example.com', name: 'Eve', role: 'agent', passwordHash: null });
        await engine.setPresence(ann, 'ag_ann', 'away');
        const events = await store.listEvents(WS, { after: before, limit: 100 });
        assert.deepEqual(
          new Set(events.map((e) => e.type)),
          new Set(['customer.created', 'case.created', 'message.created', 'case.read', 'customer.updated', 'settings.updated', 'channel.created', 'agent.created', 'agent.presence']),
        );
        for (const event of events) {
          CaseEventSchema.parse(event);
          assert.equal(event.at, '2026-05-01T10:00:00.000Z', `${event.type} at the engine's clock`);
        }
        assert.deepEqual(published.map((e) => e.seq), events.map((e) => e.seq));
        const channel = events.find((e) => e.type === 'channel.created');
        assert.ok(channel && !('secret' in channel.data.channel), 'a channel event never carries its secret');
        const agent = events.find((e) => e.type === 'agent.created');
        assert.ok(agent && !('passwordHash' in agent.data.agent), 'an agent event never carries a password hash');
      });

      it('writes nothing and logs nothing for a change that changes nothing', async () => {
        const x = await fromWeb('hello', 'anon:x');
        await engine.updateCustomer(ann, x.customer.id, { name: 'Same' });
        const seq = await store.lastSeq(WS);
        await engine.updateCustomer(ann, x.customer.id, { name: 'Same' });
        await engine.updateSettings(admin, {});
        await engine.setPresence(ann, 'ag_ann', 'online');
        assert.equal(await store.lastSeq(WS), seq);
      });
    });

    describe('idempotency keys', () => {
      const key = (requestHash: string, onReplay?: () => void) => ({ scope: 'agent:ag_admin', key: 'k-1', requestHash, status: 201, ...(onReplay && { onReplay }) });

      it('answers a repeated key with the first answer, writes nothing the second time, and refuses it for another request', async () => {
        const input = { email: 'eve@example.com', name: 'Eve', role: 'agent' as const, passwordHash: null };
        const first = await engine.createAgent(admin, input, { idempotency: key('h1') });
        const seq = await store.lastSeq(WS);
        let replayed = false;
        const again = await engine.createAgent(admin, input, { idempotency: key('h1', () => (replayed = true)) });
        assert.deepEqual(again, first);
        assert.equal(replayed, true);
        assert.equal(await store.lastSeq(WS), seq);
        await rejectsWith(engine.createAgent(admin, { ...input, email: 'other@example.com' }, { idempotency: key('h2') }), 'conflict', /different request/);
        assert.equal(await store.getAgentByEmail(WS, 'other@example.com'), null);
      });

      it('replays a key for a day (IDEMPOTENCY_KEY_TTL_MS) by the engine\'s clock, then runs it as new', async () => {
        const x = await fromWeb('hello', 'anon:ttl');
        const first = await engine.reply(ann, { caseId: x.case.id, text: 'on its way' }, { idempotency: key('h1') });
        clock.advance(IDEMPOTENCY_KEY_TTL_MS - 1000);
        assert.equal((await engine.reply(ann, { caseId: x.case.id, text: 'on its way' }, { idempotency: key('h1') })).id, first.id, 'replayed within the day');
        clock.advance(1000);
        const later = await engine.reply(ann, { caseId: x.case.id, text: 'on its way' }, { idempotency: key('h1') });
        assert.notEqual(later.id, first.id, 'a day on, the key is new again');
        assert.equal((await engine.reply(ann, { caseId: x.case.id, text: 'on its way' }, { idempotency: key('h1') })).id, later.id, 'and replays its new answer');
      });

      it('keeps no answer for a call that failed, so a corrected retry with the same key goes through', async () => {
        const x = await fromWeb('hello', 'anon:x');
        await rejectsWith(engine.reply(ann, { caseId: 'c_missing', text: 'x' }, { idempotency: key('h1') }), 'not_found');
        const reply = await engine.reply(ann, { caseId: x.case.id, text: 'x' }, { idempotency: key('h1') });
        assert.equal(reply.caseId, x.case.id);
      });
    });

    describe('threading across customers', () => {
      it('never threads a message into another customer\'s conversation by a shared thread key', async () => {
        const mail = (from: string, text: string) =>
          engine.ingest({ workspaceId: WS, channelId: 'mail', from: { externalId: from, email: from }, threadKey: '<root@example.com>', text });
        const a = await mail('alice@example.com', 'from Alice');
        const b = await mail('mallory@example.com', 'from Mallory, in reply to all');
        assert.notEqual(b.case.id, a.case.id);
        assert.notEqual(b.message.conversationId, a.message.conversationId);
        const alice = await store.listMessages(WS, { customerId: a.customer.id, publicOnly: true, limit: 50 });
        assert.deepEqual(alice.items.map((m) => m.text), ['from Alice']);
      });
    });

    runVisibilityProperty(() => ({ store, engine, published }));
  });
}
