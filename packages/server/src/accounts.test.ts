import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket as ClientSocket } from 'socket.io-client';
import { collectEvents, connectSocket, PASSWORD, startTestServer, type TestServer } from './internal/testing.ts';

/** Resolves with the reason once the server hangs up on the socket. */
function hungUp(socket: ClientSocket, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/**
 * Holds the next agent handshake after its token was checked and before the socket joins its
 * rooms: `checked` resolves once it is held, `release` lets it go on.
 */
function holdNextHandshake(t: TestServer): { checked: Promise<void>; release: () => void } {
  let held: (() => void) | undefined;
  const checked = new Promise<void>((resolve) => {
    t.server.io.of('/agent').use((_socket, next) => {
      if (held) return next();
      held = next;
      resolve();
    });
  });
  return { checked, release: () => held!() };
}

describe('agent accounts over HTTP and sockets', () => {
  let t: TestServer;
  const login = (email: string, password = PASSWORD) => t.request('POST', '/api/v1/auth/login', { body: { email, password } });
  const me = (token: string) => t.request('GET', '/api/v1/me', { token });

  before(async () => {
    t = await startTestServer({ loginLimits: { perEmail: 3, perAddress: 1000, windowMs: 60_000 } });
  });
  after(() => t.close());

  it('changes a password with the current one: the old password and every other token stop working, the new token works', async () => {
    const first = (await login('other@example.com')).body.token as string;
    const second = (await login('other@example.com')).body.token as string;
    const socket = await connectSocket(t.url, '/agent', second);
    const wrong = await t.request('POST', '/api/v1/me/password', { token: first, body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body.error.details.issues, [{ path: 'body.currentPassword', message: 'is not your current password' }]);
    const short = await t.request('POST', '/api/v1/me/password', { token: first, body: { currentPassword: PASSWORD, newPassword: 'short' } });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.details.issues[0].path, 'body.newPassword');

    const gone = hungUp(socket);
    const changed = await t.request('POST', '/api/v1/me/password', { token: first, body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.agent.email, 'other@example.com');
    assert.equal((await me(changed.body.token)).status, 200, 'the answer carries a working token');
    for (const old of [first, second]) {
      const refused = await me(old);
      assert.equal(refused.status, 401);
      assert.match(refused.body.error.message, /password was changed/);
    }
    assert.equal(await gone, 'io server disconnect', 'the socket of an earlier token is ended');
    await assert.rejects(connectSocket(t.url, '/agent', second), /password was changed/);
    assert.equal((await login('other@example.com')).status, 401, 'the old password is refused');
    assert.equal((await login('other@example.com', 'a brand new passphrase')).status, 200);
  });

  it('signs out: that token is refused and its socket ends, the agent shows offline to others, their other tokens go on', async () => {
    const mine = (await login('agent@example.com')).body.token as string;
    const elsewhere = (await login('agent@example.com')).body.token as string;
    await t.request('PUT', '/api/v1/me/presence', { token: mine, body: { presence: 'online' } });
    const socket = await connectSocket(t.url, '/agent', mine);
    const watcher = await connectSocket(t.url, '/agent', t.tokens.admin);
    const seen = collectEvents(watcher);
    const gone = hungUp(socket);
    const out = await t.request('POST', '/api/v1/auth/logout', { token: mine });
    assert.deepEqual([out.status, out.body], [200, { signedOut: true }]);
    const refused = await me(mine);
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /signed out/);
    assert.equal(await gone, 'io server disconnect');
    const offline = await seen.waitFor((e) => e.type === 'agent.presence' && e.data.agentId === t.agents.agent.id);
    assert.equal(offline.type === 'agent.presence' && offline.data.presence, 'offline');
    assert.equal((await me(elsewhere)).status, 200, 'signing out one device leaves the others signed in');
    const agents = await t.request('GET', '/api/v1/agents', { token: elsewhere });
    assert.equal(agents.body.items.find((a: { id: string }) => a.id === t.agents.agent.id).presence, 'offline');
    watcher.close();
  });

  it('broadcasts presence set from the workbench to the other agents', async () => {
    const watcher = await connectSocket(t.url, '/agent', t.tokens.admin);
    const seen = collectEvents(watcher);
    const away = await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.supervisor, body: { presence: 'away' } });
    assert.equal(away.body.presence, 'away');
    const event = await seen.waitFor((e) => e.type === 'agent.presence' && e.data.agentId === t.agents.supervisor.id);
    assert.equal(event.type === 'agent.presence' && event.data.presence, 'away');
    const bad = await t.request('PUT', '/api/v1/me/presence', { token: t.tokens.supervisor, body: { presence: 'busy' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.issues[0].path, 'body.presence');
    watcher.close();
  });

  it('lets an admin edit an agent, naming the field of a bad request; others may not', async () => {
    const path = `/api/v1/agents/${t.agents.other.id}`;
    const edited = await t.request('PATCH', path, { token: t.tokens.admin, body: { name: 'Otto', role: 'supervisor', teams: ['billing'], skills: [{ name: 'fiber', level: 3 }] } });
    assert.equal(edited.status, 200, edited.text);
    assert.deepEqual([edited.body.name, edited.body.role, edited.body.teams], ['Otto', 'supervisor', ['billing']]);
    const bad = await t.request('PATCH', path, { token: t.tokens.admin, body: { role: 'boss' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.issues[0].path, 'body.role');
    assert.equal((await t.request('PATCH', path, { token: t.tokens.admin, body: {} })).status, 400);
    assert.equal((await t.request('PATCH', path, { token: t.tokens.supervisor, body: { name: 'x' } })).status, 403);
    assert.equal((await t.request('PATCH', '/api/v1/agents/ag_nobody', { token: t.tokens.admin, body: { name: 'x' } })).status, 404);
    const demote = await t.request('PATCH', `/api/v1/agents/${t.agents.admin.id}`, { token: t.tokens.admin, body: { role: 'agent' } });
    assert.equal(demote.status, 409, 'the only admin stays one');
  });

  it('deactivates: sign-in refused with a clear code, tokens and sockets stop, cases stay; reactivation lets them sign in again', async () => {
    const mail = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat' } });
    await t.request('POST', '/api/v1/visitor/messages', { token: mail.body.token, body: { text: 'Need help', clientMessageId: 'deact-1' } });
    const kase = (await t.request('GET', `/api/v1/cases?customerId=${mail.body.customerId}`, { token: t.tokens.admin })).body.items[0];
    await t.request('PATCH', `/api/v1/cases/${kase.id}`, { token: t.tokens.admin, body: { version: kase.version, assigneeId: t.agents.agent.id } });

    const token = (await login('agent@example.com')).body.token as string;
    const socket = await connectSocket(t.url, '/agent', token);
    const gone = hungUp(socket);
    assert.equal((await t.request('POST', `/api/v1/agents/${t.agents.agent.id}/deactivate`, { token: t.tokens.supervisor })).status, 403);
    const off = await t.request('POST', `/api/v1/agents/${t.agents.agent.id}/deactivate`, { token: t.tokens.admin });
    assert.equal(off.status, 200, off.text);
    assert.deepEqual([off.body.active, off.body.presence], [false, 'offline']);

    const refused = await me(token);
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'agent_deactivated']);
    assert.equal(await gone, 'io server disconnect');
    await assert.rejects(connectSocket(t.url, '/agent', token), (error: Error & { data?: { code?: string } }) => error.data?.code === 'agent_deactivated');
    const signIn = await login('agent@example.com');
    assert.deepEqual([signIn.status, signIn.body.error.code], [403, 'agent_deactivated']);
    assert.equal((await login('agent@example.com', 'a wrong password')).status, 401, 'nobody without the password learns the account is deactivated');
    const still = await t.request('GET', `/api/v1/cases/${kase.id}`, { token: t.tokens.admin });
    assert.equal(still.body.case.assigneeId, t.agents.agent.id, 'their cases stay');
    const listed = await t.request('GET', '/api/v1/agents', { token: t.tokens.admin });
    assert.equal(listed.body.items.find((a: { id: string }) => a.id === t.agents.agent.id).active, false);

    const on = await t.request('POST', `/api/v1/agents/${t.agents.agent.id}/reactivate`, { token: t.tokens.admin });
    assert.equal(on.body.active, true);
    assert.equal((await me(token)).status, 401, 'a token from before stays refused');
    const again = await login('agent@example.com');
    assert.equal(again.status, 200);
    assert.equal((await me(again.body.token)).status, 200);
  });

  it('resets a password to a generated one, shown once to the admin; the agent’s tokens stop working', async () => {
    const old = (await login('super@example.com')).body.token as string;
    const reset = await t.request('POST', `/api/v1/agents/${t.agents.supervisor.id}/reset-password`, { token: t.tokens.admin });
    assert.equal(reset.status, 200, reset.text);
    assert.match(reset.body.password, /^[\w-]{16}$/);
    assert.equal('passwordHash' in reset.body.agent, false);
    assert.equal((await me(t.tokens.supervisor)).status, 401);
    assert.equal((await me(old)).status, 401);
    assert.equal((await login('super@example.com', PASSWORD)).status, 401, 'the old password is gone');
    assert.equal((await login('super@example.com', reset.body.password)).status, 200);
    assert.equal((await t.request('POST', `/api/v1/agents/${t.agents.admin.id}/reset-password`, { token: (await login('super@example.com', reset.body.password)).body.token })).status, 403, 'only admins reset');
  });

  it("refuses an admin's reset of their own password: their own change needs the current one", async () => {
    const token = (await login('admin@example.com')).body.token as string;
    const reset = await t.request('POST', `/api/v1/agents/${t.agents.admin.id}/reset-password`, { token });
    assert.equal(reset.status, 409, reset.text);
    assert.match(reset.body.error.message, /me\/password/);
    assert.equal('password' in reset.body, false);
    assert.equal((await me(token)).status, 200, 'their sign-in goes on');
    assert.equal((await login('admin@example.com')).status, 200, 'their password is unchanged');
  });

  it('counts wrong current passwords like failed sign-ins', async () => {
    const { token } = (await login('other@example.com', 'a brand new passphrase')).body;
    for (let i = 0; i < 3; i++) {
      assert.equal((await t.request('POST', '/api/v1/me/password', { token, body: { currentPassword: `guess ${i}`, newPassword: 'whatever long enough' } })).status, 400);
    }
    const blocked = await t.request('POST', '/api/v1/me/password', { token, body: { currentPassword: 'a brand new passphrase', newPassword: 'whatever long enough' } });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal((await login('other@example.com', 'a brand new passphrase')).status, 429, 'sign-in of that email is blocked too');
  });

  it('ends a socket whose token was signed out while its handshake was being accepted', async () => {
    const token = (await login('agent@example.com')).body.token as string;
    const { checked, release } = holdNextHandshake(t);
    const connecting = connectSocket(t.url, '/agent', token);
    await checked;
    assert.equal((await t.request('POST', '/api/v1/auth/logout', { token })).status, 200);
    release();
    const socket = await connecting.catch(() => null);
    const ended = socket && (socket.connected ? hungUp(socket, 3000) : Promise.resolve('io server disconnect'));
    if (ended) assert.equal(await ended, 'io server disconnect', 'a signed-out token keeps no socket');
  });
});

describe('agent management racing a change of the admin who asks', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('refuses an admin action whose admin was demoted while the request was under way', async () => {
    const created = await t.request('POST', '/api/v1/agents', {
      token: t.tokens.admin,
      body: { email: 'second@example.com', name: 'Second', role: 'admin', password: 'second admin passphrase' },
    });
    assert.equal(created.status, 201, created.text);
    const second = (await t.request('POST', '/api/v1/auth/login', { body: { email: 'second@example.com', password: 'second admin passphrase' } })).body.token as string;
    // The reset is signed in as an admin at once, then spends a while hashing the new password:
    // meanwhile the other admin demotes its sender.
    const reset = t.request('POST', `/api/v1/agents/${t.agents.admin.id}/reset-password`, { token: second });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const demoted = await t.request('PATCH', `/api/v1/agents/${created.body.id}`, { token: t.tokens.admin, body: { role: 'agent' } });
    assert.equal(demoted.status, 200, demoted.text);
    const answer = await reset;
    assert.equal(answer.status, 403, 'a demoted admin takes over no account');
    assert.equal((await t.request('GET', '/api/v1/me', { token: t.tokens.admin })).status, 200, 'the admin stays signed in');
  });
});

