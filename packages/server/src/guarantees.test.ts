// What probing the running server found, each checked over real HTTP and sockets on loopback:
// no customer sees another's message, a retry never stores twice, bad input changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHmac } from 'node:crypto';
import { createFileBlobStore } from './blob-store.ts';
import { SignJWT } from 'jose';
import { collectEvents, connectSocket, JWT_SECRET, startTestServer, WEBCHAT_SECRET, WORKSPACE, type HttpResult, type TestServer } from './internal/testing.ts';

let t: TestServer;

function assertError(res: HttpResult, status: number, code: string, path?: string): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.equal(res.body.error.code, code, res.text);
  if (path) {
    const paths = (res.body.error.details?.issues ?? []).map((i: { path: string }) => i.path);
    assert.ok(paths.includes(path), `the error names ${path}: ${res.text}`);
  }
}

async function visitorSays(token: string, text: string, clientMessageId = `${text}-${Math.random()}`) {
  const res = await t.request('POST', '/api/v1/visitor/messages', { token, body: { text, clientMessageId } });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; caseId: string; conversationId: string; customerId: string };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

async function agentUpload(): Promise<{ url: string; id: string }> {
  const res = await t.request('POST', '/api/v1/uploads?name=shot.png', { token: t.tokens.agent, raw: PNG, headers: { 'content-type': 'image/png' } });
  assert.equal(res.status, 201, res.text);
  return { url: res.body.url, id: /up_[\w-]+$/.exec(res.body.url)![0] };
}

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('merging cases of two customers', () => {
  const signedIn = (userId: string, name: string) =>
    t.visitorSession({ name, userId, userHash: createHmac('sha256', WEBCHAT_SECRET).update(userId).digest('hex') });

  it('is refused for an agent and without mergeCustomers; a supervisor\'s merge makes one customer and replies reach both threads', async () => {
    // X is signed in on the host site (verified), so their session follows the merge.
    const x = await signedIn('u-xavier', 'Xavier');
    const y = await t.visitorSession({ name: 'Yvonne' });
    const fromX = await visitorSays(x.token, 'X: my router is broken');
    const fromY = await visitorSays(y.token, 'Y: bill is wrong');
    const merge = (token: string, body: object) => t.request('POST', `/api/v1/cases/${fromX.caseId}/merge`, { token, body: { targetCaseId: fromY.caseId, ...body } });
    const seq = await t.lastSeq();
    assertError(await merge(t.tokens.agent, {}), 409, 'conflict');
    assertError(await merge(t.tokens.supervisor, {}), 409, 'conflict');
    assertError(await merge(t.tokens.agent, { mergeCustomers: true }), 403, 'forbidden');
    assert.equal(await t.lastSeq(), seq, 'refused merges change nothing');

    // The refused merge left Y's case Y's: a reply on it reaches Y only.
    const xSocket = await connectSocket(t.url, '/visitor', x.token);
    const ySocket = await connectSocket(t.url, '/visitor', y.token);
    try {
      const xEvents = collectEvents(xSocket);
      const yEvents = collectEvents(ySocket);
      const toY = await t.request('POST', `/api/v1/cases/${fromY.caseId}/messages`, { token: t.tokens.agent, body: { text: 'for Y only' } });
      assert.equal(toY.status, 201, toY.text);
      assert.equal(toY.body.customerId, y.customerId);
      await yEvents.waitFor((e) => e.type === 'message.created' && e.data.message.text === 'for Y only');

      const merged = await merge(t.tokens.supervisor, { mergeCustomers: true });
      assert.equal(merged.status, 200, merged.text);
      assert.equal(merged.body.customerId, y.customerId);
      // A reply on X's own thread, now in the merged case, reaches X live and is stamped with the one customer.
      const toX = await t.request('POST', `/api/v1/cases/${fromY.caseId}/messages`, {
        token: t.tokens.agent,
        body: { text: 'for the thread X started', conversationId: fromX.conversationId },
      });
      assert.equal(toX.status, 201, toX.text);
      assert.equal(toX.body.customerId, y.customerId);
      await xEvents.waitFor((e) => e.type === 'message.created' && e.data.message.text === 'for the thread X started');
      assert.equal(xEvents.events.some((e) => e.type === 'message.created' && e.data.message.text === 'for Y only'), false, 'X saw nothing of Y before the merge');
      const history = await t.request('GET', '/api/v1/visitor/messages?limit=200', { token: x.token });
      assert.ok(history.body.items.some((m: { text: string }) => m.text === 'for the thread X started'));
    } finally {
      xSocket.close();
      ySocket.close();
    }
  });

  it('ends an unverified session whose profile was merged: it reads nothing more, live or not, and its visitor starts again', async () => {
    // An anonymous visitor who talked an agent into a merge must not inherit the other customer's history.
    const x = await t.visitorSession({ name: 'Mallory' });
    const y = await signedIn('u-victor', 'Victor');
    const fromX = await visitorSays(x.token, 'I am Victor, merge me');
    const fromY = await visitorSays(y.token, 'My account password is hunter2');
    const xSocket = await connectSocket(t.url, '/visitor', x.token);
    try {
      const dropped = new Promise<void>((resolve) => xSocket.on('disconnect', () => resolve()));
      const merged = await t.request('POST', `/api/v1/cases/${fromX.caseId}/merge`, { token: t.tokens.supervisor, body: { targetCaseId: fromY.caseId, mergeCustomers: true } });
      assert.equal(merged.status, 200, merged.text);
      await dropped;
    } finally {
      xSocket.close();
    }
    for (const path of ['/api/v1/visitor/messages', `/api/v1/visitor/conversations/${fromY.conversationId}/messages`, '/api/v1/visitor/status']) {
      assertError(await t.request('GET', path, { token: x.token }), 401, 'unauthorized');
    }
    assertError(await t.request('POST', '/api/v1/visitor/messages', { token: x.token, body: { text: 'more', clientMessageId: 'mal-2' } }), 401, 'unauthorized');
    await assert.rejects(connectSocket(t.url, '/visitor', x.token));
    const resumed = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat', resumeToken: x.token } });
    assertError(resumed, 401, 'unauthorized');
    // Starting again gives a new, empty profile.
    const fresh = await t.visitorSession({ name: 'Mallory' });
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: fresh.token });
    assert.deepEqual(history.body.items, []);
  });
});

