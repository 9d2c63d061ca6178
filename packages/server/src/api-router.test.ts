import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ErrorBody, ROUTES } from '@casekit/protocol/schemas';
import { createManualClock } from '@casekit/testkit';
import { PASSWORD, startTestServer, WORKSPACE, type HttpResult, type TestServer } from './internal/testing.ts';

let t: TestServer;
let caseId: string;
let customerId: string;
let visitorToken: string;

function assertError(res: HttpResult, status: number, code: string, messageMatch?: RegExp): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.ok(ErrorBody.safeParse(res.body).success, `error body has the documented shape: ${res.text}`);
  assert.equal(res.body.error.code, code);
  assert.ok(res.body.error.message.length > 10, 'the message explains what went wrong');
  if (messageMatch) assert.match(res.body.error.message, messageMatch);
}

before(async () => {
  t = await startTestServer({ bodyLimit: 64 * 1024 });
  const visitor = await t.visitorSession({ name: 'Olivia' });
  visitorToken = visitor.token;
  customerId = visitor.customerId;
  const sent = await t.request('POST', '/api/v1/visitor/messages', {
    token: visitorToken,
    body: { text: 'My internet is down', clientMessageId: 'c-1' },
  });
  assert.equal(sent.status, 201, sent.text);
  caseId = sent.body.caseId;
});
after(() => t.close());

describe('login and tokens', () => {
  it('signs an agent in and returns a token that works', async () => {
    const res = await t.request('POST', '/api/v1/auth/login', { body: { email: 'Agent@Example.com', password: PASSWORD } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.agent.email, 'agent@example.com');
    assert.equal(res.body.agent.passwordHash, undefined, 'the hash never leaves the server');
    const me = await t.request('GET', '/api/v1/me', { token: res.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, t.agents.agent.id);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrongPassword = await t.request('POST', '/api/v1/auth/login', { body: { email: 'agent@example.com', password: 'nope' } });
    const wrongEmail = await t.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: PASSWORD } });
    assertError(wrongPassword, 401, 'unauthorized');
    assertError(wrongEmail, 401, 'unauthorized');
    assert.equal(wrongPassword.body.error.message, wrongEmail.body.error.message);
  });

  it('refuses sign-ins for a while after repeated failures, per email and per address', async () => {
    const clock = createManualClock(Date.now());
    const limited = await startTestServer({ loginLimits: { perEmail: 3, perAddress: 5, windowMs: 1500 }, clock });
    try {
      const login = (email: string, password: string) => limited.request('POST', '/api/v1/auth/login', { body: { email, password } });
      for (let i = 0; i < 3; i++) assertError(await login('other@example.com', 'guess'), 401, 'unauthorized');
      // Blocked: even the right password is refused, with a Retry-After.
      const blocked = await login('Other@example.com', PASSWORD);
      assertError(blocked, 429, 'rate_limited', /try again/);
      assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
      assert.ok(blocked.body.error.details.retryAfterSeconds >= 1);
      // Another account from the same address still signs in, until the address is blocked too.
      assert.equal((await login('agent@example.com', PASSWORD)).status, 200);
      for (let i = 0; i < 2; i++) assertError(await login(`nobody${i}@example.com`, 'guess'), 401, 'unauthorized');
      assertError(await login('admin@example.com', PASSWORD), 429, 'rate_limited');
      // Once the window has passed, the right password works again.
      clock.advance(1600);
      assert.equal((await login('other@example.com', PASSWORD)).status, 200);
      // Guesses sent all at once are counted before any is checked.
      const burst = await Promise.all(Array.from({ length: 12 }, () => login('super@example.com', 'guess')));
      assert.equal(burst.filter((r) => r.status === 401).length, 3, burst.map((r) => r.status).join(' '));
      assert.equal(burst.filter((r) => r.status === 429).length, 9);
      assert.deepEqual(limited.errors, []);
    } finally {
      await limited.close();
    }
  });

  it('refuses missing, forged, expired and visitor tokens on agent routes', async () => {
    const seq = await t.lastSeq();
    assertError(await t.request('GET', '/api/v1/cases'), 401, 'unauthorized', /Bearer/);
    const [head, payload] = t.tokens.agent.split('.');
    const forged = `${head}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    assertError(await t.request('GET', '/api/v1/cases', { token: forged }), 401, 'unauthorized');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ typ: 'agent', sub: t.agents.admin.id, workspaceId: WORKSPACE })).toString('base64url')}.${t.tokens.agent.split('.')[2]}`;
    assertError(await t.request('PATCH', '/api/v1/settings', { token: tampered, body: { displayName: 'Hacked' } }), 401, 'unauthorized');
    assertError(await t.request('GET', '/api/v1/cases', { token: 'garbage' }), 401, 'unauthorized');
    assertError(await t.request('GET', '/api/v1/cases', { token: visitorToken }), 401, 'unauthorized', /not an agent token/);
    const { createAuth } = await import('./auth.ts');
    const shortLived = createAuth({ jwtSecret: 'test-secret-that-is-long-enough-0123456789', tokenTtlSeconds: -60 });
    const expired = await shortLived.signAgentToken(t.agents.agent);
    assertError(await t.request('GET', '/api/v1/me', { token: expired.token }), 401, 'unauthorized', /expired/);
    assert.equal(await t.lastSeq(), seq);
  });

  it('keeps agents out of visitor routes and visitors out of agent routes', async () => {
    assertError(await t.request('GET', '/api/v1/visitor/messages', { token: t.tokens.agent }), 401, 'unauthorized');
    assertError(await t.request('GET', `/api/v1/cases/${caseId}`, { token: visitorToken }), 401, 'unauthorized');
    const seq = await t.lastSeq();
    const body = { text: 'hi', clientMessageId: 'no-token' };
    assertError(await t.request('POST', '/api/v1/visitor/messages', { body }), 401, 'unauthorized', /visitor session/);
    assertError(await t.request('POST', '/api/v1/visitor/messages', { token: `${visitorToken.slice(0, -4)}AAAA`, body }), 401, 'unauthorized');
    assert.equal(await t.lastSeq(), seq);
  });
});

