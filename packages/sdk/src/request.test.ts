import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CasekitApiError } from './errors.ts';
import { createAgentClient } from './agent-client.ts';
import { createRequest } from './internal/http.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server that records each request and answers with what the test queued. */
function startRecorder() {
  const seen: Seen[] = [];
  let answer: (req: Seen, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      answer(entry, res);
    });
  });
  return {
    seen,
    server,
    answerWith(fn: (req: Seen, res: ServerResponse) => void) {
      answer = fn;
    },
    json(status: number, value: unknown) {
      answer = (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

describe('request', () => {
  const rec = startRecorder();
  let baseUrl = '';
  before(async () => {
    baseUrl = await rec.listen();
  });
  after(() => rec.server.close());

  it('substitutes and encodes path params, serialises the query with lists comma-joined, sends the token', async () => {
    rec.json(200, { items: [], nextCursor: null });
    const client = createAgentClient({ baseUrl: `${baseUrl}/`, token: 'tok_1' });
    const page = await client.listCases({ status: ['open', 'pending'], assignee: 'me', q: 'router down', limit: 20 });
    assert.deepEqual(page, { items: [], nextCursor: null });
    const req = rec.seen.at(-1)!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, '/api/v1/cases?status=open%2Cpending&assignee=me&q=router+down&limit=20');
    assert.equal(req.headers.authorization, 'Bearer tok_1');
    assert.equal(req.headers['content-type'], undefined);

    rec.json(200, { case: {}, customer: {}, conversations: [] });
    await client.getCase('c/1 ?x');
    assert.equal(rec.seen.at(-1)!.url, '/api/v1/cases/c%2F1%20%3Fx');
  });

  it('sends a JSON body and the Idempotency-Key header', async () => {
    rec.json(201, { id: 'm_1', text: 'Hello' });
    const client = createAgentClient({ baseUrl, token: 'tok_1' });
    const message = await client.reply('c_1', { text: 'Hello', clientMessageId: 'cm_1' }, { idempotencyKey: 'key-1' });
    assert.equal(message.id, 'm_1');
    const req = rec.seen.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/api/v1/cases/c_1/messages');
    assert.equal(req.headers['idempotency-key'], 'key-1');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), { text: 'Hello', clientMessageId: 'cm_1' });
  });

  it('reads, changes and lists channels and their kinds on the channel routes', async () => {
    const client = createAgentClient({ baseUrl, token: 'tok_1' });
    rec.json(200, { id: 'ch_1' });
    await client.getChannel('ch_1');
    assert.deepEqual([rec.seen.at(-1)!.method, rec.seen.at(-1)!.url], ['GET', '/api/v1/channels/ch_1']);
    rec.json(200, { id: 'ch_1', enabled: false });
    await client.updateChannel('ch_1', { enabled: false, secrets: { authToken: null } });
    const patch = rec.seen.at(-1)!;
    assert.deepEqual([patch.method, patch.url], ['PATCH', '/api/v1/channels/ch_1']);
    assert.deepEqual(JSON.parse(patch.body), { enabled: false, secrets: { authToken: null } });
    rec.json(200, { items: [] });
    assert.deepEqual(await client.listChannelKinds(), { items: [] });
    assert.deepEqual([rec.seen.at(-1)!.method, rec.seen.at(-1)!.url], ['GET', '/api/v1/channel-kinds']);
  });

  it("answers null for a customer without a billing account, and still rejects other failures", async () => {
    const client = createAgentClient({ baseUrl, token: 'tok_1' });
    rec.json(200, { externalId: '17', status: 'active', invoices: [] });
    assert.deepEqual(await client.getCustomerBilling('cu 1'), { externalId: '17', status: 'active', invoices: [] });
    assert.deepEqual([rec.seen.at(-1)!.method, rec.seen.at(-1)!.url], ['GET', '/api/v1/customers/cu%201/billing']);
    rec.json(404, { error: { code: 'not_found', message: 'Customer "cu_2" has no billing account linked.' } });
    assert.equal(await client.getCustomerBilling('cu_2'), null);
    rec.json(403, { error: { code: 'forbidden', message: 'Agents only.' } });
    await assert.rejects(client.getCustomerBilling('cu_2'), { name: 'CasekitApiError', code: 'forbidden', status: 403 });
  });

  it('reads the Splynx status and log page by page, and starts a full or incremental sync', async () => {
    const client = createAgentClient({ baseUrl, token: 'tok_1' });
    rec.json(200, { source: 'splynx', configured: false, runs: [] });
    assert.equal((await client.getSplynxStatus()).configured, false);
    assert.deepEqual([rec.seen.at(-1)!.method, rec.seen.at(-1)!.url], ['GET', '/api/v1/integrations/splynx']);
    rec.json(200, { items: [], nextCursor: null });
    await client.listSplynxLog({ limit: 20, cursor: 'c_2' });
    assert.deepEqual([rec.seen.at(-1)!.method, rec.seen.at(-1)!.url], ['GET', '/api/v1/integrations/splynx/log?limit=20&cursor=c_2']);
    rec.json(202, { id: 'run_1', status: 'running' });
    assert.equal((await client.startSplynxSync({ full: true })).id, 'run_1');
    assert.deepEqual([rec.seen.at(-1)!.method, rec.seen.at(-1)!.url, JSON.parse(rec.seen.at(-1)!.body)], ['POST', '/api/v1/integrations/splynx/sync', { full: true }]);
    await client.startSplynxSync();
    assert.deepEqual(JSON.parse(rec.seen.at(-1)!.body), {});
    rec.json(409, { error: { code: 'conflict', message: 'Splynx is not configured on this server.' } });
    await assert.rejects(client.startSplynxSync(), { code: 'conflict', status: 409, message: 'Splynx is not configured on this server.' });
  });

  it('keeps the token returned by login and leaves it off public routes', async () => {
    rec.json(200, { token: 'tok_new', expiresAt: '2030-01-01T00:00:00.000Z', agent: { id: 'a_1' } });
    const client = createAgentClient({ baseUrl, token: 'old' });
    await client.login('ada@example.com', 'secret');
    assert.equal(rec.seen.at(-1)!.headers.authorization, undefined, 'login is a public route');
    assert.equal(client.token, 'tok_new');
    rec.json(200, { id: 'a_1' });
    await client.me();
    assert.equal(rec.seen.at(-1)!.headers.authorization, 'Bearer tok_new');
  });

  it('turns an error body into a CasekitApiError with code, status and field issues', async () => {
    rec.json(400, {
      error: {
        code: 'validation_failed',
        message: 'The body is not valid.',
        details: { issues: [{ path: 'body.text', message: 'must not be empty' }] },
      },
    });
    const client = createAgentClient({ baseUrl, token: 't' });
    await assert.rejects(client.addNote('c_1', { text: ' ' }), (err: unknown) => {
      assert.ok(err instanceof CasekitApiError);
      assert.equal(err.code, 'validation_failed');
      assert.equal(err.status, 400);
      assert.equal(err.message, 'The body is not valid.');
      assert.deepEqual(err.details?.issues, [{ path: 'body.text', message: 'must not be empty' }]);
      assert.equal(err.retryable, false);
      return true;
    });

    rec.json(409, { error: { code: 'version_conflict', message: 'Case c_1 changed; reload it.' } });
    await assert.rejects(client.updateCase('c_1', { version: 1, status: 'open' }), {
      name: 'CasekitApiError',
      code: 'version_conflict',
      status: 409,
    });
  });

  it('maps a non-2xx answer without an error body from its status', async () => {
    rec.answerWith((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    const client = createAgentClient({ baseUrl, token: 't' });
    await assert.rejects(client.listAgents(), (err: unknown) => {
      assert.ok(err instanceof CasekitApiError);
      assert.equal(err.code, 'unavailable');
      assert.equal(err.status, 502);
      assert.equal(err.retryable, true);
      assert.match(err.message, /GET \/agents failed with HTTP 502/);
      return true;
    });
  });

  it('reports a server that cannot be reached as unavailable with status 0', async () => {
    const closed = startRecorder();
    const deadUrl = await closed.listen();
    await new Promise((resolve) => closed.server.close(resolve));
    const client = createAgentClient({ baseUrl: deadUrl, token: 't' });
    await assert.rejects(client.me(), (err: unknown) => {
      assert.ok(err instanceof CasekitApiError);
      assert.equal(err.code, 'unavailable');
      assert.equal(err.status, 0);
      assert.match(err.message, /could not reach the server/);
      return true;
    });
  });

  it('reports a connection dropped mid-request as unavailable', async () => {
    rec.answerWith((_req, res) => res.socket?.destroy());
    const client = createAgentClient({ baseUrl, token: 't' });
    await assert.rejects(client.getSettings(), { code: 'unavailable', status: 0 });
  });

  it('refuses a call with a missing path parameter before sending anything', async () => {
    const request = createRequest({ baseUrl, getToken: () => null });
    const before = rec.seen.length;
    await assert.rejects(
      // @ts-expect-error params are required for getCase
      request('getCase', {}),
      { code: 'bad_request', message: 'getCase: path parameter "caseId" is required.' },
    );
    assert.equal(rec.seen.length, before);
  });

  it('uses the fetch given in the options', async () => {
    const calls: string[] = [];
    const client = createAgentClient({
      baseUrl: 'http://casekit.invalid',
      token: 't',
      fetch: async (input) => {
        calls.push(String(input));
        return new Response(JSON.stringify({ events: [], lastSeq: 7 }), { status: 200 });
      },
    });
    const result = await client.listEvents({ after: 3, limit: 10 });
    assert.equal(result.lastSeq, 7);
    assert.deepEqual(calls, ['http://casekit.invalid/api/v1/events?after=3&limit=10']);
  });

  it('uploads a file as the raw body with its type and name, and maps a refusal to a CasekitApiError', async () => {
    rec.json(201, { name: 'Scan été.pdf', contentType: 'application/pdf', size: 9, url: '/api/v1/uploads/up_x' });
    const client = createAgentClient({ baseUrl, token: 'tok_1' });
    const file = new File(['%PDF-1.7'], 'Scan été.pdf', { type: 'application/pdf' });
    const attachment = await client.uploadAttachment(file);
    assert.equal(attachment.url, '/api/v1/uploads/up_x');
    const req = rec.seen.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/api/v1/uploads?name=Scan%20%C3%A9t%C3%A9.pdf');
    assert.equal(req.headers['content-type'], 'application/pdf');
    assert.equal(req.headers.authorization, 'Bearer tok_1');
    assert.equal(req.body, '%PDF-1.7');

    await client.uploadAttachment(new Blob(['plain']), 'notes.txt', { contentType: 'text/plain' });
    assert.equal(rec.seen.at(-1)!.headers['content-type'], 'text/plain', 'a Blob without a type takes the given one');

    rec.json(413, { error: { code: 'payload_too_large', message: 'The file is larger than the limit of 10 MB.', details: { limit: 10 } } });
    await assert.rejects(client.uploadAttachment(file), { code: 'payload_too_large', status: 413, details: { limit: 10 } });
  });

  it('resolves links the server gave against the base URL', () => {
    const client = createAgentClient({ baseUrl: 'https://support.example.com/', token: 't' });
    assert.equal(client.resolveUrl('/api/v1/uploads/up_1'), 'https://support.example.com/api/v1/uploads/up_1');
    assert.equal(client.resolveUrl('https://cdn.example.com/a.png'), 'https://cdn.example.com/a.png');
  });
});
