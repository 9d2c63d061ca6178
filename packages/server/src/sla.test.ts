import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaseEvent, WorkspaceSettings } from '@casekit/protocol';
import { createSqliteStore } from '@casekit/store-sqlite';
import { createCasekitServer } from './compose.ts';
import { collectEvents, connectSocket, startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

const fastSla = (escalation: object) => ({
  policies: [{ id: 'fast', targets: { normal: { firstResponseSeconds: 1 }, high: { firstResponseSeconds: 600 } }, escalation }],
  default: 'fast',
});

async function until(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`timed out waiting until ${what}`);
}

const slaEvents = async (t: Pick<TestServer, 'store'>, caseId: string) =>
  (await t.store.listEvents(WORKSPACE, { after: 0, limit: 1000 })).filter((event) => event.type === 'case.sla' && event.caseId === caseId);

describe('SLA over HTTP', () => {
  it('takes SLA settings from an admin only, naming the field at fault and changing nothing on a bad one', async () => {
    const t = await startTestServer({ timers: false });
    try {
      const before = (await t.request('GET', '/api/v1/settings', { token: t.tokens.admin })).body as WorkspaceSettings;
      const bad = await t.request('PATCH', '/api/v1/settings', {
        token: t.tokens.admin,
        body: { sla: { policies: [{ id: 'std', targets: { urgent: { firstResponseSeconds: 0 } } }], default: 'std' } },
      });
      assert.equal(bad.status, 400, bad.text);
      assert.deepEqual(bad.body.error.details.issues.map((issue: { path: string }) => issue.path), ['body.sla.policies.0.targets.urgent.firstResponseSeconds']);
      const unknownZone = await t.request('PATCH', '/api/v1/settings', {
        token: t.tokens.admin,
        body: { sla: { calendars: [{ id: 'hq', timeZone: 'Mars/Olympus', hours: { mon: [['09:00', '17:00']] } }], policies: [{ id: 'std', calendarId: 'hq', targets: {} }], default: 'std' } },
      });
      assert.equal(unknownZone.status, 400, unknownZone.text);
      assert.ok(unknownZone.body.error.details.issues.some((issue: { path: string }) => issue.path === 'body.sla.calendars.0.timeZone'), unknownZone.text);
      assert.deepEqual((await t.request('GET', '/api/v1/settings', { token: t.tokens.admin })).body, before, 'nothing changed');
      assert.equal((await t.request('PATCH', '/api/v1/settings', { token: t.tokens.supervisor, body: { sla: fastSla({}) } })).status, 403);
      const saved = await t.request('PATCH', '/api/v1/settings', { token: t.tokens.admin, body: { sla: fastSla({ raisePriority: true }) } });
      assert.equal(saved.status, 200, saved.text);
      assert.deepEqual(saved.body.sla.calendars, [], 'defaults filled in');
    } finally {
      await t.close();
    }
  });

  it('an SLA breach escalates end to end: the timer fires, supervisors hear it, the priority rises and the case goes back to the queue', async () => {
    const t = await startTestServer({ timers: { pollMs: 50 } });
    try {
      const saved = await t.request('PATCH', '/api/v1/settings', { token: t.tokens.admin, body: { sla: fastSla({ raisePriority: true, reassign: true, notifyRole: 'supervisor' }) } });
      assert.equal(saved.status, 200, saved.text);
      const supervisor = collectEvents(await connectSocket(t.url, '/agent', t.tokens.supervisor));
      const visitorSession = await t.visitorSession({ name: 'Vic' });
      const visitorSocket = await connectSocket(t.url, '/visitor', visitorSession.token);
      const visitor = collectEvents(visitorSocket);
      const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitorSession.token, body: { text: 'Nothing works', clientMessageId: 'sla-1' } });
      assert.equal(sent.status, 201, sent.text);
      const caseId: string = sent.body.caseId;
      const read = async () => (await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.supervisor })).body.case;
      const opened = await read();
      assert.deepEqual([opened.sla.policyId, opened.sla.firstResponse.state, opened.sla.firstResponse.targetSeconds], ['fast', 'running', 1]);
      const taken = await t.request('PATCH', `/api/v1/cases/${caseId}`, { token: t.tokens.agent, body: { version: opened.version, assigneeId: t.agents.agent.id } });
      assert.equal(taken.status, 200, taken.text);

      // Nobody answers.
      const breach = await supervisor.waitFor((event) => event.type === 'case.sla' && event.caseId === caseId);
      assert.deepEqual(breach.type === 'case.sla' && breach.data, {
        metric: 'firstResponse',
        kind: 'breach',
        dueAt: opened.sla.firstResponse.dueAt,
        policyId: 'fast',
        notifyRole: 'supervisor',
      });
      const escalated = await supervisor.waitFor((event) => event.type === 'case.updated' && event.caseId === caseId && 'priority' in event.data.changes);
      assert.deepEqual(escalated.type === 'case.updated' && escalated.data.changes, { priority: ['normal', 'high'], assigneeId: [t.agents.agent.id, null] });
      const after = await read();
      assert.deepEqual(
        [after.priority, after.assigneeId, after.sla.firstResponse.state, after.sla.reassignedFrom],
        ['high', null, 'breached', t.agents.agent.id],
      );
      // Announced once, and never to the customer.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await slaEvents(t, caseId)).length, 1);
      assert.equal(visitor.events.filter((event: CaseEvent) => event.type === 'case.sla').length, 0);
      const replay = await t.request('GET', '/api/v1/events?after=0', { token: t.tokens.supervisor });
      assert.equal(replay.status, 200, replay.text);
      assert.equal(replay.body.events.filter((event: CaseEvent) => event.type === 'case.sla').length, 1, 'agents read it from the event log too');
      visitorSocket.close();
    } finally {
      await t.close();
    }
  });

  it('a timer scheduled before a restart fires once after it, from the SQLite file', async () => {
    const t = await startTestServer();
    try {
      const saved = await t.request('PATCH', '/api/v1/settings', { token: t.tokens.admin, body: { sla: { policies: [{ id: 'slow', targets: { normal: { firstResponseSeconds: 2 } } }], default: 'slow' } } });
      assert.equal(saved.status, 200, saved.text);
      const visitor = await t.visitorSession({ name: 'Rae' });
      const sent = await t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: 'Hello?', clientMessageId: 'sla-restart' } });
      const caseId: string = sent.body.caseId;
      const timer = await t.store.getTimer(WORKSPACE, `sla:${caseId}`);
      assert.ok(timer && Date.parse(timer.dueAt) > Date.now(), 'scheduled, not yet due');
      await t.server.close();
      await t.store.close();

      const store = await createSqliteStore({ filename: t.filename });
      const restarted = createCasekitServer({ store, auth: t.auth, workspaceId: WORKSPACE, presenceFromConnections: false, timers: { pollMs: 50 } });
      await restarted.listen(0);
      try {
        await until(async () => (await slaEvents({ store }, caseId)).length > 0, 'the breach is announced after the restart');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const events = await slaEvents({ store }, caseId);
        assert.deepEqual(events.map((event) => event.type === 'case.sla' && [event.data.kind, event.data.dueAt]), [['breach', timer.dueAt]]);
        assert.equal(await store.getTimer(WORKSPACE, `sla:${caseId}`), null, 'nothing else is due: the policy has no other target');
      } finally {
        await restarted.close();
        await store.close();
      }
    } finally {
      await t.close();
    }
  });
});
