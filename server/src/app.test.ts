import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '@casekit/protocol/schemas';
import { io as ioClient } from 'socket.io-client';
import type { Logger } from '@casekit/server';
import { createLogger } from './logger.ts';
import { DEMO_PASSWORD, seedDemo, startServer, type RunningServer } from './index.ts';

describe('the reference backend', () => {
  let dir: string;
  let server: RunningServer;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-app-'));
    await mkdir(join(dir, 'examples', 'support-site'), { recursive: true });
    await writeFile(join(dir, 'examples', 'support-site', 'index.html'), '<!doctype html><title>Support site</title>');
    const logger: Logger = createLogger('debug', (line) => void lines.push(JSON.parse(line)));
    server = await startServer({ port: 0, dataDir: join(dir, 'data'), logger, examplesDir: join(dir, 'examples'), workspaceId: 'demo' });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers /healthz and logs one JSON line per request', async () => {
    const res = await fetch(`${server.url}/healthz?probe=1`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.lastSeq, 'number');
    const line = lines.find((l) => l.msg === 'request' && l.path === '/healthz');
    assert.ok(line, 'request logged');
    assert.equal(line.method, 'GET');
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, 'number');
    assert.equal(typeof line.time, 'string');
  });

  it('serves the OpenAPI document with every route, and the docs page', async () => {
    const doc = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops as Record<string, { operationId: string }>));
    assert.deepEqual(operations.map((o) => o.operationId).sort(), Object.keys(ROUTES).sort());
    const docs = await fetch(`${server.url}/api/v1/docs`);
    assert.equal(docs.status, 200);
  });

  it('serves a start page and the examples folder', async () => {
    const home = await (await fetch(`${server.url}/`)).text();
    assert.match(home, /href="\/api\/v1\/docs"/);
    assert.match(home, /href="\/examples\/support-site\/"/);
    const page = await fetch(`${server.url}/examples/support-site/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Support site/);
    const escape = await fetch(`${server.url}/examples/..%2f..%2fdata%2fjwt-secret`);
    assert.equal(escape.status, 404);
  });

  it('serves an SVG favicon where pages link it and where browsers look on their own', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
      assert.match(await res.text(), /^<svg /);
    }
    assert.match(await (await fetch(`${server.url}/`)).text(), /<link rel="icon" href="\/favicon.svg"/);
  });

  it('creates a first admin and the webchat channel on first start', async () => {
    const created = lines.find((l) => l.msg === "created the first admin; sign in and change the password from the workbench's account menu (or POST /api/v1/me/password)");
    assert.ok(created);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: created.email, password: created.password }),
    });
    assert.equal(login.status, 200);
    // As the log says: the generated password is changed, and only the new one signs in after.
    const { token } = (await login.json()) as { token: string };
    const changed = await fetch(`${server.url}/api/v1/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword: created.password, newPassword: 'my own admin passphrase' }),
    });
    assert.equal(changed.status, 200);
    const again = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: created.email, password: 'my own admin passphrase' }),
    });
    assert.equal(again.status, 200);
    const session = await fetch(`${server.url}/api/v1/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: 'webchat' }),
    });
    assert.equal(session.status, 201);
    // The channel's secret is stored encrypted under the generated key, never in plain text.
    const channel = await server.store.getChannel('demo', 'webchat');
    const secret = channel?.secrets.identitySecret;
    assert.ok(secret && secret.length >= 32);
    for (const file of ['casekit.db', 'casekit.db-wal']) {
      const bytes = await readFile(join(dir, 'data', file)).catch(() => Buffer.alloc(0));
      assert.ok(!bytes.includes(secret), `the plain secret is not in ${file}`);
    }
    assert.ok(!JSON.stringify(lines).includes(secret), 'the secret is not logged');
    assert.ok((await readFile(join(dir, 'data', 'secret-key'), 'utf8')).trim().length >= 32);
  });

  it('lets only the configured origins call the API and the realtime gateway from a browser', async () => {
    const other = await startServer({ port: 0, dataDir: join(dir, 'data-cors'), logger: createLogger('silent'), examplesDir: null, workspaceId: 'demo', corsOrigins: ['https://shop.example'] });
    try {
      const preflight = (origin: string) =>
        fetch(`${other.url}/api/v1/visitor/sessions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      const ok = await preflight('https://shop.example');
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://shop.example');
      assert.equal((await preflight('https://evil.example')).status, 403);
      const session = await fetch(`${other.url}/api/v1/visitor/sessions`, {
        method: 'POST',
        headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: 'webchat' }),
      });
      assert.equal(session.status, 201);
      assert.equal(session.headers.get('access-control-allow-origin'), 'https://shop.example');
      const polling = (origin: string) => fetch(`${other.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
      assert.equal((await polling('https://shop.example')).headers.get('access-control-allow-origin'), 'https://shop.example');
      assert.equal((await polling('https://evil.example')).headers.get('access-control-allow-origin'), null);
      // A WebSocket handshake (no CORS in browsers) is checked by its Origin too.
      const upgrade = (origin: string) =>
        new Promise<number>((resolve) => {
          const url = new URL(other.url);
          const req = httpRequest({
            host: url.hostname,
            port: url.port,
            path: '/socket.io/?EIO=4&transport=websocket',
            headers: { origin, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
          });
          req.on('upgrade', (res, socket) => (socket.destroy(), resolve(res.statusCode ?? 0)));
          req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
          req.end();
        });
      assert.equal(await upgrade('https://shop.example'), 101);
      assert.equal(await upgrade(other.url), 101, "casekit's own pages");
      assert.notEqual(await upgrade('https://evil.example'), 101);
      // The default server (no origins configured) adds no CORS headers at all.
      const plain = await fetch(`${server.url}/api/v1/visitor/sessions`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
      assert.equal(plain.headers.get('access-control-allow-origin'), null);
    } finally {
      await other.close();
    }
  });

  it('starts with nobody online: presence left from a stopped process is cleared, and connecting sets it again', async () => {
    const dataDir = join(dir, 'data-presence');
    const first = await startServer({ port: 0, dataDir, logger: createLogger('silent'), examplesDir: null, workspaceId: 'demo' });
    const [admin] = await first.store.listAgents('demo');
    await first.engine.setPresence({ workspaceId: 'demo', system: 'test' }, admin!.id, 'online');
    await first.close();
    const second = await startServer({ port: 0, dataDir, logger: createLogger('silent'), examplesDir: null, workspaceId: 'demo' });
    try {
      assert.equal((await second.store.getAgent('demo', admin!.id))?.presence, 'offline');
      const { token } = await second.auth.signAgentToken(admin!);
      const socket = ioClient(`${second.url}/agent`, { auth: { token }, transports: ['websocket'] });
      try {
        for (let i = 0; i < 100 && (await second.store.getAgent('demo', admin!.id))?.presence !== 'online'; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal((await second.store.getAgent('demo', admin!.id))?.presence, 'online');
      } finally {
        socket.close();
      }
    } finally {
      await second.close();
    }
  });

  it('counts sign-in failures by the forwarded client address when told to trust the proxy', async () => {
    const proxied = await startServer({ port: 0, dataDir: join(dir, 'data-proxy'), logger: createLogger('silent'), examplesDir: null, workspaceId: 'demo', trustProxy: 1 });
    try {
      const login = (i: number, from: string) =>
        fetch(`${proxied.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
          body: JSON.stringify({ email: `nobody${i}@example.com`, password: 'guess' }),
        });
      const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(i, '203.0.113.7').then((r) => r.status)));
      assert.deepEqual([...new Set(statuses)], [401]);
      assert.equal((await login(99, '203.0.113.7')).status, 429, 'that client is blocked');
      assert.equal((await login(99, '198.51.100.2')).status, 401, 'another client behind the same proxy is not');
    } finally {
      await proxied.close();
    }
  });

  it('keeps uploads in the data dir and serves them back', async () => {
    const session = await (
      await fetch(`${server.url}/api/v1/visitor/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: 'webchat' }),
      })
    ).json();
    const text = 'Modem model: FL-9000\n';
    const res = await fetch(`${server.url}/api/v1/visitor/uploads?name=modem.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'text/plain' },
      body: text,
    });
    assert.equal(res.status, 201);
    const attachment = await res.json();
    const download = await fetch(new URL(attachment.url, server.url));
    assert.equal(download.status, 200);
    await download.arrayBuffer();
    const id = attachment.url.split('/').pop();
    // The line is written when the server finishes the response, which may be after the client has it.
    for (let i = 0; i < 50 && !lines.some((l) => l.path === '/api/v1/uploads/:id'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(lines.some((l) => l.path === '/api/v1/uploads/:id'), 'the download is logged');
    assert.ok(!JSON.stringify(lines).includes(id), 'without the upload id');
    const files = await readdir(join(dir, 'data', 'uploads'), { recursive: true });
    assert.ok(files.some((f) => f.endsWith(`${attachment.url.split('/').pop()}.json`)), 'stored under <data>/uploads');
    assert.equal(await (await fetch(`${server.url}${attachment.url}`)).text(), text);
  });

  it('seeds the demo workspace through the engine, once', async () => {
    const progress: number[] = [];
    const first = await seedDemo({ store: server.store, auth: server.auth, workspaceId: 'demo', onProgress: (done) => progress.push(done) });
    assert.equal(first.alreadySeeded, false);
    assert.equal(first.agents.length, 6);
    assert.ok(first.created.customers >= 40, `customers: ${first.created.customers}`);
    assert.ok(first.created.cases >= 55, `cases: ${first.created.cases}`);
    assert.ok(first.webchat.secret && first.webchat.secret.length >= 32);
    assert.ok(progress.length > 100 && progress.at(-1)! === progress.length);

    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'chloe@fibrelink.example', password: DEMO_PASSWORD }),
    });
    assert.equal(login.status, 200);
    const { token } = await login.json();
    const auth = { authorization: `Bearer ${token}` };
    const cases = await (await fetch(`${server.url}/api/v1/cases?limit=200`, { headers: auth })).json();
    assert.equal(cases.items.length, first.created.cases);
    const statuses = new Set(cases.items.map((c: { status: string }) => c.status));
    for (const status of ['new', 'open', 'pending', 'solved', 'closed']) assert.ok(statuses.has(status), `some case is ${status}`);
    const channels = new Set(cases.items.flatMap((c: { channels: string[] }) => c.channels));
    for (const kind of ['email', 'whatsapp', 'webchat']) assert.ok(channels.has(kind), `some case is on ${kind}`);
    assert.ok(cases.items.some((c: { channels: string[] }) => c.channels.length > 1), 'a case spans two channels');
    assert.ok(cases.items.some((c: { assigneeId: string | null }) => c.assigneeId === null), 'some cases wait in the queue');
    const customers = await (await fetch(`${server.url}/api/v1/customers?limit=200`, { headers: auth })).json();
    assert.ok(customers.items.some((c: { identities: unknown[] }) => c.identities.length >= 3));

    const seq = await server.store.lastSeq('demo');
    const second = await seedDemo({ store: server.store, auth: server.auth, workspaceId: 'demo' });
    assert.equal(second.alreadySeeded, true);
    assert.equal(await server.store.lastSeq('demo'), seq, 'seeding twice adds nothing');
    const again = await (await fetch(`${server.url}/api/v1/cases?limit=200`, { headers: auth })).json();
    assert.equal(again.items.length, cases.items.length);
  });
});
