import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createAuth, hashPassword, verifyPassword } from './auth.ts';
import { startTestServer, WEBCHAT_SECRET, type TestServer } from './internal/testing.ts';

describe('passwords', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const hash = await hashPassword('s3cret password');
    assert.match(hash, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.equal(await verifyPassword('s3cret password', hash), true);
    assert.equal(await verifyPassword('s3cret passwor', hash), false);
    assert.equal(await verifyPassword('s3cret password', null), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
    assert.notEqual(await hashPassword('same'), await hashPassword('same'), 'salted');
  });

  it('refuses a short JWT secret, and an external issuer without its expected issuer', () => {
    assert.throws(() => createAuth({ jwtSecret: 'short' }), /at least 32 characters/);
    assert.throws(() => createAuth({ jwtSecret: 'x'.repeat(40), jwksUrl: 'https://idp.example.test/jwks.json' }), /set issuer/);
  });
});

describe('tokens from an external issuer (JWKS)', () => {
  let jwksServer: Server;
  let privateKey: CryptoKey;
  let strangerKey: CryptoKey;
  let t: TestServer;
  const issuer = 'https://idp.example.test';

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    t = await startTestServer({ auth: { jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer, audience: 'casekit' } });
  });
  after(async () => {
    await t.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  function external(claims: Record<string, unknown>, options: { key?: CryptoKey; iss?: string; aud?: string; exp?: string | number } = {}) {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? 'casekit')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? privateKey);
  }

  it('signs in the agent named by the email claim', async () => {
    const token = await external({ sub: 'portal-user-77', email: 'Super@Example.com', email_verified: true });
    const me = await t.request('GET', '/api/v1/me', { token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, t.agents.supervisor.id);
  });

  it('signs in the agent whose id is the sub claim', async () => {
    const token = await external({ sub: t.agents.agent.id });
    const me = await t.request('GET', '/api/v1/me', { token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.email, 'agent@example.com');
  });

  it('refuses a foreign key, another issuer or audience, an expired token and an unknown person', async () => {
    const cases = [
      await external({ email: 'agent@example.com' }, { key: strangerKey }),
      await external({ email: 'agent@example.com' }, { iss: 'https://evil.example' }),
      await external({ email: 'agent@example.com' }, { aud: 'someone-else' }),
      await external({ email: 'agent@example.com' }, { exp: Math.floor(Date.now() / 1000) - 600 }),
      await external({ email: 'stranger@example.com', sub: 'nobody' }),
      // An address the issuer has not verified could be anybody's.
      await external({ email: 'super@example.com', sub: 'portal-user-78' }),
      await external({ email: 'super@example.com', email_verified: 'true', sub: 'portal-user-79' }),
    ];
    for (const token of cases) {
      const res = await t.request('GET', '/api/v1/me', { token });
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });

  it('signs an external token out, with or without a jti, and sends password changes to the issuer', async () => {
    const sso = await t.engine.createAgent({ workspaceId: 'ws_test', system: 'test' }, { email: 'sso@example.com', name: 'Sso', role: 'agent', passwordHash: null });
    const withId = await external({ sub: sso.id, jti: 'session-1' });
    const withoutId = await external({ sub: sso.id, nonce: 'b' });
    const change = await t.request('POST', '/api/v1/me/password', { token: withId, body: { currentPassword: 'x', newPassword: 'long enough password' } });
    assert.equal(change.status, 409);
    assert.match(change.body.error.message, /identity provider/);
    for (const token of [withId, withoutId]) {
      assert.equal((await t.request('POST', '/api/v1/auth/logout', { token })).status, 200);
      assert.equal((await t.request('GET', '/api/v1/me', { token })).status, 401);
    }
    assert.equal((await t.request('GET', '/api/v1/me', { token: await external({ sub: sso.id, jti: 'session-2' }) })).status, 200, 'a new sign-in at the issuer works');
  });

  it('still accepts its own HS256 tokens', async () => {
    const me = await t.request('GET', '/api/v1/me', { token: t.tokens.admin });
    assert.equal(me.status, 200);
  });
});

describe('visitor sessions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const hash = (userId: string, secret = WEBCHAT_SECRET) => createHmac('sha256', secret).update(userId).digest('hex');

  it('gives an anonymous visitor a fresh customer each time', async () => {
    const a = await t.visitorSession();
    const b = await t.visitorSession();
    assert.notEqual(a.customerId, b.customerId);
    assert.equal(a.identified, false);
    const customer = await t.request('GET', `/api/v1/customers/${a.customerId}`, { token: t.tokens.agent });
    assert.match(customer.body.identities[0].externalId, /^anon:/);
  });

  it('continues the same customer with a resume token', async () => {
    const first = await t.visitorSession({ name: 'Returning' });
    const again = await t.visitorSession({ resumeToken: first.token });
    assert.equal(again.customerId, first.customerId);
    const forged = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat', resumeToken: `${first.token}x` } });
    assert.equal(forged.status, 401);
  });

  it('links a verified user to the same customer across devices', async () => {
    const laptop = await t.visitorSession({ userId: 'FL-1001', userHash: hash('FL-1001'), name: 'Amelia Nakamura' });
    const phone = await t.visitorSession({ userId: 'FL-1001', userHash: hash('FL-1001') });
    assert.equal(laptop.identified, true);
    assert.equal(phone.customerId, laptop.customerId);
    const sent = await t.request('POST', '/api/v1/visitor/messages', { token: laptop.token, body: { text: 'From my laptop', clientMessageId: 'l-1' } });
    assert.equal(sent.status, 201);
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: phone.token });
    assert.deepEqual(history.body.items.map((m: { text: string }) => m.text), ['From my laptop']);
    const customer = await t.request('GET', `/api/v1/customers/${laptop.customerId}`, { token: t.tokens.agent });
    assert.deepEqual(customer.body.identities.map((i: { externalId: string }) => i.externalId), ['user:FL-1001']);
  });

  it('keeps an anonymous visitor’s conversation when they sign in, but never hands it to another user', async () => {
    const anonymous = await t.visitorSession();
    await t.request('POST', '/api/v1/visitor/messages', { token: anonymous.token, body: { text: 'Before signing in', clientMessageId: 'a-1' } });
    const signedIn = await t.visitorSession({ resumeToken: anonymous.token, userId: 'FL-2001', userHash: hash('FL-2001') });
    assert.equal(signedIn.customerId, anonymous.customerId);
    assert.equal(signedIn.identified, true);
    const history = await t.request('GET', '/api/v1/visitor/messages', { token: signedIn.token });
    assert.deepEqual(history.body.items.map((m: { text: string }) => m.text), ['Before signing in']);

    // Someone else signing in on that browser gets their own profile, not this one.
    const nextUser = await t.visitorSession({ resumeToken: signedIn.token, userId: 'FL-2002', userHash: hash('FL-2002') });
    assert.notEqual(nextUser.customerId, signedIn.customerId);
    const theirs = await t.request('GET', '/api/v1/visitor/messages', { token: nextUser.token });
    assert.deepEqual(theirs.body.items, []);
  });

  it('refuses a forged user hash with 401 and creates nobody', async () => {
    const seq = await t.lastSeq();
    for (const userHash of [hash('FL-1002'), hash('FL-1001', 'wrong-secret'), '0'.repeat(64)]) {
      const res = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat', userId: 'FL-1001', userHash } });
      assert.equal(res.status, 401, res.text);
      assert.match(res.body.error.message, /userHash/);
    }
    assert.equal(await t.lastSeq(), seq);
  });

  it('only opens sessions on web-chat channels', async () => {
    const email = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'email' } });
    assert.equal(email.status, 400);
    assert.equal(email.body.error.details.issues[0].path, 'body.channelId');
    const missing = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'nope' } });
    assert.equal(missing.status, 404);
    const half = await t.request('POST', '/api/v1/visitor/sessions', { body: { channelId: 'webchat', userId: 'FL-1' } });
    assert.equal(half.status, 400);
  });
});
