import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCaseEngine, createEngineTimerHandlers, createTimerWorker, type CaseEngine, type Store } from '@casekit/core';
import type { CaseEvent, SlaSettingsInput } from '@casekit/protocol';
import { SlaSettings } from '@casekit/protocol/schemas';
import { createManualClock, seedEngineWorkspace } from './engine-contract.ts';
import { ENGINE_ACTORS, WS } from './engine-actors.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * SLA clocks through the engine: kept on the case by every change that moves them, one durable timer
 * per case, warnings and breaches announced once, escalation on a breach: run for every store.
 */
export function describeEngineSla(makeStore: () => Promise<Store>): void {
  describe('SLA clocks through the engine', () => {
    let store: Store;
    let engine: CaseEngine;
    let clock: ReturnType<typeof createManualClock>;
    let published: CaseEvent[];
    const { system, ann } = ENGINE_ACTORS;
    const T0 = Date.parse('2026-03-02T09:00:00.000Z'); // a Monday
    const fromWeb = (text: string, externalId = 'anon:sla') => engine.ingest({ workspaceId: WS, channelId: 'web', from: { externalId, name: 'Dana' }, text });
    const useSla = (settings: SlaSettingsInput) => engine.updateSettings(system, { sla: SlaSettings.parse(settings) });
    const standard = (escalation: object = {}) => ({
      policies: [{ id: 'std', targets: { normal: { firstResponseSeconds: 3600, nextResponseSeconds: 1800, resolutionSeconds: 8 * 3600 }, high: { firstResponseSeconds: 1800 } }, warnBeforeSeconds: 600, escalation }],
      default: 'std',
    });
    const current = async (caseId: string) => (await store.getCase(WS, caseId))!;
    const slaEvents = () => published.filter((event): event is Extract<CaseEvent, { type: 'case.sla' }> => event.type === 'case.sla').map((event) => event.data);
    const runTimers = () => createTimerWorker({ store, clock, handlers: createEngineTimerHandlers(engine) }).runOnce();

    beforeEach(async () => {
      store = await makeStore();
      clock = createManualClock(T0);
      published = [];
      engine = createCaseEngine({ store, clock, publisher: { publish: (events) => void published.push(...events) } });
      await seedEngineWorkspace(store);
    });
    afterEach(async () => store?.close());

    it('gives a new case running clocks and one timer at its first warning; none without SLA settings', async () => {
      const plain = (await fromWeb('no SLA yet', 'anon:before')).case;
      assert.equal(plain.sla, undefined);
      assert.equal(await store.getTimer(WS, `sla:${plain.id}`), null);
      await useSla(standard());
      const kase = (await fromWeb('my line is down')).case;
      assert.equal(kase.sla?.policyId, 'std');
      assert.deepEqual(
        [kase.sla!.firstResponse.state, kase.sla!.firstResponse.dueAt, kase.sla!.firstResponse.warnAt, kase.sla!.nextResponse.state, kase.sla!.resolution.dueAt],
        ['running', iso(T0 + HOUR), iso(T0 + 50 * MINUTE), 'none', iso(T0 + 8 * HOUR)],
      );
      const timer = await store.getTimer(WS, `sla:${kase.id}`);
      assert.deepEqual([timer?.kind, timer?.dueAt, timer?.payload], ['sla', iso(T0 + 50 * MINUTE), { caseId: kase.id }]);
      // What a client reads is what the store keeps.
      assert.deepEqual((await current(kase.id)).sla, kase.sla);
    });

    it('times a case from before the SLA settings from its next change, counting it answered once past new', async () => {
      const older = (await fromWeb('before the SLA', 'anon:old')).case;
      await engine.reply(ann, { caseId: older.id, text: 'Hello' });
      const untouched = (await fromWeb('not yet answered', 'anon:new-old')).case;
      await useSla(standard());
      clock.advance(HOUR);
      await fromWeb('one more thing', 'anon:old');
      const timed = await current(older.id);
      assert.deepEqual(
        [timed.sla!.basis.startedAt, timed.sla!.firstResponse.state, timed.sla!.nextResponse.state, timed.sla!.nextResponse.dueAt],
        [iso(T0 + HOUR), 'met', 'running', iso(T0 + HOUR + 30 * MINUTE)],
      );
      await fromWeb('hello?', 'anon:new-old');
      const waiting = await current(untouched.id);
      assert.deepEqual([waiting.sla!.firstResponse.state, waiting.sla!.firstResponse.dueAt], ['running', iso(T0 + 2 * HOUR)]);
    });

    it('pauses every clock while pending or on hold and moves the due time by the pause', async () => {
      await useSla(standard());
      const kase = (await fromWeb('help')).case;
      clock.advance(10 * MINUTE);
      const pending = await engine.updateCase(ann, kase.id, { version: kase.version, status: 'pending' });
      assert.deepEqual([pending.sla!.firstResponse.state, pending.sla!.resolution.state], ['paused', 'paused']);
      assert.equal(await store.getTimer(WS, `sla:${kase.id}`), null, 'a paused case has no timer');
      clock.advance(2 * HOUR);
      const held = await engine.updateCase(ann, kase.id, { version: pending.version, status: 'on_hold' });
      clock.advance(HOUR);
      assert.equal((await runTimers()), 0);
      const open = await engine.updateCase(ann, kase.id, { version: held.version, status: 'open' });
      assert.deepEqual([open.sla!.firstResponse.state, open.sla!.firstResponse.dueAt], ['running', iso(T0 + 4 * HOUR)]);
      assert.equal((await store.getTimer(WS, `sla:${kase.id}`))?.dueAt, iso(T0 + 3 * HOUR + 50 * MINUTE));
    });

    it('meets the first response with a person\'s public reply, not a note or a bot; a new customer message starts the next response', async () => {
      await useSla(standard());
      const kase = (await fromWeb('help')).case;
      await engine.createAgent(system, { id: 'ag_bot', kind: 'bot', email: 'bot@example.com', name: 'Bot', role: 'agent', passwordHash: null });
      clock.advance(MINUTE);
      await engine.addNote(ann, { caseId: kase.id, text: 'looking' });
      await engine.reply({ workspaceId: WS, agent: { id: 'ag_bot', name: 'Bot', role: 'agent', kind: 'bot' } }, { caseId: kase.id, text: 'An agent will be with you shortly.' });
      assert.equal((await current(kase.id)).sla!.firstResponse.state, 'running');
      clock.advance(MINUTE);
      await engine.reply(ann, { caseId: kase.id, text: 'On it' });
      const answered = await current(kase.id);
      assert.deepEqual([answered.sla!.firstResponse.state, answered.sla!.firstResponse.metAt], ['met', iso(T0 + 2 * MINUTE)]);
      clock.advance(MINUTE);
      await fromWeb('still down');
      clock.advance(MINUTE);
      await fromWeb('hello?');
      const waiting = await current(kase.id);
      assert.deepEqual([waiting.sla!.nextResponse.state, waiting.sla!.nextResponse.dueAt], ['running', iso(T0 + 3 * MINUTE + 30 * MINUTE)]);
      // Only what moves a clock is kept: the reply, then the first message after it.
      assert.deepEqual(waiting.sla!.basis.happenings.map((happening) => happening.kind), ['status', 'agent_reply', 'customer_message']);
    });

    it('announces a warning and then a breach once each, however often the timer runs', async () => {
      await useSla(standard({ notifyRole: 'supervisor' }));
      const kase = (await fromWeb('help')).case;
      clock.set(T0 + 50 * MINUTE);
      assert.equal(await runTimers(), 1);
      assert.deepEqual(slaEvents(), [{ metric: 'firstResponse', kind: 'warning', dueAt: iso(T0 + HOUR), policyId: 'std' }]);
      assert.equal(await runTimers(), 0, 'the next timer is at the breach');
      await engine.checkSla(system, kase.id);
      assert.equal(slaEvents().length, 1, 'a timer run again announces nothing twice');
      clock.set(T0 + HOUR + 5_000);
      assert.equal(await runTimers(), 1);
      assert.deepEqual(slaEvents().slice(1), [{ metric: 'firstResponse', kind: 'breach', dueAt: iso(T0 + HOUR), policyId: 'std', notifyRole: 'supervisor' }]);
      await engine.checkSla(system, kase.id);
      await runTimers();
      assert.equal(slaEvents().length, 2);
      const breached = await current(kase.id);
      assert.deepEqual([breached.sla!.firstResponse.state, breached.sla!.firstResponse.breachedAt], ['breached', iso(T0 + HOUR)]);
      assert.equal((await store.getTimer(WS, `sla:${kase.id}`))?.dueAt, iso(T0 + 7 * HOUR + 50 * MINUTE), 'next: the resolution warning');
    });

    it('announces a breach reached between two changes even if the timer has not run yet', async () => {
      await useSla(standard());
      const kase = (await fromWeb('help')).case;
      clock.set(T0 + 2 * HOUR);
      await fromWeb('anyone?');
      assert.equal((await store.getTimer(WS, `sla:${kase.id}`))?.dueAt, iso(T0 + 2 * HOUR), 'due now');
      await runTimers();
      // The warning is moot once the clock has breached: only the breach is announced.
      assert.deepEqual(slaEvents().map((notice) => notice.kind), ['breach']);
    });

    it('escalates a breach: priority one step up and the case back to the queue for another agent', async () => {
      await useSla(standard({ raisePriority: true, reassign: true }));
      await engine.updateAgent(system, 'ag_ann', { capacity: { webchat: 2 } });
      await engine.createAgent(system, { id: 'ag_bob', email: 'bob@example.com', name: 'Bob', role: 'agent', passwordHash: null, capacity: { webchat: 2 } });
      await engine.setPresence(system, 'ag_bob', 'online');
      const kase = (await fromWeb('help')).case;
      const taken = await engine.updateCase(ann, kase.id, { version: (await current(kase.id)).version, assigneeId: 'ag_ann' });
      clock.set(T0 + HOUR);
      await runTimers();
      const escalated = await current(kase.id);
      assert.deepEqual([escalated.priority, escalated.assigneeId, escalated.sla!.reassignedFrom, escalated.queuedAt], ['high', null, 'ag_ann', taken.queuedAt]);
      const update = published.findLast((event) => event.type === 'case.updated' && event.caseId === kase.id);
      assert.deepEqual(update?.type === 'case.updated' && update.data.changes, { priority: ['normal', 'high'], assigneeId: ['ag_ann', null] });
      const pass = await engine.routeWaitingCases({ workspaceId: WS, system: 'routing' });
      assert.deepEqual(pass.assignments.map((assignment) => [assignment.caseId, assignment.agentId]), [[kase.id, 'ag_bob']]);
      // One breach, one escalation: the raised priority's tighter target does not breach the clock again.
      assert.deepEqual(slaEvents().filter((notice) => notice.kind === 'breach').map((notice) => notice.metric), ['firstResponse']);
      assert.equal((await current(kase.id)).priority, 'high');
    });

    it('counts business hours only: a case opened on Friday 16:30 in Madrid is due on Monday 09:30', async () => {
      const office: [string, string][] = [['09:00', '17:00']];
      await useSla({
        calendars: [{ id: 'madrid', timeZone: 'Europe/Madrid', hours: { mon: office, tue: office, wed: office, thu: office, fri: office } }],
        policies: [{ id: 'office', calendarId: 'madrid', targets: { normal: { firstResponseSeconds: 3600 } }, warnBeforeSeconds: 900 }],
        default: 'office',
      });
      clock.set(Date.parse('2026-03-06T15:30:00Z')); // Friday 16:30 in Madrid (UTC+1)
      const kase = (await fromWeb('weekend outage')).case;
      assert.deepEqual([kase.sla!.firstResponse.warnAt, kase.sla!.firstResponse.dueAt], ['2026-03-09T08:15:00.000Z', '2026-03-09T08:30:00.000Z']);
      clock.set(Date.parse('2026-03-08T12:00:00Z')); // Sunday
      assert.equal(await runTimers(), 0, 'nothing is due over the weekend');
      clock.set(Date.parse('2026-03-09T08:31:00Z'));
      assert.equal(await runTimers(), 1);
      assert.deepEqual(slaEvents().map((notice) => [notice.kind, notice.dueAt]), [['breach', '2026-03-09T08:30:00.000Z']]);
    });
  });
}
