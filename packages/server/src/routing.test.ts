import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueueResponse, WorkspaceSettings } from '@casekit/protocol';
import { startTestServer, type TestServer } from './internal/testing.ts';

let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const policy = {
  id: 'default',
  mode: 'auto',
  selection: 'least-loaded',
  sticky: true,
  widening: [{ afterSeconds: 0, minLevel: 'case', language: false, team: true }],
  onAgentOffline: 'reassign',
};

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('routing over HTTP', () => {
  it('takes routing settings from an admin, naming the field at fault and changing nothing on a bad one', async () => {
    const before = (await t.request('GET', '/api/v1/settings', { token: t.tokens.admin })).body as WorkspaceSettings;
    const bad = await t.request('PATCH', '/api/v1/settings', {
      token: t.tokens.admin,
      body: { routing: { policies: { default: { ...policy, widening: [{ afterSeconds: 30, minLevel: 'case', language: false, team: true }] } }, rules: [] } },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.ok(bad.body.error.details.issues.some((i: { path: string }) => i.path === 'body.routing.policies.default.widening.0.afterSeconds'), bad.text);
    const badRule = await t.request('PATCH', '/api/v1/settings', {
      token: t.tokens.admin,
      body: { routing: { policies: { default: policy }, rules: [{ name: 'x', when: { kind: 'any', of: [{ kind: 'colour', in: ['red'] }] }, set: { priority: 'high' } }] } },
    });
    assert.equal(badRule.status, 400, badRule.text);
    assert.ok(badRule.body.error.details.issues.some((i: { path: string }) => i.path.startsWith('body.routing.rules.0.when.of.0')), badRule.text);
    assert.deepEqual((await t.request('GET', '/api/v1/settings', { token: t.tokens.admin })).body, before, 'nothing changed');

    const forbidden = await t.request('PATCH', '/api/v1/settings', { token: t.tokens.supervisor, body: { routing: { policies: { default: policy }, rules: [] } } });
    assert.equal(forbidden.status, 403);
    const rules = [{ name: 'billing', when: { kind: 'keywords', any: ['invoice'] }, set: { team: 'billing', priority: 'high' } }];
    const saved = await t.request('PATCH', '/api/v1/settings', { token: t.tokens.admin, body: { routing: { policies: { default: policy }, rules } } });
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual(saved.body.routing.rules, [{ ...rules[0], stop: false }]);
  });

  it('routes a new chat to an online agent with room, and shows supervisors the queue', async () => {
    // Only the agent takes chats; the others are offline (presence does not follow sockets in these tests).
    const capacity = await t.request('PATCH', `/api/v1/agents/${t.agents.agent.id}`, { token: t.tokens.admin, body: { capacity: { webchat: 1 }, teams: ['billing'] } });
    assert.equal(capacity.status, 200, capacity.text);
    assert.deepEqual(capacity.body.capacity, { webchat: 1 });
    await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.agent, body: { presence: 'online' } });

    const first = await t.visitorSession({ name: 'First' });
    const sent = await t.request('POST', '/api/v1/visitor/messages', { token: first.token, body: { text: 'My invoice is wrong', clientMessageId: 'q-1' } });
    assert.equal(sent.status, 201, sent.text);
    const caseOf = async (id: string) => (await t.request('GET', `/api/v1/cases/${id}`, { token: t.tokens.supervisor })).body.case;
    await until(async () => (await caseOf(sent.body.caseId)).assigneeId === t.agents.agent.id, 'the agent has the first chat');
    assert.deepEqual([(await caseOf(sent.body.caseId)).team, (await caseOf(sent.body.caseId)).priority], ['billing', 'high'], 'the rule set them');

    const second = await t.visitorSession({ name: 'Second' });
    const waiting = await t.request('POST', '/api/v1/visitor/messages', { token: second.token, body: { text: 'Hello?', clientMessageId: 'q-2' } });
    const queue = await t.request('GET', '/api/v1/queue', { token: t.tokens.supervisor });
    assert.equal(queue.status, 200, queue.text);
    const body = queue.body as QueueResponse;
    assert.deepEqual(body.cases.map((c) => [c.case.id, c.position, c.channel]), [[waiting.body.caseId, 1, 'webchat']]);
    assert.deepEqual(body.agents.find((a) => a.agentId === t.agents.agent.id)?.load, { webchat: 1 });
    assert.equal((await t.request('GET', '/api/v1/queue', { token: t.tokens.agent })).status, 403, 'agents do not see the whole queue');

    // The agent solves the first chat: the slot frees and the second is theirs.
    const kase = await caseOf(sent.body.caseId);
    const solved = await t.request('PATCH', `/api/v1/cases/${kase.id}`, { token: t.tokens.agent, body: { version: kase.version, status: 'solved' } });
    assert.equal(solved.status, 200, solved.text);
    await until(async () => (await caseOf(waiting.body.caseId)).assigneeId === t.agents.agent.id, 'the second chat goes to the freed agent');
    await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.agent, body: { presence: 'offline' } });
    assert.equal((await caseOf(waiting.body.caseId)).assigneeId, null, 'gone offline, their open chat goes back to the queue');
  });
});
