import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCaseEngine, HANDOFF_NOTICE, type AgentActor, type CaseEngine, type Store } from '@casekit/core';
import type { BotSettings, CaseEvent } from '@casekit/protocol';
import { Message as MessageSchema } from '@casekit/protocol/schemas';
import { createManualClock, seedEngineWorkspace } from './engine-contract.ts';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';

const RULES: BotSettings['rules'] = {
  greeting: 'Hi!',
  faq: [],
  fields: [],
  offerHuman: 'A person will answer.',
  handoffKeywords: ['agent'],
};

/** Bot agents and the handoff of their cases to people, through the engine: run for every store. */
export function describeBotsAndHandoff(makeStore: () => Promise<Store>): void {
  describe('bots and handoff', () => {
    let store: Store;
    let engine: CaseEngine;
    let published: CaseEvent[];
    let clock: ReturnType<typeof createManualClock>;
    const { system, ann, sup, admin } = ENGINE_ACTORS;
    const botActor = (id: string): AgentActor => ({ workspaceId: WS, agent: { id, name: id, role: 'agent', kind: 'bot' } });
    const faqBot: AgentActor = { workspaceId: WS, agent: { id: 'ag_faq', name: 'FAQ bot', role: 'agent', kind: 'bot' } };
    const fromWeb = (text: string, externalId = 'anon:1') => engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId, name: 'Dana' }, text });

    beforeEach(async () => {
      store = await makeStore();
      published = [];
      clock = createManualClock();
      engine = createCaseEngine({ store, clock, publisher: { publish: (events) => void published.push(...events) } });
      await seedEngineWorkspace(store);
      await engine.createAgent(system, { id: 'ag_admin', email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: 'hash-0' });
      await engine.createBot(admin, { id: 'ag_faq', name: 'FAQ bot', email: 'faq@bots.example', settings: { channelIds: ['web'], rules: RULES } });
      published = [];
    });
    afterEach(async () => store?.close());

    it('is left alone by routing while the bot holds it, and given to a person once handed off', async () => {
      await engine.createAgent(system, { id: 'ag_pat', email: 'pat@example.com', name: 'Pat', role: 'agent', passwordHash: null, capacity: { webchat: 3 } });
      await engine.setPresence(system, 'ag_pat', 'online');
      const { case: kase } = await fromWeb('hi');
      const route = () => engine.routeWaitingCases({ workspaceId: WS, system: 'routing' });
      assert.deepEqual((await route()).assignments, [], 'the bot holds it');
      await engine.handoff(faqBot, kase.id, { reason: 'requested' });
      assert.deepEqual((await route()).assignments.map((a) => [a.caseId, a.agentId]), [[kase.id, 'ag_pat']]);
    });

    it("starts a new case on the bot's channel assigned to the bot, and leaves other channels' cases to routing", async () => {
      const web = await fromWeb('hello');
      assert.equal(web.case.assigneeId, 'ag_faq');
      const sms = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550100', phone: '+14155550100' }, text: 'hi' });
      assert.equal(sms.case.assigneeId, null);
      await engine.deactivateAgent(admin, 'ag_faq');
      assert.equal((await fromWeb('hello', 'anon:2')).case.assigneeId, null, 'a deactivated bot takes no new cases');
    });

    it('refuses bot settings naming an unknown channel, or one another bot takes, naming the field; only admins add bots', async () => {
      const settings = (channelIds: string[]): BotSettings => ({ channelIds, rules: RULES });
      await assert.rejects(engine.createBot(admin, { name: 'B', email: 'b@bots.example', settings: settings(['sms', 'nope']) }), (error: { code: string; details: { issues: { path: string }[] } }) => {
        assert.equal(error.code, 'validation_failed');
        assert.equal(error.details.issues[0]!.path, 'body.channelIds.1');
        return true;
      });
      await assert.rejects(engine.createBot(admin, { name: 'B', email: 'b@bots.example', settings: settings(['web']) }), { code: 'conflict', message: /FAQ bot/ });
      await assert.rejects(engine.createBot(sup, { name: 'B', email: 'b@bots.example', settings: settings(['sms']) }), { code: 'forbidden' });
      assert.equal((await store.listAgents(WS)).filter((a) => a.kind === 'bot').length, 1, 'nothing was added');
      await assert.rejects(engine.updateBot(admin, 'ag_ann', { name: 'x' }), { code: 'conflict', message: /person/ });
    });

    it('keeps a bot’s secrets and token hash in the store, never on the wire', async () => {
      const bot = await engine.createBot(admin, {
        id: 'ag_ext', name: 'Ext', email: 'ext@bots.example', settings: { channelIds: ['sms'], external: { url: 'https://bot.example/hook', timeoutSeconds: 5 } },
        tokenHash: 'a'.repeat(64), secrets: { signingSecret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' },
      });
      assert.equal(bot.hasToken, true);
      const stored = (await store.getAgent(WS, 'ag_ext'))!;
      assert.equal(stored.secrets?.signingSecret, 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0');
      assert.equal(stored.botTokenHash, 'a'.repeat(64));
      const wire = JSON.stringify([bot, published]);
      assert.doesNotMatch(wire, /whsec_|aaaaaaaa/);
      assert.equal((await engine.setBotToken(admin, 'ag_ext', null)).hasToken, false);
      assert.equal((await store.getAgent(WS, 'ag_ext'))!.botTokenHash, undefined);
    });

    it('hands off: unassigns, notes the reason, the fields and the conversation for agents, tells the web-chat customer; a repeat changes nothing', async () => {
      const { case: kase } = await fromWeb('what are your hours?');
      await engine.reply(faqBot, { caseId: kase.id, text: 'We open at 8.' });
      await fromWeb('agent please');
      clock.advance(60_000);
      published = [];
      const result = await engine.handoff(faqBot, kase.id, { reason: 'requested', fields: { email: 'dana@example.com' } });
      assert.equal(result.handedOff, true);
      assert.equal(result.case.assigneeId, null);
      assert.equal(result.case.queuedAt, clock.now().toISOString(), 'it waits for a person from now: routing gives it out');
      assert.deepEqual(published.map((e) => e.type), ['case.updated', 'message.created', 'message.created']);
      const [note, notice] = published.slice(1).map((e) => (e.type === 'message.created' ? MessageSchema.parse(e.data.message) : assert.fail()));
      assert.equal(note!.internal, true);
      assert.equal(note!.authorKind, 'system');
      assert.deepEqual(note!.handoff, { reason: 'requested', fields: { email: 'dana@example.com' } });
      assert.match(note!.text, /FAQ bot: the customer asked for a person/);
      assert.match(note!.text, /email: dana@example\.com/);
      assert.match(note!.text, /Dana: what are your hours\?\nFAQ bot: We open at 8\.\nDana: agent please/);
      assert.equal(notice!.internal, false);
      assert.equal(notice!.text, HANDOFF_NOTICE);
      assert.deepEqual(notice!.handoff, { reason: 'requested', fields: {} }, 'the customer’s copy carries no fields');

      published = [];
      const again = await engine.handoff(faqBot, kase.id, { reason: 'bot' });
      assert.equal(again.handedOff, false);
      assert.equal(again.case.version, result.case.version);
      assert.deepEqual(published, [], 'a second handoff writes nothing');
    });

    it("stores one bot-answer wait per case while a bot holds it: a later message's replaces it, none once a person holds it", async () => {
      const { case: kase, message } = await fromWeb('hello');
      const bots = { workspaceId: WS, system: 'bots' } as const;
      const due = new Date(clock.now().getTime() + 15_000).toISOString();
      published = [];
      assert.equal(await engine.awaitBotAnswer(bots, kase.id, { messageId: message.id, dueAt: due }), true);
      const first = await store.getTimer(WS, `bot-answer:${kase.id}`);
      assert.deepEqual([first?.kind, first?.dueAt, first?.payload], ['bot.answer', due, { caseId: kase.id, botId: 'ag_faq', messageId: message.id }]);
      assert.deepEqual(published, [], 'a wait is no event');
      const later = await fromWeb('anyone?');
      const due2 = new Date(clock.now().getTime() + 30_000).toISOString();
      await engine.awaitBotAnswer(bots, kase.id, { messageId: later.message.id, dueAt: due2 });
      const second = await store.getTimer(WS, `bot-answer:${kase.id}`);
      assert.deepEqual([second?.dueAt, second?.payload.messageId], [due2, later.message.id]);
      await assert.rejects(engine.awaitBotAnswer(bots, kase.id, { messageId: later.message.id, dueAt: 'soon' }), { code: 'validation_failed' });
      assert.equal((await store.getTimer(WS, `bot-answer:${kase.id}`))?.version, second?.version, 'a refused wait changes nothing');
      await engine.handoff(faqBot, kase.id, { reason: 'bot' });
      const human = await fromWeb('hi', 'anon:3');
      await engine.handoff(system, human.case.id, { reason: 'requested' });
      assert.equal(await engine.awaitBotAnswer(bots, human.case.id, { messageId: human.message.id, dueAt: due }), false);
      assert.equal(await store.getTimer(WS, `bot-answer:${human.case.id}`), null);
    });

    it("gives the case to a person who replies in the bot's conversation; a note alone leaves it with the bot", async () => {
      const { case: kase } = await fromWeb('hello');
      await engine.addNote(ann, { caseId: kase.id, text: 'watching this one' });
      assert.equal((await store.getCase(WS, kase.id))!.assigneeId, 'ag_faq');
      await engine.reply(ann, { caseId: kase.id, text: 'Hi, Ann here.' });
      assert.equal((await store.getCase(WS, kase.id))!.assigneeId, 'ag_ann');
      assert.equal((await engine.handoff(faqBot, kase.id, { reason: 'bot' })).handedOff, false, 'the bot has nothing left to hand off');
    });

    it('lets only the bot holding the case, supervisors, admins and the system hand it off', async () => {
      const { case: kase } = await fromWeb('hello');
      await engine.createBot(admin, { id: 'ag_other', name: 'Other', email: 'other@bots.example', settings: { channelIds: [], rules: RULES } });
      await assert.rejects(engine.handoff(ann, kase.id, { reason: 'bot' }), { code: 'forbidden' });
      await assert.rejects(engine.handoff(botActor('ag_other'), kase.id, { reason: 'bot' }), { code: 'forbidden', message: /another bot/ });
      assert.equal((await store.getCase(WS, kase.id))!.assigneeId, 'ag_faq', 'a refused handoff changes nothing');
      assert.equal((await engine.handoff(sup, kase.id, { reason: 'failed' })).handedOff, true);
      const second = await fromWeb('hello', 'anon:9');
      assert.equal((await engine.handoff(system, second.case.id, { reason: 'timeout' })).case.assigneeId, null);
      const human = await engine.ingest({ workspaceId: WS, channelId: 'sms', from: { externalId: '+14155550101', phone: '+14155550101' }, text: 'hi' });
      await engine.updateCase(sup, human.case.id, { version: human.case.version, assigneeId: 'ag_ann' });
      const untouched = await engine.handoff(faqBot, human.case.id, { reason: 'bot' });
      assert.deepEqual([untouched.handedOff, untouched.case.assigneeId], [false, 'ag_ann'], "a bot's late call leaves a person's case alone");
    });
  });
}
