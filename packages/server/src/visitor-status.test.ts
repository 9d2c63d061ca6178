import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { provisionAgent } from './provision.ts';
import { startTestServer, WORKSPACE, type TestServer } from './internal/testing.ts';

let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

async function status(token?: string) {
  const res = await t.request('GET', '/api/v1/visitor/status', token ? { token } : {});
  assert.equal(res.status, 200, res.text);
  return res.body as { agentsAvailable: boolean; queuePosition: number | null; estimatedWaitSeconds: number | null };
}

async function say(token: string, text: string) {
  const res = await t.request('POST', '/api/v1/visitor/messages', { token, body: { text, clientMessageId: `${text}-${Math.random()}` } });
  assert.equal(res.status, 201, res.text);
  return res.body as { caseId: string };
}

describe('visitor status', () => {
  it('tells anybody whether a human agent is online, counting no bot', async () => {
    assert.deepEqual(await status(), { agentsAvailable: false, queuePosition: null, estimatedWaitSeconds: null });
    const bot = await provisionAgent(t.engine, t.auth, WORKSPACE, { email: 'bot@example.com', name: 'Helper bot', password: 'a long password', kind: 'bot' });
    await t.server.engine.setPresence({ workspaceId: WORKSPACE, system: 'test' }, bot.id, 'online');
    assert.equal((await status()).agentsAvailable, false, 'a bot is not somebody to talk to');

    const online = await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.agent, body: { presence: 'online' } });
    assert.equal(online.status, 200, online.text);
    assert.equal((await status()).agentsAvailable, true);
    await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.agent, body: { presence: 'away' } });
    assert.equal((await status()).agentsAvailable, false, 'away is not available');
  });

  it("gives a visitor their own case's place in the queue, and only counts and booleans", async () => {
    const first = await t.visitorSession({ name: 'First' });
    const second = await t.visitorSession({ name: 'Second' });
    assert.equal((await status(first.token)).queuePosition, null, 'no case yet, not waiting');
    const firstCase = await say(first.token, 'My line is down');
    await say(second.token, 'Mine too');
    const answer = await status(second.token);
    assert.deepEqual(Object.keys(answer).sort(), ['agentsAvailable', 'estimatedWaitSeconds', 'queuePosition']);
    assert.equal(answer.estimatedWaitSeconds, null, 'nobody who could take it is online: no estimate');
    assert.equal((await status(first.token)).queuePosition, 1);
    assert.equal(answer.queuePosition, 2);
    assert.equal((await status()).queuePosition, null, 'without a token there is no place to tell');

    // An agent takes the first case by replying: the second moves up.
    const reply = await t.request('POST', `/api/v1/cases/${firstCase.caseId}/messages`, { token: t.tokens.agent, body: { text: 'On it' } });
    assert.equal(reply.status, 201, reply.text);
    assert.equal((await status(first.token)).queuePosition, null);
    assert.equal((await status(second.token)).queuePosition, 1);

    // The agent comes back online with room for chats: routing gives them the waiting case.
    await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.agent, body: { presence: 'online' } });
    for (let i = 0; i < 50 && (await status(second.token)).queuePosition !== null; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await status(second.token), { agentsAvailable: true, queuePosition: null, estimatedWaitSeconds: null });
  });

  it('refuses a token that is not a good visitor token instead of answering as anonymous', async () => {
    for (const token of [t.tokens.agent, 'garbage']) {
      const res = await t.request('GET', '/api/v1/visitor/status', { token });
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });
});

