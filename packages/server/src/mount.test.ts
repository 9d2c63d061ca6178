import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { collectEvents, connectSocket, startTestServer, type TestServer } from './internal/testing.ts';

describe('mounted under /support in an existing Express app', () => {
  let t: TestServer;
  let widgetsDir: string;
  before(async () => {
    widgetsDir = await mkdtemp(join(tmpdir(), 'casekit-widgets-'));
    await writeFile(join(widgetsDir, 'casekit-chat.full.js'), 'export const chat = 1;\n');
    const app = express();
    app.get('/', (_req, res) => void res.send('host home'));
    app.get('/api/v1/cases', (_req, res) => void res.json({ host: true }));
    t = await startTestServer({ app, path: '/support', widgetsDir, corsOrigins: ['https://shop.example'] });
  });
  after(async () => {
    await t.close();
    await rm(widgetsDir, { recursive: true, force: true });
  });

  it('serves the API under the path and leaves the host\'s own routes alone', async () => {
    const cases = await t.request('GET', '/support/api/v1/cases', { token: t.tokens.agent });
    assert.equal(cases.status, 200, cases.text);
    assert.ok(Array.isArray(cases.body.items));
    assert.deepEqual((await t.request('GET', '/api/v1/cases')).body, { host: true });
    assert.equal((await t.request('GET', '/')).text, 'host home');
  });

  it('carries a visitor message to an agent socket at <path>/socket.io and the reply back', async () => {
    const visitor = await t.visitorSession({ name: 'Olivia' });
    const agentSocket = await connectSocket(t.url, '/agent', t.tokens.agent, '/support/socket.io');
    const visitorSocket = await connectSocket(t.url, '/visitor', visitor.token, '/support/socket.io');
    try {
      const agentEvents = collectEvents(agentSocket);
      const visitorEvents = collectEvents(visitorSocket);
      const sent = await t.request('POST', '/support/api/v1/visitor/messages', { token: visitor.token, body: { text: 'Is this mounted?', clientMessageId: 'm-1' } });
      assert.equal(sent.status, 201, sent.text);
      await agentEvents.waitFor((e) => e.type === 'message.created' && e.data.message.text === 'Is this mounted?');
      const reply = await t.request('POST', `/support/api/v1/cases/${sent.body.caseId}/messages`, { token: t.tokens.agent, body: { text: 'It is.' } });
      assert.equal(reply.status, 201, reply.text);
      await visitorEvents.waitFor((e) => e.type === 'message.created' && e.data.message.text === 'It is.');
    } finally {
      agentSocket.close();
      visitorSocket.close();
    }
  });

  it('has no socket.io at the root, so a client without the path is not answered by casekit', async () => {
    const res = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(res.status, 404);
    const mounted = await fetch(`${t.url}/support/socket.io/?EIO=4&transport=casekit-probe`);
    assert.equal(mounted.status, 400);
    assert.match(await mounted.text(), /"code":0/);
  });

  it('names the mounted API in its OpenAPI document', async () => {
    const res = await t.request('GET', '/support/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.servers, [{ url: '/support/api/v1' }]);
  });

  it('takes webhooks under the path', async () => {
    const res = await t.request('POST', '/support/webhooks/nope', { body: {} });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('serves the widget files with CORS for allowed origins only', async () => {
    const allowed = await fetch(`${t.url}/support/widgets/casekit-chat.full.js`, { headers: { origin: 'https://shop.example' } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(allowed.headers.get('content-type') ?? '', /javascript/);
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);
    const other = await fetch(`${t.url}/support/widgets/casekit-chat.full.js`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal((await fetch(`${t.url}/support/widgets/missing.js`)).status, 404);
  });
});

describe('preflight without any allowed origin', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('answers 403 with the setting to change, not 404', async () => {
    const res = await t.request('OPTIONS', '/api/v1/visitor/sessions', {
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'forbidden');
    assert.match(res.body.error.message, /allowed origins/);
  });
});