describe('malformed input', () => {
  it('rejects malformed JSON with invalid_json and changes nothing', async () => {
    const seq = await t.lastSeq();
    const res = await t.request('POST', `/api/v1/cases/${caseId}/notes`, {
      token: t.tokens.agent,
      raw: '{"text": "hi",',
      headers: { 'content-type': 'application/json' },
    });
    assertError(res, 400, 'invalid_json', /not valid JSON/);
    assertError(
      await t.request('POST', '/api/v1/visitor/messages', { token: visitorToken, raw: 'null', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_json',
    );
    assert.equal(await t.lastSeq(), seq);
  });

  it('names each field with the wrong type', async () => {
    const seq = await t.lastSeq();
    const res = await t.request('POST', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent, body: { text: 42, extra: true } });
    assertError(res, 400, 'validation_failed');
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path);
    assert.ok(paths.includes('body.text'), `issues name body.text: ${res.text}`);
    const empty = await t.request('POST', '/api/v1/visitor/messages', { token: visitorToken, body: { text: '   ', clientMessageId: 'x' } });
    assertError(empty, 400, 'validation_failed', /body\.text/);
    const query = await t.request('GET', '/api/v1/cases?limit=abc&status=bogus', { token: t.tokens.agent });
    assertError(query, 400, 'validation_failed');
    const queryPaths = query.body.error.details.issues.map((i: { path: string }) => i.path);
    assert.ok(queryPaths.includes('query.limit') && queryPaths.some((p: string) => p.startsWith('query.status')), query.text);
    assert.equal(await t.lastSeq(), seq);
  });

  it('refuses an oversized body with 413 and a non-JSON body with 415', async () => {
    const seq = await t.lastSeq();
    const big = await t.request('POST', '/api/v1/visitor/messages', {
      token: visitorToken,
      body: { text: 'x'.repeat(70 * 1024), clientMessageId: 'big' },
    });
    assertError(big, 413, 'payload_too_large', /limit/);
    const form = await t.request('POST', '/api/v1/visitor/messages', {
      token: visitorToken,
      raw: 'text=hello&clientMessageId=f1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertError(form, 415, 'unsupported_media_type', /application\/json/);
    assert.equal(await t.lastSeq(), seq);
  });

  it('rejects a cursor it did not issue', async () => {
    for (const path of ['/api/v1/cases', `/api/v1/cases/${caseId}/messages`, '/api/v1/customers', `/api/v1/customers/${customerId}/timeline`]) {
      const res = await t.request('GET', `${path}?cursor=bm90LWEtY3Vyc29y`, { token: t.tokens.agent });
      assertError(res, 400, 'invalid_cursor');
    }
    assertError(await t.request('GET', '/api/v1/visitor/messages?cursor=zzz', { token: visitorToken }), 400, 'invalid_cursor');
  });

  it('answers 404 for unknown ids and unknown routes', async () => {
    const seq = await t.lastSeq();
    assertError(await t.request('GET', '/api/v1/cases/c_doesnotexist', { token: t.tokens.agent }), 404, 'not_found', /c_doesnotexist/);
    assertError(
      await t.request('PATCH', '/api/v1/cases/c_doesnotexist', { token: t.tokens.agent, body: { version: 1, priority: 'high' } }),
      404,
      'not_found',
    );
    assertError(await t.request('POST', '/api/v1/cases/c_nope/notes', { token: t.tokens.agent, body: { text: 'hello' } }), 404, 'not_found');
    assertError(await t.request('GET', '/api/v1/customers/cu_nope', { token: t.tokens.agent }), 404, 'not_found');
    assertError(await t.request('GET', '/api/v1/no-such-thing', { token: t.tokens.agent }), 404, 'not_found');
    assertError(await t.request('GET', '/api/v1/cases/bad%20id!', { token: t.tokens.agent }), 400, 'validation_failed', /params\.caseId/);
    assert.equal(await t.lastSeq(), seq);
  });
});

describe('roles and isolation', () => {
  it('lets only admins change settings, create agents and channels', async () => {
    const seq = await t.lastSeq();
    const before = await t.request('GET', '/api/v1/settings', { token: t.tokens.agent });
    assert.equal(before.status, 200);
    for (const token of [t.tokens.agent, t.tokens.supervisor]) {
      assertError(await t.request('PATCH', '/api/v1/settings', { token, body: { displayName: 'Hijacked' } }), 403, 'forbidden', /admin/);
      assertError(
        await t.request('POST', '/api/v1/agents', { token, body: { email: 'x@example.com', name: 'X', password: 'long enough pw' } }),
        403,
        'forbidden',
      );
      assertError(await t.request('POST', '/api/v1/channels', { token, body: { kind: 'sms', name: 'SMS' } }), 403, 'forbidden');
    }
    const after = await t.request('GET', '/api/v1/settings', { token: t.tokens.agent });
    assert.deepEqual(after.body, before.body);
    assert.equal((await t.request('GET', '/api/v1/agents', { token: t.tokens.agent })).body.items.length, 4);
    assert.equal(await t.lastSeq(), seq);

    const changed = await t.request('PATCH', '/api/v1/settings', { token: t.tokens.admin, body: { displayName: 'Test ISP support' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.displayName, 'Test ISP support');
  });

  it('lets supervisors merge customers but not agents', async () => {
    const other = await t.visitorSession({ name: 'Someone else' });
    const seq = await t.lastSeq();
    const denied = await t.request('POST', `/api/v1/customers/${customerId}/merge`, {
      token: t.tokens.agent,
      body: { sourceCustomerId: other.customerId },
    });
    assertError(denied, 403, 'forbidden', /supervisor/);
    assert.equal(await t.lastSeq(), seq);
  });

  it("hides another customer's conversation from a visitor (404, as if it did not exist)", async () => {
    const detail = await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.agent });
    const conversationId = detail.body.conversations[0].id;
    const own = await t.request('GET', `/api/v1/visitor/conversations/${conversationId}/messages`, { token: visitorToken });
    assert.equal(own.status, 200);
    assert.equal(own.body.items.length, 1);

    const stranger = await t.visitorSession({ name: 'Stranger' });
    const res = await t.request('GET', `/api/v1/visitor/conversations/${conversationId}/messages`, { token: stranger.token });
    assertError(res, 404, 'not_found');
    const missing = await t.request('GET', '/api/v1/visitor/conversations/cv_missing/messages', { token: stranger.token });
    assert.equal(missing.body.error.message.replace('cv_missing', conversationId), res.body.error.message);
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: stranger.token });
    assert.deepEqual(history.body.items, []);
  });

  it('never shows internal notes to the visitor', async () => {
    const note = await t.request('POST', `/api/v1/cases/${caseId}/notes`, { token: t.tokens.agent, body: { text: 'Customer sounds upset' } });
    assert.equal(note.status, 201, note.text);
    const reply = await t.request('POST', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent, body: { text: 'Looking into it' } });
    assert.equal(reply.status, 201, reply.text);
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: visitorToken });
    const texts = history.body.items.map((m: { text: string }) => m.text);
    assert.ok(texts.includes('Looking into it'));
    assert.ok(!texts.includes('Customer sounds upset'));
  });
});