describe('visitor profile', () => {
  it('puts the name and email a visitor gives on their profile (the email as a contact detail), live for agents', async () => {
    const session = await t.visitorSession();
    const seq = await t.lastSeq();
    const res = await t.request('PATCH', '/api/v1/visitor/profile', {
      token: session.token,
      body: { name: 'Paula Profile', email: 'Paula@Example.com', attributes: { page: '/billing' } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { name: 'Paula Profile' });
    const customer = await t.request('GET', `/api/v1/customers/${session.customerId}`, { token: t.tokens.agent });
    assert.equal(customer.body.name, 'Paula Profile');
    assert.deepEqual(customer.body.emails, []);
    assert.equal(customer.body.attributes.contactEmail, 'paula@example.com');
    assert.equal(customer.body.attributes['visitor.page'], '/billing');
    const events = await t.store.listEvents(WORKSPACE, { after: seq, limit: 10 });
    assert.deepEqual(events.map((e) => e.type), ['customer.updated']);

    const again = await t.request('PATCH', '/api/v1/visitor/profile', { token: session.token, body: { email: 'paula@example.com' } });
    assert.equal(again.status, 200);
    assert.equal(await t.lastSeq(), seq + 1, 'no change, no event');
  });

  it("never lets a typed email bring someone else's mail into the visitor's chat", async () => {
    const impostor = await t.visitorSession({ name: 'Impostor', email: 'victim@example.com' });
    const later = await t.visitorSession();
    await t.request('PATCH', '/api/v1/visitor/profile', { token: later.token, body: { email: 'victim@example.com' } });
    // Mail from the real owner of the address arrives afterwards.
    const mail = await t.server.engine.ingest({
      workspaceId: WORKSPACE,
      channelId: 'email',
      from: { externalId: 'victim@example.com', email: 'victim@example.com', name: 'Victim' },
      text: 'My account number is 12345',
    });
    assert.ok(mail.customer.id !== impostor.customerId && mail.customer.id !== later.customerId, 'the mail opened its own profile');
    for (const session of [impostor, later]) {
      const history = await t.request('GET', '/api/v1/visitor/messages', { token: session.token });
      assert.equal(history.status, 200);
      assert.ok(!history.text.includes('12345'), "the stranger's mail is not in the chat");
      const profile = (await t.request('GET', `/api/v1/customers/${session.customerId}`, { token: t.tokens.agent })).body;
      assert.deepEqual(profile.emails, []);
      assert.equal(profile.attributes.contactEmail, 'victim@example.com', 'agents still see what was typed');
    }
  });

  it("keeps a visitor's attributes apart from what agents set, and caps them", async () => {
    const session = await t.visitorSession();
    await t.request('PATCH', `/api/v1/customers/${session.customerId}`, { token: t.tokens.agent, body: { attributes: { vip: false } } });
    const res = await t.request('PATCH', '/api/v1/visitor/profile', { token: session.token, body: { attributes: { vip: true, contactEmail: 'boss@example.com' } } });
    assert.equal(res.status, 200, res.text);
    const profile = (await t.request('GET', `/api/v1/customers/${session.customerId}`, { token: t.tokens.agent })).body;
    assert.equal(profile.attributes.vip, false, "the agent's value stands");
    assert.equal(profile.attributes['visitor.vip'], true);
    assert.equal(profile.attributes.contactEmail, undefined);
    assert.equal(profile.attributes['visitor.contactEmail'], 'boss@example.com');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const tooMany = await t.request('PATCH', '/api/v1/visitor/profile', { token: session.token, body: { attributes: many } });
    assert.equal(tooMany.status, 400, tooMany.text);
    assert.ok(tooMany.body.error.details.issues.some((i: { path: string }) => i.path.startsWith('body.attributes')), tooMany.text);
    for (let batch = 0; batch < 2; batch++) {
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`b${batch}-${i}`, i]));
      const answer = await t.request('PATCH', '/api/v1/visitor/profile', { token: session.token, body: { attributes: fifty } });
      assert.equal(answer.status, batch === 0 ? 200 : 400, answer.text);
    }
  });

  it('refuses an empty change, a bad email and a missing token, naming the field', async () => {
    const session = await t.visitorSession();
    const empty = await t.request('PATCH', '/api/v1/visitor/profile', { token: session.token, body: {} });
    assert.equal(empty.status, 400);
    const bad = await t.request('PATCH', '/api/v1/visitor/profile', { token: session.token, body: { email: 'nope' } });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.details.issues.some((i: { path: string }) => i.path === 'body.email'), bad.text);
    const anonymous = await t.request('PATCH', '/api/v1/visitor/profile', { body: { name: 'X' } });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(t.errors, [], 'nothing was logged as a server fault');
  });
});
