import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  createCaseEngine,
  createOutboxWorker,
  defaultBackoff,
  suggestMerges,
  DeliveryError,
  type AgentActor,
  type CaseEngine,
  type ChannelAdapter,
  type ChannelRecord,
  type ChannelRuntime,
  type CustomerSearch,
  type OutboundMessage,
  type OutboxWorkerOptions,
  type Store,
} from '@casekit/core';
import { describeEngineGuarantees } from './engine-guarantees.ts';
import { describeAccountsAndCustomerSearch } from './engine-accounts.ts';
import { describeEngineRouting } from './engine-routing.ts';
import { describeBotsAndHandoff } from './engine-handoff.ts';
import { describeEngineSla } from './engine-sla.ts';
import { describeEngineBilling } from './engine-billing.ts';
import { CHANNEL_CAPABILITIES, type CaseEvent, type ChannelCapabilityValues } from '@casekit/protocol';
import { Case as CaseSchema, CaseEvent as CaseEventSchema, Message as MessageSchema } from '@casekit/protocol/schemas';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');

/** A clock the test moves by hand. */
export function createManualClock(start = T0) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms), set: (ms: number) => void (now = ms) };
}

/** Seeds a workspace with a web-chat, an SMS and an email channel and two agents. */
export async function seedEngineWorkspace(store: Store, workspaceId = WS, createdAt = new Date(T0).toISOString()) {
  await store.transaction(async (tx) => {
    await tx.putWorkspace({ id: workspaceId, name: 'Engine test', createdAt, settings: { reopenWindowHours: 24, displayName: 'Engine test' } });
    for (const [id, kind, medium] of [['web', 'webchat', 'webchat'], ['sms', 'twilio-sms', 'sms'], ['mail', 'email', 'email']] as const) {
      await tx.insertChannel({ id, workspaceId, kind, medium, name: id, enabled: true, config: {}, secretNames: [], secrets: {}, createdAt, updatedAt: createdAt });
    }
    for (const [id, role] of [['ag_ann', 'agent'], ['ag_sup', 'supervisor']] as const) {
      await tx.insertAgent({
        id, workspaceId, kind: 'human', email: `${id}@example.com`, name: id, role, teams: [], skills: [], languages: ['en'],
        capacity: {}, presence: 'online', active: true, createdAt, passwordHash: null,
      });
    }
  });
}

/**
 * The case engine's behaviour over a real store: run it for every `Store` adapter so that
 * threading, de-duplication and the event log hold on each. Merge suggestions search the store itself.
 */
