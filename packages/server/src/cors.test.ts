import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { corsMiddleware, isOriginAllowed, normalizeOrigin, type CorsOrigins } from './cors.ts';

describe('CORS', () => {
  const servers: { close(): void }[] = [];
  let listed = '';
  let any = '';
  const start = async (origins: CorsOrigins) => {
    const app = express();
    app.use('/api', corsMiddleware(origins));
    app.get('/api/ping', (_req, res) => void res.json({ ok: true }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  before(async () => {
    listed = await start(['https://shop.example', 'http://localhost:8080/']);
    any = await start('*');
  });
  after(() => servers.forEach((server) => server.close()));

  const preflight = (base: string, origin: string) =>
    fetch(`${base}/api/ping`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('answers a preflight from a listed origin with the methods and headers the API uses', async () => {
    const res = await preflight(listed, 'https://shop.example');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization.*content-type.*idempotency-key/);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  it('refuses a preflight from another origin with a 403 that names the setting', async () => {
    const res = await preflight(listed, 'https://evil.example');
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'forbidden');
    assert.match(body.error.message, /https:\/\/evil\.example.*CASEKIT_CORS_ORIGINS/);
  });

  it('marks simple responses for listed origins only, and leaves same-origin requests alone', async () => {
    const ok = await fetch(`${listed}/api/ping`, { headers: { origin: 'http://localhost:8080' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /idempotent-replayed/);
    const other = await fetch(`${listed}/api/ping`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const plain = await fetch(`${listed}/api/ping`);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
  });

  it('allows every origin with "*", without Vary', async () => {
    const res = await preflight(any, 'https://anywhere.example');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const simple = await fetch(`${any}/api/ping`, { headers: { origin: 'https://anywhere.example' } });
    assert.equal(simple.headers.get('access-control-allow-origin'), '*');
    assert.equal(simple.headers.get('vary'), null);
  });

  it('normalizes origins and rejects what is not one', () => {
    assert.equal(normalizeOrigin('HTTPS://Shop.Example:443/'), 'https://shop.example');
    assert.equal(normalizeOrigin('http://localhost:8080'), 'http://localhost:8080');
    for (const bad of ['ftp://x.example', 'https://x.example/path', 'https://user@x.example', 'not a url', 'null']) assert.equal(normalizeOrigin(bad), null, bad);
    assert.equal(isOriginAllowed(['https://shop.example'], 'https://shop.example'), true);
    assert.equal(isOriginAllowed(['https://shop.example'], 'https://shop.example.evil.example'), false);
    assert.equal(isOriginAllowed(['https://shop.example'], 'null'), false);
  });
});