describe('concurrency and idempotency', () => {
  it('lets one of two agents updating from the same version win; the other gets 409', async () => {
    const current = await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.agent });
    const version = current.body.case.version;
    const [a, b] = await Promise.all([
      t.request('PATCH', `/api/v1/cases/${caseId}`, { token: t.tokens.agent, body: { version, priority: 'high' } }),
      t.request('PATCH', `/api/v1/cases/${caseId}`, { token: t.tokens.other, body: { version, priority: 'urgent' } }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `${a.text} / ${b.text}`);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    assertError(loser, 409, 'version_conflict', /reload/);
    const now = await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.agent });
    assert.equal(now.body.case.priority, winner.body.priority);
    assert.equal(now.body.case.version, version + 1);
  });

  it('stores a reply once when its Idempotency-Key answer was lost before the retry', async () => {
    const send = () =>
      t.request('POST', `/api/v1/cases/${caseId}/messages`, { token: t.tokens.agent, body: { text: 'Sent once, retried' }, headers: { 'idempotency-key': 'lost-answer-1' } });
    const first = await send();
    assert.equal(first.status, 201, first.text);
    // The server died after the message committed and before the key's answer was kept.
    const db = new Database(join(dirname(t.uploadsDir), 'casekit.db'));
    db.prepare('DELETE FROM idempotency').run();
    db.close();
    const retry = await send();
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.body.id, first.body.id);
    const messages = await t.request('GET', `/api/v1/cases/${caseId}/messages?limit=200`, { token: t.tokens.agent });
    assert.equal(messages.body.items.filter((m: { text: string }) => m.text === 'Sent once, retried').length, 1);
  });

  it('refuses a status the lifecycle does not allow with 422', async () => {
    const current = await t.request('GET', `/api/v1/cases/${caseId}`, { token: t.tokens.agent });
    const closed = await t.request('PATCH', `/api/v1/cases/${caseId}`, {
      token: t.tokens.agent,
      body: { version: current.body.case.version, status: 'closed' },
    });
    assert.equal(closed.status, 200, closed.text);
    const seq = await t.lastSeq();
    const reopen = await t.request('PATCH', `/api/v1/cases/${caseId}`, {
      token: t.tokens.agent,
      body: { version: closed.body.version, status: 'open' },
    });
    assertError(reopen, 422, 'invalid_transition');
    assert.equal(await t.lastSeq(), seq);
  });

  it('replays a create for the same Idempotency-Key and refuses another body with it', async () => {
    const body = { email: 'new.agent@example.com', name: 'New Agent', password: 'a long password', role: 'agent' };
    const headers = { 'idempotency-key': 'create-agent-1' };
    const first = await t.request('POST', '/api/v1/agents', { token: t.tokens.admin, body, headers });
    assert.equal(first.status, 201, first.text);
    const again = await t.request('POST', '/api/v1/agents', { token: t.tokens.admin, body, headers });
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const list = await t.request('GET', '/api/v1/agents', { token: t.tokens.admin });
    assert.equal(list.body.items.filter((a: { email: string }) => a.email === 'new.agent@example.com').length, 1);
    const different = await t.request('POST', '/api/v1/agents', { token: t.tokens.admin, body: { ...body, name: 'Other' }, headers });
    assertError(different, 409, 'conflict', /Idempotency-Key/);
    const withoutKey = await t.request('POST', '/api/v1/agents', { token: t.tokens.admin, body });
    assertError(withoutKey, 409, 'conflict', /already exists/);
  });

  it('stores a visitor message once for a repeated clientMessageId', async () => {
    const visitor = await t.visitorSession();
    const send = () =>
      t.request('POST', '/api/v1/visitor/messages', { token: visitor.token, body: { text: 'Hello?', clientMessageId: 'dup-1' } });
    const first = await send();
    const seq = await t.lastSeq();
    const [second, third] = await Promise.all([send(), send()]);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(third.status, 201);
    assert.equal(second.body.id, first.body.id);
    assert.equal(third.body.id, first.body.id);
    assert.equal(await t.lastSeq(), seq, 'a duplicate changes nothing');
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: visitor.token });
    assert.equal(history.body.items.length, 1);
  });
});