export function runEngineContract(name: string, makeStore: () => Promise<Store & CustomerSearch>): void {
  describe(`case engine on ${name}`, () => {
    let store: Store & CustomerSearch;
    let engine: CaseEngine;
    let clock: ReturnType<typeof createManualClock>;
    let published: CaseEvent[];
    const { system, ann, sup } = ENGINE_ACTORS;
    const fromWeb = (text: string, externalId = 'anon:1', extra: object = {}) =>
      engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId, name: 'Dana' }, text, ...extra });

    beforeEach(async () => {
      store = await makeStore();
      clock = createManualClock();
      published = [];
      engine = createCaseEngine({ store, clock, publisher: { publish: (events) => void published.push(...events) } });
      await seedEngineWorkspace(store);
    });

    afterEach(async () => store?.close());

    it('opens a customer, case, conversation and message, and logs them in seq order', async () => {
      const result = await fromWeb('My internet is down since this morning');
      assert.equal(result.duplicate, false);
      MessageSchema.parse(result.message);
      CaseSchema.parse(result.case);
      assert.equal(result.case.number, 1);
      assert.equal(result.case.status, 'new');
      assert.equal(result.case.subject, 'My internet is down since this morning');
      assert.deepEqual(result.case.channels, ['webchat']);
      const events = await store.listEvents(WS, { after: 0, limit: 100 });
      assert.deepEqual(events.map((e) => e.type), ['customer.created', 'case.created', 'message.created']);
      assert.deepEqual(events.map((e) => e.seq), [1, 2, 3]);
      for (const e of events) CaseEventSchema.parse(e);
      assert.deepEqual(published.map((e) => e.seq), [1, 2, 3]);
    });

    it('stores a repeated provider message id once and logs nothing for the repeat', async () => {
      const first = await engine.ingest({ workspaceId: WS, channelId: 'sms', providerMessageId: 'SM1', from: { externalId: '+14155550100', phone: '+14155550100' }, text: 'hi' });
      const seq = await store.lastSeq(WS);
      const again = await engine.ingest({ workspaceId: WS, channelId: 'sms', providerMessageId: 'SM1', from: { externalId: '+14155550100', phone: '+14155550100' }, text: 'hi' });
      assert.equal(again.duplicate, true);
      assert.equal(again.message.id, first.message.id);
      assert.equal(await store.lastSeq(WS), seq);
      const page = await store.listMessages(WS, { caseId: first.case.id, limit: 50 });
      assert.equal(page.items.length, 1);
    });

    it('stores a repeated client message id from the same customer once', async () => {
      const first = await fromWeb('hello');
      const again = await engine.ingest({ workspaceId: WS, channelId: 'web', customerId: first.customer.id, clientMessageId: 'c-1', from: { externalId: 'anon:1' }, text: 'second' });
      const repeat = await engine.ingest({ workspaceId: WS, channelId: 'web', customerId: first.customer.id, clientMessageId: 'c-1', from: { externalId: 'anon:1' }, text: 'second' });
      assert.equal(repeat.duplicate, true);
      assert.equal(repeat.message.id, again.message.id);
      assert.equal((await store.getCase(WS, first.case.id))!.messageCount, 2);
    });

    it('threads a returning sender into the open case, and another channel into the same case by email', async () => {
      const first = await engine.ingest({ workspaceId: WS, channelId: 'mail', from: { externalId: 'dana@example.com', email: 'Dana@Example.com', name: 'Dana' }, text: 'Invoice question', subject: 'Invoice 1042' });
      const second = await engine.ingest({ workspaceId: WS, channelId: 'mail', from: { externalId: 'dana@example.com', email: 'dana@example.com' }, text: 'Any news?' });
      assert.equal(second.case.id, first.case.id);
      assert.equal(second.case.subject, 'Invoice 1042');
      // The web chat visitor gives the same email: same customer, same case, a second conversation.
      const web = await engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: 'anon:9', email: 'dana@example.com' }, text: 'Writing here too' });
      assert.equal(web.customer.id, first.customer.id);
      assert.equal(web.case.id, first.case.id);
      assert.deepEqual(web.case.channels, ['email', 'webchat']);
      assert.equal((await store.listConversations(WS, first.case.id)).length, 2);
      assert.equal(web.customer.identities.length, 2);
    });

    it('resolves a customer by E.164 phone across channels', async () => {
      const byMail = await engine.ingest({ workspaceId: WS, channelId: 'mail', from: { externalId: 'x@example.com', email: 'x@example.com', phone: '+447700900123' }, text: 'a' });
      const bySms = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+447700900123', phone: '+447700900123' }, text: 'b' });
      assert.equal(bySms.customer.id, byMail.customer.id);
    });

    it('reopens a case solved within the reopen window and opens a new one after it', async () => {
      const first = await fromWeb('router blinking red');
      const solved = await engine.updateCase(ann, first.case.id, { version: first.case.version, status: 'solved' });
      assert.ok(solved.solvedAt);
      clock.advance(3_600_000);
      const reopened = await fromWeb('still blinking');
      assert.equal(reopened.case.id, first.case.id);
      assert.equal(reopened.case.status, 'open');
      assert.equal(reopened.case.solvedAt, null);
      await engine.updateCase(ann, first.case.id, { version: reopened.case.version, status: 'solved' });
      clock.advance(25 * 3_600_000);
      const later = await fromWeb('new problem');
      assert.notEqual(later.case.id, first.case.id);
      assert.equal(later.case.number, 2);
    });

    it('opens a new case when the last one is closed, and moves pending back to open', async () => {
      const first = await fromWeb('one');
      const pending = await engine.updateCase(ann, first.case.id, { version: first.case.version, status: 'pending' });
      const answer = await fromWeb('two');
      assert.equal(answer.case.status, 'open');
      await engine.updateCase(ann, first.case.id, { version: answer.case.version, status: 'closed' });
      const next = await fromWeb('three');
      assert.notEqual(next.case.id, pending.id);
    });

    it('replies on web chat as sent, on SMS through the outbox, assigns and opens the case, once per client id', async () => {
      const web = await fromWeb('hello');
      const reply = await engine.reply(ann, { caseId: web.case.id, text: 'Hi Dana, looking now', clientMessageId: 'r-1' });
      assert.equal(reply.status, 'sent');
      assert.equal(reply.direction, 'outbound');
      const again = await engine.reply(ann, { caseId: web.case.id, text: 'Hi Dana, looking now', clientMessageId: 'r-1' });
      assert.equal(again.id, reply.id);
      const kase = (await store.getCase(WS, web.case.id))!;
      assert.equal(kase.assigneeId, 'ag_ann');
      assert.equal(kase.status, 'open');
      assert.equal(kase.messageCount, 2);
      assert.equal((await store.claimOutbox(clock.now(), 1000, 10)).length, 0);

      const sms = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550111', phone: '+14155550111' }, text: 'no signal' });
      const smsReply = await engine.reply(ann, { caseId: sms.case.id, text: 'Restart the modem please' });
      assert.equal(smsReply.status, 'queued');
      const claimed = await store.claimOutbox(clock.now(), 1000, 10);
      assert.deepEqual(claimed.map((i) => i.messageId), [smsReply.id]);
    });

    it('remembers what each agent has read: opening marks it, writing in it marks it, the customer\'s next message does not', async () => {
      const web = await fromWeb('hello');
      const unread = async (actor: AgentActor) => {
        const kase = (await store.getCase(WS, web.case.id))!;
        const readAt = (await store.getCaseReads(WS, actor.agent.id, [kase.id]))[kase.id];
        return readAt === undefined || readAt < kase.lastActivityAt;
      };
      assert.equal(await unread(ann), true);
      clock.advance(1000);
      const readAt = await engine.markCaseRead(sup, web.case.id);
      assert.equal(readAt, clock.now().toISOString());
      assert.equal(await unread(sup), false);
      assert.equal(await unread(ann), true, 'read per agent');
      clock.advance(1000);
      await engine.reply(ann, { caseId: web.case.id, text: 'On it' });
      assert.equal(await unread(ann), false, "the author's own reply");
      assert.equal(await unread(sup), true, "another agent's reply is news to the supervisor");
      clock.advance(1000);
      await fromWeb('still down');
      assert.equal(await unread(ann), true);
      await assert.rejects(engine.markCaseRead(ann, 'c_unknown'), { code: 'not_found' });
    });

    it('keeps internal notes internal and refuses replies on closed cases', async () => {
      const web = await fromWeb('hello');
      const note = await engine.addNote(ann, { caseId: web.case.id, text: 'VIP customer' });
      assert.equal(note.internal, true);
      const visible = await store.listMessages(WS, { customerId: web.customer.id, publicOnly: true, limit: 50 });
      assert.deepEqual(visible.items.map((m) => m.text), ['hello']);
      const publicEvents = await store.listEvents(WS, { after: 0, limit: 100, customerId: web.customer.id, publicOnly: true });
      assert.ok(publicEvents.every((e) => e.type !== 'message.created' || !e.data.message.internal));
      const kase = (await store.getCase(WS, web.case.id))!;
      await engine.updateCase(ann, web.case.id, { version: kase.version, status: 'closed' });
      await assert.rejects(engine.reply(ann, { caseId: web.case.id, text: 'late' }), { code: 'invalid_transition' });
    });

    it('lets one of two updates from the same version win and refuses the other with version_conflict', async () => {
      const { case: kase } = await fromWeb('hello');
      const results = await Promise.allSettled([
        engine.updateCase(ann, kase.id, { version: kase.version, priority: 'high' }),
        engine.updateCase(sup, kase.id, { version: kase.version, priority: 'urgent' }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(rejected.reason.code, 'version_conflict');
      assert.equal((await store.getCase(WS, kase.id))!.version, kase.version + 1);
    });

    it('refuses invalid transitions and unknown assignees without writing', async () => {
      const { case: kase } = await fromWeb('hello');
      const closed = await engine.updateCase(ann, kase.id, { version: kase.version, status: 'closed' });
      const seq = await store.lastSeq(WS);
      await assert.rejects(engine.updateCase(ann, kase.id, { version: closed.version, status: 'open' }), { code: 'invalid_transition' });
      await assert.rejects(engine.updateCase(ann, kase.id, { version: closed.version, assigneeId: 'ag_nobody' }), { code: 'validation_failed' });
      assert.equal(await store.lastSeq(WS), seq);
      const same = await engine.updateCase(ann, kase.id, { version: closed.version, status: 'closed' });
      assert.equal(same.version, closed.version);
    });

    it('merges two cases: conversations and messages move, the source closes', async () => {
      const a = await fromWeb('one', 'anon:a');
      const b = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550122', phone: '+14155550122' }, text: 'two' });
      const merged = await engine.mergeCases(sup, b.case.id, a.case.id, { mergeCustomers: true });
      assert.equal(merged.messageCount, 2);
      assert.deepEqual(new Set(merged.channels), new Set(['webchat', 'sms']));
      const messages = await store.listMessages(WS, { caseId: a.case.id, limit: 50 });
      assert.equal(messages.items.length, 2);
      const source = (await store.getCase(WS, b.case.id))!;
      assert.equal(source.status, 'closed');
      assert.ok(source.tags.includes('merged'));
    });

    it('merges two customers: the old id resolves and the timeline spans both', async () => {
      const a = await fromWeb('from web', 'anon:a');
      const b = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550133', phone: '+14155550133' }, text: 'from sms' });
      const merged = await engine.mergeCustomers(sup, a.customer.id, b.customer.id);
      assert.equal((await store.getCustomer(WS, b.customer.id))!.id, a.customer.id);
      assert.equal(merged.identities.length, 2);
      const timeline = await store.timeline(WS, a.customer.id, 100);
      const texts = timeline.items.flatMap((e) => (e.type === 'message.created' ? [e.data.message.text] : []));
      assert.deepEqual(texts, ['from sms', 'from web']);
      // A new SMS from the merged-away number lands on the surviving profile.
      const again = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550133' }, text: 'hello again' });
      assert.equal(again.customer.id, a.customer.id);
    });

    it('treats a visitor\'s retry after their profile was merged as the duplicate it is', async () => {
      const first = await engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId: 'anon:m' }, clientMessageId: 'c-merge', text: 'hello' });
      const other = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550166', phone: '+14155550166' }, text: 'from sms' });
      await engine.mergeCustomers(sup, other.customer.id, first.customer.id);
      // The visitor's page still holds the old profile id and sends the message again.
      const retry = await engine.ingest({ workspaceId: WS, channelId: 'web', customerId: first.customer.id, clientMessageId: 'c-merge', from: { externalId: 'anon:m' }, text: 'hello' });
      assert.equal(retry.duplicate, true);
      assert.equal(retry.message.id, first.message.id);
      assert.equal(retry.customer.id, other.customer.id);
      const messages = await store.listMessages(WS, { customerId: other.customer.id, limit: 50 });
      assert.deepEqual(messages.items.map((m) => m.text), ['hello', 'from sms']);
    });

    it('publishes nothing and consumes no seq when a transaction fails', async () => {
      await fromWeb('hello');
      const seq = await store.lastSeq(WS);
      published.length = 0;
      await assert.rejects(engine.reply(ann, { caseId: 'c_missing', text: 'x' }), { code: 'not_found' });
      await assert.rejects(engine.ingest({ workspaceId: WS, channelId: 'nope', from: { externalId: 'x' }, text: 'x' }), { code: 'not_found' });
      assert.equal(published.length, 0);
      const next = await fromWeb('again');
      assert.equal(next.case.version > 0, true);
      const events = await store.listEvents(WS, { after: seq, limit: 10 });
      assert.equal(events[0]!.seq, seq + 1);
    });

    it('moves delivery statuses forward only', async () => {
      const sms = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550144' }, text: 'x' });
      const reply = await engine.reply(ann, { caseId: sms.case.id, text: 'y' });
      assert.equal((await engine.updateDeliveryStatus(system, reply.id, 'delivered'))!.status, 'delivered');
      assert.equal(await engine.updateDeliveryStatus(system, reply.id, 'sent'), null);
      assert.equal((await store.getMessage(WS, reply.id))!.status, 'delivered');
      assert.equal((await engine.updateDeliveryStatus(system, reply.id, 'read'))!.status, 'read');
      assert.equal(await engine.updateDeliveryStatus(system, reply.id, 'failed'), null);
    });

    it('checks a reply against what its channel carries: length, files and the reply window', async () => {
      const capabilities = { maxTextLength: 20, attachments: null, replyWindowHours: 24, receipts: { delivered: true, read: true }, canInitiate: false, rich: false };
      const checked = createCaseEngine({ store, clock, channelCapabilities: (kind) => (kind === 'twilio-sms' ? capabilities : undefined) });
      const inbound = await checked.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550177', phone: '+14155550177' }, text: 'hi' });
      const caseId = inbound.case.id;
      await assert.rejects(checked.reply(ann, { caseId, text: 'x'.repeat(21) }), { code: 'validation_failed', message: /at most 20 characters/ });
      const file = { name: 'a.png', contentType: 'image/png', size: 10, url: '/api/v1/uploads/up_x' };
      await assert.rejects(checked.reply(ann, { caseId, text: 'see file', attachments: [file] }), { code: 'validation_failed', message: /no files/ });
      assert.equal((await checked.reply(ann, { caseId, text: 'ok' })).status, 'queued');
      assert.equal((await checked.addNote(ann, { caseId, text: 'x'.repeat(50) })).internal, true, 'notes never leave, so nothing limits them');
      clock.advance(24 * 3_600_000 + 1);
      await assert.rejects(checked.reply(ann, { caseId, text: 'late' }), { code: 'reply_window_closed', message: /24 hours.*template/ });
      const back = await checked.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550177' }, text: 'hello again' });
      assert.equal(back.case.id, caseId);
      assert.equal((await checked.reply(ann, { caseId, text: 'welcome back' })).status, 'queued', 'the customer writing opens the window again');
    });

    describe('templates and replies on any of the customer\'s channels', () => {
      let checked: CaseEngine;
      const templates = [
        { name: 'order_update', language: 'en_US', body: 'Hi {{1}}, your order {{2}} has shipped.' },
        { name: 'follow_up', language: 'en', body: 'We have news about your case. Reply to continue.' },
      ];
      const addChannel = (id: string, kind: string, medium: ChannelRecord['medium'], config: Record<string, unknown> = {}) =>
        store.transaction((tx) =>
          tx.insertChannel({ id, workspaceId: WS, kind, medium, name: id, enabled: true, config, secretNames: [], secrets: {}, createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString() }),
        );
      const fromWhatsApp = (text: string) =>
        checked.ingest({ workspaceId: WS, channelId: 'wa', from: { externalId: '16505551234', phone: '+16505551234', name: 'Dana' }, text });

      beforeEach(async () => {
        checked = createCaseEngine({ store, clock, channelCapabilities: (kind) => (CHANNEL_CAPABILITIES as Record<string, ChannelCapabilityValues>)[kind] });
        await addChannel('wa', 'whatsapp-cloud', 'whatsapp', { phoneNumberId: '106540352242922', templates });
        await addChannel('wa2', 'whatsapp-cloud', 'whatsapp', { phoneNumberId: '106540352242923', templates: [templates[1]] });
      });

      it('refuses free text after the window with the templates to offer, and sends a template in its place', async () => {
        const inbound = await fromWhatsApp('Where is my order?');
        const caseId = inbound.case.id;
        assert.equal((await checked.reply(ann, { caseId, text: 'Looking into it' })).status, 'queued');
        clock.advance(25 * 3_600_000);
        await assert.rejects(checked.reply(ann, { caseId, text: 'It shipped' }), (error: { code: string; status: number; details: Record<string, unknown> }) => {
          assert.equal(error.code, 'reply_window_closed');
          assert.equal(error.status, 409);
          assert.deepEqual(error.details.templates, ['order_update', 'follow_up']);
          assert.equal(error.details.channelId, 'wa');
          return true;
        });
        const before = (await store.getCase(WS, caseId))!.messageCount;
        const issueOf = (path: string) => (error: { code: string; details: { issues: { path: string }[] } }) => error.code === 'validation_failed' && error.details.issues[0]!.path === path;
        await assert.rejects(checked.reply(ann, { caseId, template: { name: 'nope' } }), issueOf('body.template.name'));
        await assert.rejects(checked.reply(ann, { caseId, template: { name: 'order_update', variables: ['Dana'] } }), issueOf('body.template.variables'));
        await assert.rejects(checked.reply(ann, { caseId, template: { name: 'order_update', variables: ['Dana', ' '] } }), issueOf('body.template.variables'));
        const file = { name: 'a.pdf', contentType: 'application/pdf', size: 10, url: '/api/v1/uploads/up_x' };
        await assert.rejects(checked.reply(ann, { caseId, template: { name: 'order_update', variables: ['Dana', '#1'] }, attachments: [file] }), issueOf('body.attachments'));
        assert.equal((await store.getCase(WS, caseId))!.messageCount, before, 'a refused reply stores nothing');

        const sent = await checked.reply(ann, { caseId, template: { name: 'order_update', variables: ['Dana', '#4411'] } });
        assert.equal(sent.text, 'Hi Dana, your order #4411 has shipped.', 'the timeline reads what the customer got');
        assert.deepEqual(sent.template, { name: 'order_update', language: 'en_US', variables: ['Dana', '#4411'] });
        assert.equal(sent.status, 'queued');
        MessageSchema.parse(sent);
        const stored = await store.getMessage(WS, sent.id);
        assert.deepEqual(stored!.template, sent.template);
        const items = await store.claimOutbox(clock.now(), 60_000, 10);
        assert.ok(items.some((item) => item.messageId === sent.id), 'the template goes out through the outbox');

        const sms = await checked.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550188', phone: '+14155550188' }, text: 'hi' });
        await assert.rejects(checked.reply(ann, { caseId: sms.case.id, template: { name: 'order_update', variables: ['a', 'b'] } }), issueOf('body.template'));
      });

      it('lists the channels that reach the customer and starts a conversation on one the case has none on', async () => {
        const inbound = await fromWhatsApp('My router is down');
        const caseId = inbound.case.id;
        await checked.updateCustomer(system, inbound.customer.id, { emails: ['dana@example.com'] });
        const channels = await checked.replyChannels(ann, caseId);
        assert.deepEqual(
          channels.map((c) => [c.channelId, c.conversationId !== null, c.freeForm, c.address]),
          [
            ['wa', true, true, '16505551234'],
            ['mail', false, true, 'dana@example.com'],
            ['sms', false, true, '+16505551234'],
            ['wa2', false, false, '+16505551234'],
          ],
          'the case\'s own conversation first; web chat cannot reach her; the other WhatsApp number never heard from her',
        );
        assert.equal(channels[0]!.windowClosesAt, new Date(T0 + 24 * 3_600_000).toISOString());
        assert.deepEqual(channels.find((c) => c.channelId === 'wa2')!.templates.map((t) => t.name), ['follow_up']);

        const email = await checked.reply(ann, { caseId, channelId: 'mail', text: 'Details by email' });
        assert.equal(email.channelKind, 'email');
        assert.notEqual(email.conversationId, inbound.message.conversationId);
        const conversation = await store.getConversation(WS, email.conversationId);
        assert.equal(conversation!.caseId, caseId);
        assert.equal(conversation!.channelId, 'mail');
        assert.deepEqual((await store.getCase(WS, caseId))!.channels, ['whatsapp', 'email']);
        const again = await checked.reply(ann, { caseId, channelId: 'mail', text: 'And one more' });
        assert.equal(again.conversationId, email.conversationId, 'the next reply on that channel joins the conversation started');

        const conversations = (await store.listConversations(WS, caseId)).length;
        await assert.rejects(checked.reply(ann, { caseId, channelId: 'wa2', text: 'hello' }), { code: 'reply_window_closed' });
        assert.equal((await store.listConversations(WS, caseId)).length, conversations, 'a refused reply starts nothing');
        const opened = await checked.reply(ann, { caseId, channelId: 'wa2', template: { name: 'follow_up' } });
        assert.equal(opened.channelId, 'wa2');
        assert.equal(opened.text, templates[1]!.body);

        const other = await checked.ingest({ workspaceId: WS, channelId: 'wa', from: { externalId: '16505550000', phone: '+16505550000' }, text: 'hi' });
        await assert.rejects(checked.reply(ann, { caseId: other.case.id, channelId: 'mail', text: 'x' }), { code: 'unreachable_customer', status: 422 });
        await assert.rejects(checked.reply(ann, { caseId: other.case.id, channelId: 'nope', text: 'x' }), { code: 'not_found' });
      });
    });

    it('suggests merges both ways: the same email, phone or full name, never the profile itself', async () => {
      const a = await engine.createCustomer(system, { name: 'Dana Reyes', emails: ['dana@example.com'] });
      const b = await engine.createCustomer(system, { name: 'D. R.', emails: ['dana@example.com'], phones: ['+14155550199'] });
      const c = await engine.createCustomer(system, { name: 'dana  REYES', phones: ['+14155550199'] });
      const d = await engine.createCustomer(system, { name: '+14155550100', phones: ['+14155550100'] });
      const e = await engine.createCustomer(system, { name: '+14155550100' });
      const of = async (id: string) => Object.fromEntries((await suggestMerges(store, WS, (await store.getCustomer(WS, id))!)).map((s) => [s.customer.id, s.reasons]));
      assert.deepEqual(await of(a.id), { [b.id]: ['email'], [c.id]: ['name'] });
      assert.deepEqual(await of(b.id), { [a.id]: ['email'], [c.id]: ['phone'] });
      assert.deepEqual(await of(c.id), { [b.id]: ['phone'], [a.id]: ['name'] });
      assert.deepEqual(await of(d.id), {}, 'a profile named after its own number suggests nobody by name');
      assert.deepEqual(await of(e.id), {});
    });

    describe('email threading', () => {
      const mail = (providerMessageId: string, text: string, extra: object = {}) =>
        engine.ingest({ workspaceId: WS, channelId: 'mail', providerMessageId, from: { externalId: 'dana@example.com', email: 'dana@example.com', name: 'Dana' }, text, ...extra });
      const sys = { workspaceId: WS, system: 'test' };

      it('threads a reply by the first of its references that is stored, whatever its subject says', async () => {
        const first = await mail('<a@mail.example>', 'Router keeps rebooting', { subject: 'Router', newTopic: true });
        const reply = await engine.reply(ann, { caseId: first.case.id, text: 'Try a factory reset.' });
        await engine.updateDeliveryStatus(sys, reply.id, 'sent', { providerMessageId: '<m.out@support.example>' });
        // Outlook keeps only References; a mailing list rewrites the subject.
        const answer = await mail('<b@mail.example>', 'Still rebooting', { subject: '[list] Re: Something else', references: ['<unknown@x>', '<m.out@support.example>', '<a@mail.example>'] });
        assert.equal(answer.case.id, first.case.id);
        assert.equal(answer.message.conversationId, first.message.conversationId);
        assert.deepEqual([answer.message.subject, answer.message.headers], ['[list] Re: Something else', undefined]);
        const conversation = await store.getConversation(WS, first.message.conversationId);
        assert.deepEqual([conversation?.lastInboundMessageId, conversation?.lastInboundAt], [answer.message.id, answer.message.createdAt]);
      });

      it('opens a new case for a new topic from the same sender, and threads by a reply token when references do not', async () => {
        const first = await mail('<a@mail.example>', 'Invoice question', { subject: 'Invoice', newTopic: true });
        const other = await mail('<c@mail.example>', 'Moving house', { subject: 'Moving', newTopic: true });
        assert.notEqual(other.case.id, first.case.id);
        const byToken = await mail('<d@mail.example>', 'About the invoice', { references: ['<gone@x>'], replyToken: first.message.conversationId });
        assert.equal(byToken.case.id, first.case.id);
        // A token naming another customer's conversation threads nothing.
        const eve = await engine.ingest({ workspaceId: WS, channelId: 'mail', providerMessageId: '<e@mail.example>', from: { externalId: 'eve@example.com', email: 'eve@example.com' }, text: 'Hi', replyToken: first.message.conversationId, newTopic: true });
        assert.notEqual(eve.case.id, first.case.id);
        assert.notEqual(eve.message.conversationId, first.message.conversationId);
      });

      it('keeps an auto-reply on its thread without reopening a solved case', async () => {
        const first = await mail('<a@mail.example>', 'Question', { subject: 'Q', newTopic: true });
        await engine.updateCase(ann, first.case.id, { status: 'solved', version: first.case.version });
        const auto = await mail('<ooo@mail.example>', 'I am out of office', { references: ['<a@mail.example>'], automated: true });
        assert.equal(auto.case.id, first.case.id);
        assert.equal(auto.case.status, 'solved');
        const human = await mail('<f@mail.example>', 'Back now, one more thing', { references: ['<a@mail.example>'] });
        assert.equal(human.case.status, 'open', 'a person writing back within the window does reopen it');
      });

      it('bounds the references it reads, so a crafted header cannot make one message read thousands', async () => {
        const first = await mail('<a@mail.example>', 'Question', { subject: 'Q', newTopic: true });
        const references = [...Array.from({ length: 5_000 }, (_, i) => `<junk-${i}@x>`), '<a@mail.example>'];
        const late = await mail('<g@mail.example>', 'Hello?', { references, newTopic: true });
        assert.notEqual(late.case.id, first.case.id, 'a reference past the bound threads nothing');
      });
    });

    describe('outbox worker', () => {
      let smsCase: string;
      const sys = { workspaceId: WS, system: 'test' };
      const runtime = (channel: ChannelRecord): ChannelRuntime => ({
        channel: { ...channel, secrets: channel.secrets },
        webhookUrl: `http://127.0.0.1/webhooks/${channel.id}`,
        publicUrl: 'http://127.0.0.1',
        fetch,
        now: () => clock.now(),
      });
      const worker = (send: Pick<ChannelAdapter, 'send'>['send'], more: Partial<OutboxWorkerOptions> = {}) =>
        createOutboxWorker({ store, engine, clock, runtime, adapters: { 'twilio-sms': { send } }, random: () => 0.5, ...more });
      beforeEach(async () => {
        smsCase = (await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550155', phone: '+14155550155' }, text: 'x' })).case.id;
      });

      it('retries a retryable failure with backoff, then stores the provider id so receipts find the message', async () => {
        const reply = await engine.reply(ann, { caseId: smsCase, text: 'y' });
        const seen: OutboundMessage[] = [];
        const w = worker(async (outbound) => {
          seen.push(outbound);
          if (seen.length === 1) throw new DeliveryError('Service unavailable', { retryable: true, code: '503' });
          return { providerMessageId: 'SM-y' };
        }, { backoffMs: () => 5_000 });
        assert.equal(await w.runOnce(), 1);
        assert.equal((await store.getMessage(WS, reply.id))!.status, 'queued');
        assert.equal(await w.runOnce(), 0, 'not due before the backoff');
        clock.advance(5_001);
        assert.equal(await w.runOnce(), 1);
        const sent = (await store.getMessage(WS, reply.id))!;
        assert.deepEqual([sent.status, sent.providerMessageId], ['sent', 'SM-y']);
        assert.deepEqual(seen[1]!.to, { externalId: '+14155550155', name: '+14155550155', phone: '+14155550155' });
        assert.equal(seen[1]!.lastInbound?.text, 'x', 'the customer\'s last message goes along (email answers its headers)');
        // Receipts move it forward only, whatever order they come in.
        assert.equal((await engine.applyReceipt(sys, { channelId: 'sms', providerMessageId: 'SM-y', status: 'read' }))?.status, 'read');
        assert.equal(await engine.applyReceipt(sys, { channelId: 'sms', providerMessageId: 'SM-y', status: 'delivered' }), null);
        assert.equal(await engine.applyReceipt(sys, { channelId: 'sms', providerMessageId: 'SM-unknown', status: 'delivered' }), null);
        assert.equal((await store.getMessage(WS, reply.id))!.status, 'read');
      });

      it('sends each item once when two workers claim at the same time', async () => {
        for (let i = 0; i < 10; i++) await engine.reply(ann, { caseId: smsCase, text: `r${i}` });
        const sent: string[] = [];
        const send = async ({ message }: OutboundMessage) => {
          sent.push(message.id);
          await new Promise((r) => setTimeout(r, 5));
          return { providerMessageId: `SM-${message.id}` };
        };
        const a = worker(send, { batchSize: 6 });
        const b = worker(send, { batchSize: 6 });
        await Promise.all([a.runOnce(), b.runOnce()]);
        await Promise.all([a.runOnce(), b.runOnce()]);
        assert.equal(sent.length, 10);
        assert.equal(new Set(sent).size, 10);
      });

      it('fails a message at once on a permanent error, with the provider\'s reason, and never tries it again', async () => {
        const reply = await engine.reply(ann, { caseId: smsCase, text: 'y' });
        let calls = 0;
        const w = worker(async () => {
          calls++;
          throw new DeliveryError("The 'To' number is not a valid phone number.", { retryable: false, code: '21211' });
        });
        await w.runOnce();
        const failed = (await store.getMessage(WS, reply.id))!;
        assert.deepEqual([failed.status, failed.deliveryError], ['failed', { code: '21211', reason: "The 'To' number is not a valid phone number." }]);
        clock.advance(24 * 3_600_000);
        assert.equal(await w.runOnce(), 0);
        assert.equal(calls, 1);
      });

      it('gives up after the last attempt, and waits at least as long as the provider asks', async () => {
        const reply = await engine.reply(ann, { caseId: smsCase, text: 'y' });
        const w = worker(async () => {
          throw new DeliveryError('Too many requests', { retryable: true, code: '429', retryAfterMs: 60_000 });
        }, { maxAttempts: 2, backoffMs: () => 1 });
        await w.runOnce();
        clock.advance(59_000);
        assert.equal(await w.runOnce(), 0, 'Retry-After is honoured');
        clock.advance(1_001);
        await w.runOnce();
        const failed = (await store.getMessage(WS, reply.id))!;
        assert.deepEqual([failed.status, failed.deliveryError?.code], ['failed', '429']);
        clock.advance(3_600_000);
        assert.equal(await w.runOnce(), 0);
      });

      it('gives up a send whose provider does not answer before its lease ends, so no other node sends it meanwhile', async () => {
        const reply = await engine.reply(ann, { caseId: smsCase, text: 'slow' });
        // A provider that never answers: its request ends only when it is aborted.
        let sentAt = Number.NaN;
        let abortedAt = Number.NaN;
        const silent = (channel: ChannelRecord): ChannelRuntime => ({
          ...runtime(channel),
          fetch: (_input, init) => {
            sentAt = performance.now();
            return new Promise<Response>((_resolve, reject) =>
              init?.signal?.addEventListener('abort', () => {
                abortedAt = performance.now();
                reject(init.signal!.reason);
              }),
            );
          },
        });
        // A real request holds a socket that keeps the process up; this one holds nothing.
        const alive = setTimeout(() => undefined, 5_000);
        const handled = await createOutboxWorker({ store, engine, clock, runtime: silent, leaseMs: 1_000, backoffMs: () => 1_000, adapters: { 'twilio-sms': { send: async (_outbound, rt) => (await rt.fetch('https://api.example/send'), { providerMessageId: 'never' }) } } }).runOnce();
        clearTimeout(alive);
        assert.equal(handled, 1);
        // This clock stands still, so the lease had all of its second left when the send began.
        const cut = abortedAt - sentAt;
        assert.ok(cut >= 750 && cut < 1_000, `cut off ${Math.round(cut)} ms into a 1000 ms lease`);
        assert.equal((await store.getMessage(WS, reply.id))!.status, 'queued', 'to be tried again');
        clock.advance(1_001);
        assert.equal(await worker(async () => ({ providerMessageId: 'SM-slow' })).runOnce(), 1, 'due again after the backoff');
        assert.equal((await store.getMessage(WS, reply.id))!.status, 'sent');
      });

      it('fails what it cannot send: a kind without an adapter, a disabled channel', async () => {
        const reply = await engine.reply(ann, { caseId: smsCase, text: 'y' });
        await createOutboxWorker({ store, engine, clock, runtime, adapters: {} }).runOnce();
        assert.equal((await store.getMessage(WS, reply.id))!.deliveryError?.code, 'no_adapter');
        const next = await engine.reply(ann, { caseId: smsCase, text: 'z' });
        await engine.updateChannel(sys, 'sms', { enabled: false });
        await worker(async () => ({ providerMessageId: 'never' })).runOnce();
        assert.equal((await store.getMessage(WS, next.id))!.deliveryError?.code, 'channel_disabled');
        await assert.rejects(engine.reply(ann, { caseId: smsCase, text: 'after' }), { code: 'conflict', message: /disabled/ });
        await assert.rejects(engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550155' }, text: 'in' }), { code: 'conflict' });
      });

      it('never sends a reply twice once it went out: a provider id that clashes, a wild Retry-After, a late receipt after a retry', async () => {
        const first = await engine.reply(ann, { caseId: smsCase, text: 'one' });
        const second = await engine.reply(ann, { caseId: smsCase, text: 'two' });
        let sends = 0;
        // The provider answers the same id twice (a callback that returns its thread id).
        const same = worker(async () => (sends++, { providerMessageId: 'SM-same' }));
        await same.runOnce();
        clock.advance(3_600_000);
        await same.runOnce();
        assert.equal(sends, 2, 'each reply went out once');
        assert.deepEqual([(await store.getMessage(WS, first.id))!.status, (await store.getMessage(WS, second.id))!.status], ['sent', 'sent']);

        const third = await engine.reply(ann, { caseId: smsCase, text: 'three' });
        const wild = worker(async () => {
          throw new DeliveryError('slow down', { retryable: true, code: '429', retryAfterMs: 1e17 });
        }, { backoffMs: () => 1 });
        await wild.runOnce();
        clock.advance(900_001);
        assert.equal(await wild.runOnce(), 1, 'a wild Retry-After waits 15 minutes at most');

        const permanent = worker(async () => {
          throw new DeliveryError('unreachable', { retryable: false, code: '30003' });
        });
        clock.advance(900_001);
        await permanent.runOnce();
        assert.equal((await store.getMessage(WS, third.id))!.status, 'failed');
        // The provider reports the reply that holds the id failed (whichever of the two was recorded
        // first: deliveries run side by side); the agent sends it again; a late receipt of the
        // first send must not pass for the resend.
        const holder = (await store.getMessage(WS, first.id))!.providerMessageId === 'SM-same' ? first : second;
        assert.equal((await store.getMessage(WS, holder === first ? second.id : first.id))!.providerMessageId, null, 'the other keeps no provider id');
        await engine.applyReceipt(sys, { channelId: 'sms', providerMessageId: 'SM-same', status: 'failed', error: { code: '30003', reason: 'Unreachable' } });
        const retried = await engine.retryDelivery(ann, smsCase, holder.id);
        assert.deepEqual([retried.status, retried.providerMessageId], ['queued', null]);
        assert.equal(await engine.applyReceipt(sys, { channelId: 'sms', providerMessageId: 'SM-same', status: 'delivered' }), null);
        assert.equal((await store.getMessage(WS, holder.id))!.status, 'queued');
      });

      it('spreads retries: the default backoff doubles and draws between half and all of it', () => {
        assert.deepEqual([1, 2, 3].map((n) => defaultBackoff(n, () => 0)), [1_000, 2_000, 4_000]);
        assert.deepEqual([1, 2, 3].map((n) => defaultBackoff(n, () => 0.999999)), [2_000, 4_000, 8_000]);
        assert.equal(defaultBackoff(30, () => 0.999999), 900_000);
      });
    });

    describeEngineGuarantees(makeStore);
    describeAccountsAndCustomerSearch(makeStore);
    describeEngineRouting(makeStore);
    describeBotsAndHandoff(makeStore);
    describeEngineSla(makeStore);
    describeEngineBilling(makeStore);
  });
}
