import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createAgentClient } from './agent-client.ts';
import type { AgentClient } from './agent-client.ts';
import { CasekitRealtimeError } from './errors.ts';
import type { CasekitApiError } from './errors.ts';
import type { ConnectionState } from './connection-state.ts';
import { startLoopbackServer, waitFor } from './test-support/loopback.ts';
import type { LoopbackServer } from './test-support/loopback.ts';

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('realtime under a mount path', () => {
  const servers: LoopbackServer[] = [];
  const clients: AgentClient[] = [];
  after(async () => {
    for (const client of clients) client.disconnect();
    for (const server of servers) await server.close();
  });

  function connect(options: { baseUrl: string; path?: string }) {
    const client = createAgentClient({ ...options, token: 'tok_agent', lastSeq: 0, realtime: false });
    const errors: CasekitApiError[] = [];
    const states: ConnectionState[] = [];
    client.on('error', (error) => errors.push(error));
    client.on('connection', (state) => states.push(state));
    client.connect();
    clients.push(client);
    return { client, errors, states };
  }

  it('connects at <path>/socket.io, whether the path is an option or ends the base URL', async () => {
    const server = await startLoopbackServer(['/agent'], { mountPath: '/support' });
    servers.push(server);
    const byOption = connect({ baseUrl: server.url, path: '/support' });
    const byBaseUrl = connect({ baseUrl: `${server.url}/support/` });
    await waitFor(() => byOption.client.connection === 'connected' && byBaseUrl.client.connection === 'connected', 5000, 'both connected');
    assert.deepEqual(server.tokens, [
      { namespace: '/agent', token: 'tok_agent' },
      { namespace: '/agent', token: 'tok_agent' },
    ]);
    assert.deepEqual([...byOption.errors, ...byBaseUrl.errors], []);
  });

  it('sends REST calls and file downloads under the path', async () => {
    const server = await startLoopbackServer(['/agent'], { mountPath: '/support' });
    servers.push(server);
    const seen: string[] = [];
    server.onHttp((req, _body, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url?.includes('/attachments/')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('file');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', uptimeSeconds: 1, lastSeq: 0 }));
    });
    const client = createAgentClient({ baseUrl: server.url, path: 'support/', token: 'tok_agent' });
    await client.request('health', {});
    assert.equal(await (await client.fetchAttachment('c_1', 'm_1', 0)).text(), 'file');
    assert.deepEqual(seen, ['GET /support/api/v1/health', 'GET /support/api/v1/cases/c_1/messages/m_1/attachments/0']);
  });

  it('says wrong_path, with what to set, when casekit is mounted elsewhere', async () => {
    const server = await startLoopbackServer(['/agent'], { mountPath: '/support' });
    servers.push(server);
    const { client, errors } = connect({ baseUrl: server.url });
    await waitFor(() => errors.length > 0, 5000, 'an error');
    const [error] = errors;
    assert.ok(error instanceof CasekitRealtimeError);
    assert.equal(error.reason, 'wrong_path');
    assert.equal(error.code, 'wrong_path');
    assert.match(error.message, /\/socket\.io\/.*set the client's `path`/);
    assert.notEqual(client.connection, 'connected');
  });

  it('says unreachable once after the first failed attempt, and keeps trying', async () => {
    const port = await closedPort();
    const { errors, states } = connect({ baseUrl: `http://127.0.0.1:${port}` });
    await waitFor(() => errors.length > 0, 5000, 'an error');
    const [error] = errors;
    assert.ok(error instanceof CasekitRealtimeError);
    assert.equal(error.reason, 'unreachable');
    assert.equal(error.code, 'unavailable');
    assert.equal(error.status, 0);
    assert.ok(error.retryable);
    await waitFor(() => states.filter((s) => s === 'reconnecting').length > 0, 5000, 'a retry');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(errors.length, 1, 'one report per outage, not one per attempt');
    assert.equal(states.at(-1), 'reconnecting');
  });

  it('reports a refused handshake with reason refused and the server\'s code', async () => {
    const server = await startLoopbackServer(['/agent']);
    servers.push(server);
    server.acceptTokens(['someone-else']);
    const { errors } = connect({ baseUrl: server.url });
    await waitFor(() => errors.length > 0, 5000, 'an error');
    assert.ok(errors[0] instanceof CasekitRealtimeError);
    assert.equal(errors[0].reason, 'refused');
    assert.equal(errors[0].code, 'unauthorized');
  });
});