describe('read state', () => {
  it('lists when the signed-in agent last read each case, and marks a case read', async () => {
    const before = await t.request('GET', '/api/v1/cases', { token: t.tokens.other });
    assert.equal(before.status, 200);
    assert.equal(before.body.readAt[caseId], undefined);
    const marked = await t.request('POST', `/api/v1/cases/${caseId}/read`, { token: t.tokens.other });
    assert.equal(marked.status, 200, marked.text);
    assert.equal(marked.body.caseId, caseId);
    const after = await t.request('GET', '/api/v1/cases', { token: t.tokens.other });
    assert.equal(after.body.readAt[caseId], marked.body.readAt);
    // Per agent: another agent's list is unchanged by it.
    const others = await t.request('GET', '/api/v1/cases', { token: t.tokens.supervisor });
    assert.equal(others.body.readAt[caseId], undefined);
    assertError(await t.request('POST', '/api/v1/cases/c_unknown/read', { token: t.tokens.other }), 404, 'not_found');
    const visitor = await t.visitorSession();
    assertError(await t.request('POST', `/api/v1/cases/${caseId}/read`, { token: visitor.token }), 401, 'unauthorized');
  });
});

describe('garbage at every route', () => {
  it('never answers 500, whatever the path, query or body', async () => {
    const seed = 1234567;
    let state = seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const garbageStrings = ['', ' ', 'x', '%', '%zz', '..', '../../etc/passwd', '0', '-1', '1e309', 'null', '🙂', 'a'.repeat(300), '[]', '{}', "'; DROP TABLE cases;--"];
    const garbageValues: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'text', [], [1, 'a'], {}, { a: { b: [] } }, 'x'.repeat(20_000)];
    const randomBody = (): { raw?: string; body?: unknown; headers?: Record<string, string> } => {
      const kind = Math.floor(random() * 6);
      if (kind === 0) return { raw: pick(['{', '{"a":', '[1,2', 'undefined', '\u0000', '{"text":"\ud800"}']), headers: { 'content-type': 'application/json' } };
      if (kind === 1) return { raw: 'plain text', headers: { 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data']) } };
      if (kind === 2) return { body: pick(garbageValues) };
      if (kind === 3) {
        const obj: Record<string, unknown> = {};
        for (const key of ['text', 'version', 'status', 'email', 'password', 'clientMessageId', 'channelId', 'kind', 'name', 'presence', 'targetCaseId', 'sourceCustomerId', 'userId', 'userHash', 'resumeToken', 'tags', 'assigneeId']) {
          if (random() < 0.4) obj[key] = pick(garbageValues);
        }
        return { body: obj };
      }
      if (kind === 4) return { raw: '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}', headers: { 'content-type': 'application/json' } };
      return {};
    };
    const tokens = [t.tokens.admin, visitorToken, '', 'Bearer', t.tokens.agent];
    let count = 0;
    for (let round = 0; round < 12; round++) {
      for (const route of Object.values(ROUTES)) {
        const path = route.path.replace(/:([A-Za-z]+)/g, () => encodeURIComponent(pick([...garbageStrings, caseId, customerId])));
        const query = random() < 0.7 ? `?${['limit', 'cursor', 'after', 'status', 'q', 'assignee', 'channel', pick(garbageStrings)].filter(() => random() < 0.5).map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(pick(garbageStrings))}`).join('&')}` : '';
        const token = route.auth === 'agent' ? pick([t.tokens.admin, t.tokens.admin, ...tokens]) : route.auth === 'visitor' ? pick([visitorToken, visitorToken, ...tokens]) : pick(tokens);
        const res = await t.request(route.method, `/api/v1${path}${query}`, { token, ...(route.method === 'GET' ? {} : randomBody()) });
        count++;
        assert.ok(res.status < 500, `${route.method} ${path}${query} → ${res.status} ${res.text}`);
        if (res.status >= 400) assert.ok(ErrorBody.safeParse(res.body).success, `error shape for ${route.method} ${path}: ${res.text}`);
      }
    }
    assert.ok(count >= 12 * Object.keys(ROUTES).length);
    assert.deepEqual(t.errors, [], 'nothing was logged as a server fault');
  });
});

describe('OpenAPI', () => {
  it('serves a 3.1 document with every route and a docs page', async () => {
    const res = await t.request('GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    for (const [name, route] of Object.entries(ROUTES)) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = res.body.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${path} is documented`);
      assert.equal(operation.operationId, name);
      const ok = operation.responses[String(('status' in route && route.status) || 200)];
      if ('fileResponse' in route) assert.ok(ok.content['*/*'], `${name} answers a file`);
      else assert.ok(ok.content['application/json'].schema);
      if ('body' in route) assert.ok(operation.requestBody.content['application/json'].schema.$ref, `${name} has a typed body`);
      if ('rawBody' in route) assert.ok(operation.requestBody.content['image/png'] && operation.responses['415'], `${name} takes a file`);
    }
    assert.deepEqual(res.body.paths['/visitor/status'].get.security, [{}, { visitorToken: [] }], 'the visitor token is optional');
    const upload = res.body.paths['/uploads'].post;
    assert.ok(upload.parameters.some((p: { name: string; in: string; required: boolean }) => p.name === 'name' && p.in === 'query' && p.required));
    const listCases = res.body.paths['/cases'].get;
    const status = listCases.parameters.find((p: { name: string }) => p.name === 'status');
    assert.ok(JSON.stringify(status.schema).includes('pending'), 'query lists are described with their values');
    const docs = await t.request('GET', '/api/v1/docs');
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
    assert.match(docs.text, /openapi\.json/);
    assert.doesNotMatch(docs.text, /https?:\/\/(?!127)/, 'no external assets');
    assert.match(docs.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const script = docs.text.match(/<script src="([^"]+)"/)?.[1];
    assert.equal(script, 'docs/scalar.js', 'Scalar is served by this server');
    const bundle = await t.request('GET', `/api/v1/${script}`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
  });
});