describe('presence that follows connections, for an agent deactivated while connecting', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ presenceFromConnections: 50 });
  });
  after(() => t.close());

  it('never shows a deactivated agent online', async () => {
    const token = (await t.request('POST', '/api/v1/auth/login', { body: { email: 'agent@example.com', password: PASSWORD } })).body.token as string;
    const watcher = await connectSocket(t.url, '/agent', t.tokens.admin);
    const seen = collectEvents(watcher);
    const { checked, release } = holdNextHandshake(t);
    const connecting = connectSocket(t.url, '/agent', token).catch(() => null);
    await checked;
    assert.equal((await t.request('POST', `/api/v1/agents/${t.agents.agent.id}/deactivate`, { token: t.tokens.admin })).status, 200);
    release();
    (await connecting)?.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const online = seen.events.filter((e) => e.type === 'agent.presence' && e.data.agentId === t.agents.agent.id && e.data.presence === 'online');
    assert.deepEqual(online, [], 'nobody sees a deactivated agent come online');
    const listed = (await t.request('GET', '/api/v1/agents', { token: t.tokens.admin })).body.items.find((a: { id: string }) => a.id === t.agents.agent.id);
    assert.deepEqual([listed.active, listed.presence], [false, 'offline']);
    watcher.close();
  });
});