describe('retries', () => {
  it('stores a visitor\'s retry once even after their profile was merged into another', async () => {
    const x = await t.visitorSession({ name: 'Xena' });
    const y = await t.visitorSession({ name: 'Yara' });
    const first = await visitorSays(x.token, 'once only', 'cm-merge-1');
    await visitorSays(y.token, 'hello');
    const merged = await t.request('POST', `/api/v1/customers/${y.customerId}/merge`, { token: t.tokens.supervisor, body: { sourceCustomerId: x.customerId } });
    assert.equal(merged.status, 200, merged.text);
    const seq = await t.lastSeq();
    const retry = await visitorSays(x.token, 'once only', 'cm-merge-1');
    assert.equal(retry.id, first.id, 'the retry is answered with the stored message');
    assert.equal(await t.lastSeq(), seq);
    const stored = await t.request('GET', `/api/v1/cases/${first.caseId}/messages?limit=200`, { token: t.tokens.agent });
    assert.equal(stored.body.items.filter((m: { text: string }) => m.text === 'once only').length, 1);
  });
});

describe('hostile input', () => {
  it('finds customers by text with a NUL byte, quotes and search syntax, and never fails', async () => {
    for (const q of ['abc\u0000def', 'o"neil', 'a AND b', 'NEAR(a b)', '*', '"', 'x:y']) {
      const res = await t.request('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`, { token: t.tokens.agent });
      assert.equal(res.status, 200, `${JSON.stringify(q)}: ${res.text}`);
    }
    // Bytes that are not UTF-8 arrive as their escapes, and search for just that.
    const bytes = await t.request('GET', '/api/v1/customers?q=%ED%A0%80abc', { token: t.tokens.agent });
    assert.equal(bytes.status, 200, bytes.text);
  });

  it('refuses a deeply nested unknown key with an Idempotency-Key as a 400 naming the body, and stores nothing', async () => {
    const x = await t.visitorSession({ name: 'Nestor' });
    const { caseId } = await visitorSays(x.token, 'nesting');
    // Built as text: it nests too deep for JSON.stringify.
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const seq = await t.lastSeq();
    const logged = t.errors.length;
    for (const [path, token] of [
      [`/api/v1/cases/${caseId}/messages`, t.tokens.agent],
      [`/api/v1/cases/${caseId}/notes`, t.tokens.agent],
      ['/api/v1/agents', t.tokens.admin],
    ] as const) {
      const res = await t.request('POST', path, {
        token,
        raw: `{"text":"x","extra":${deep}}`,
        headers: { 'idempotency-key': `deep-${path}`, 'content-type': 'application/json' },
      });
      assertError(res, 400, 'validation_failed', 'body');
      const shallow = await t.request('POST', path, { token, body: { text: 'x', extra: { a: { b: 1 } } }, headers: { 'idempotency-key': `shallow-${path}` } });
      assertError(shallow, 400, 'validation_failed');
    }
    assert.equal(await t.lastSeq(), seq);
    assert.deepEqual(t.errors.slice(logged), [], 'no 500 was logged');
  });

  it('leaves a fresh upload unattached when its reply is refused: closed case, missing case, another case\'s conversation', async () => {
    const x = await t.visitorSession({ name: 'Uploader' });
    const first = await visitorSays(x.token, 'first case');
    const other = await t.visitorSession({ name: 'Other' });
    const second = await visitorSays(other.token, 'second case');
    const current = await t.request('GET', `/api/v1/cases/${first.caseId}`, { token: t.tokens.agent });
    const closed = await t.request('PATCH', `/api/v1/cases/${first.caseId}`, { token: t.tokens.agent, body: { version: current.body.case.version, status: 'closed' } });
    assert.equal(closed.status, 200, closed.text);
    const blobs = createFileBlobStore(t.uploadsDir);
    const attempts: [string, object, number][] = [
      [first.caseId, {}, 422],
      ['c_missing', {}, 404],
      [second.caseId, { conversationId: first.conversationId }, 404],
    ];
    for (const [caseId, extra, status] of attempts) {
      const file = await agentUpload();
      const seq = await t.lastSeq();
      const res = await t.request('POST', `/api/v1/cases/${caseId}/messages`, {
        token: t.tokens.agent,
        body: { text: 'see attached', attachments: [{ name: 'shot.png', contentType: 'image/png', size: PNG.length, url: file.url }], ...extra },
      });
      assert.equal(res.status, status, res.text);
      assert.equal(await t.lastSeq(), seq);
      assert.equal((await blobs.stat(file.id))?.attachedAt, undefined, 'a refused message keeps no upload');
    }
    // And one that goes through does keep it.
    const kept = await agentUpload();
    const ok = await t.request('POST', `/api/v1/cases/${second.caseId}/messages`, {
      token: t.tokens.agent,
      body: { text: 'here', attachments: [{ name: 'shot.png', contentType: 'image/png', size: PNG.length, url: kept.url }] },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.ok((await blobs.stat(kept.id))?.attachedAt);
  });
});

describe('tokens', () => {
  const secret = new TextEncoder().encode(JWT_SECRET);

  it('refuses an expired visitor token as resumeToken', async () => {
    const x = await t.visitorSession({ name: 'Old' });
    const expired = await new SignJWT({ typ: 'visitor', workspaceId: WORKSPACE, channelId: 'webchat', customerId: x.customerId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('casekit')
      .setSubject(x.customerId)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 40 * 86400)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10 * 86400)
      .sign(secret);
    const res = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat', resumeToken: expired } });
    assertError(res, 401, 'unauthorized');
    const fresh = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat', resumeToken: x.token } });
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fresh.body.customerId, x.customerId, 'a valid token still resumes');
  });

  it('refuses a signed agent token that never expires', async () => {
    const forever = await new SignJWT({ typ: 'agent', workspaceId: WORKSPACE })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('casekit')
      .setSubject(t.agents.admin.id)
      .setIssuedAt()
      .sign(secret);
    assertError(await t.request('GET', '/api/v1/me', { token: forever }), 401, 'unauthorized');
    const socket = connectSocket(t.url, '/agent', forever);
    await assert.rejects(socket);
  });
});
