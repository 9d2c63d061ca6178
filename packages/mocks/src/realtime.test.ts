import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeEvents, type CaseEvent } from '@casekit/protocol';
import { WebSocket as WebSocketTransport } from 'engine.io-client';
import { setupServer } from 'msw/node';
import { io, type Socket } from 'socket.io-client';
import { createMockApi, DEMO_PASSWORD, type MockApi } from './index.ts';

const BASE = 'https://realtime.mock.test';

describe('realtime against the mocks', () => {
  let mock: MockApi;
  const server = setupServer();
  const sockets: Socket[] = [];
  before(async () => {
    mock = await createMockApi({ baseUrl: BASE });
    server.use(...mock.handlers);
    server.listen({ onUnhandledFrame: 'error' });
  });
  after(() => {
    for (const socket of sockets) socket.close();
    server.close();
  });

  /** The platform's WebSocket as it is when connecting, so msw's interception applies. */
  class LateWebSocket extends WebSocketTransport {
    override createSocket(uri: string, protocols: string | string[] | undefined) {
      return new globalThis.WebSocket(uri, protocols);
    }
  }

  /** A socket.io client over the platform's WebSocket, which msw intercepts in Node and browsers. */
  function connect(namespace: '/agent' | '/visitor', token: string): Promise<Socket> {
    const socket = io(`${BASE}${namespace}`, { transports: [LateWebSocket], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  const next = (socket: Socket, match: (e: CaseEvent) => boolean) =>
    new Promise<CaseEvent>((resolve) =>
      socket.on('events', (events: CaseEvent[]) => {
        const found = events.find(match);
        if (found) resolve(found);
      }),
    );

  async function agentToken(email: string) {
    const res = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  }

  it('replays the log and pushes what the engine commits, to agents all of it and to a visitor only their own public messages', async () => {
    const agent = await connect('/agent', await agentToken('ben@northwind.example'));
    const replayed = (await agent.emitWithAck('resume', 0)) as { ok: true; value: { events: ArrayBuffer; lastSeq: number; hasMore: boolean } };
    assert.equal(replayed.ok, true);
    assert.ok(decodeEvents(replayed.value.events).length > 20, 'the seeded history');
    assert.equal(replayed.value.lastSeq, await mock.store.lastSeq(mock.workspaceId));

    const session = await (await fetch(`${BASE}/api/v1/visitor/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channelId: 'ch_web', name: 'Val' }) })).json();
    const visitor = await connect('/visitor', session.token);
    const agentSees = next(agent, (e) => e.type === 'message.created' && e.data.message.text === 'Hello from the page');
    const visitorSees = next(visitor, (e) => e.type === 'message.created' && e.data.message.text === 'Hello from the page');
    const sent = await fetch(`${BASE}/api/v1/visitor/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ text: 'Hello from the page', clientMessageId: 'v-1' }),
    });
    assert.equal(sent.status, 201);
    const forAgent = await agentSees;
    const forVisitor = await visitorSees;
    assert.ok(forAgent.type === 'message.created' && forAgent.data.case, 'agents get the case with the message');
    assert.ok(forVisitor.type === 'message.created' && !forVisitor.data.case, 'visitors get the message alone');

    const pushed: CaseEvent[] = [];
    visitor.on('events', (events: CaseEvent[]) => pushed.push(...events));
    const ben = await mock.actorOf('a_ben');
    await mock.engine.addNote(ben, { caseId: forAgent.caseId!, text: 'internal only' });
    const reply = next(visitor, (e) => e.type === 'message.created' && e.data.message.text === 'Hi Val');
    await mock.engine.reply(ben, { caseId: forAgent.caseId!, text: 'Hi Val' });
    await reply;
    assert.deepEqual(pushed.filter((e) => e.type !== 'message.created' || e.data.message.internal).map((e) => e.type), [], 'no note, no case event');
  });

  it('ends the socket of a signed-out token and of a deactivated agent, as the server does', async () => {
    const token = await agentToken('chloe@northwind.example');
    const socket = await connect('/agent', token);
    const ended = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const out = await fetch(`${BASE}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(out.status, 200);
    assert.equal(await ended, 'io server disconnect');
    await assert.rejects(connect('/agent', token), (error: Error & { data?: { code?: string } }) => error.data?.code === 'unauthorized');

    const benToken = await agentToken('ben@northwind.example');
    const ben = await connect('/agent', benToken);
    const benEnded = new Promise<string>((resolve) => ben.once('disconnect', resolve));
    const ada = await agentToken('ada@northwind.example');
    const off = await fetch(`${BASE}/api/v1/agents/a_ben/deactivate`, { method: 'POST', headers: { authorization: `Bearer ${ada}` } });
    assert.equal(off.status, 200);
    assert.equal(await benEnded, 'io server disconnect');
    await assert.rejects(connect('/agent', benToken), (error: Error & { data?: { code?: string } }) => error.data?.code === 'agent_deactivated');
    await fetch(`${BASE}/api/v1/agents/a_ben/reactivate`, { method: 'POST', headers: { authorization: `Bearer ${ada}` } });
  });

  it('refuses a bad token with the reason, so the client stops instead of retrying', async () => {
    await assert.rejects(connect('/agent', 'not-a-token'), (error: Error & { data?: { code?: string } }) => {
      assert.equal(error.data?.code, 'unauthorized');
      return true;
    });
  });
});
