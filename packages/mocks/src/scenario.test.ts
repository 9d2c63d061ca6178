// The same scenario against the server (SQLite, Express, loopback HTTP) and against the mocks
// (memory store, msw): every answer must match, field by field, but for ids and times.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAuth, createCasekitServer, createFileBlobStore } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { normalizeScenario, runApiScenario, seedScenarioWorkspace, SCENARIO_WORKSPACE, type ScenarioFetch } from '@casekit/testkit';
import { setupServer } from 'msw/node';
import { createMockApi } from './index.ts';

function fetcher(base: string): ScenarioFetch {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined && { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // a file's bytes
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

async function againstServer() {
  const dir = await mkdtemp(join(tmpdir(), 'casekit-scenario-'));
  const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
  const auth = createAuth({ jwtSecret: 'scenario-secret-that-is-long-enough-123' });
  const server = createCasekitServer({ store, auth, workspaceId: SCENARIO_WORKSPACE, blobStore: createFileBlobStore(join(dir, 'uploads')), presenceFromConnections: false, outbox: false });
  try {
    await seedScenarioWorkspace(server.engine, auth.hashPassword);
    const { port } = await server.listen(0);
    return await runApiScenario(fetcher(`http://127.0.0.1:${port}`));
  } finally {
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function againstMocks() {
  const base = 'https://casekit.scenario.test';
  const mock = await createMockApi({ baseUrl: base, workspaceId: SCENARIO_WORKSPACE, seed: (m) => seedScenarioWorkspace(m.engine, m.auth.hashPassword) });
  const msw = setupServer(...mock.handlers);
  msw.listen({ onUnhandledFrame: 'error' });
  try {
    return await runApiScenario(fetcher(base));
  } finally {
    msw.close();
  }
}

describe('the mocks and the server', () => {
  it('answer the same scenario the same way, step by step', async () => {
    const server = normalizeScenario(await againstServer());
    const mocks = normalizeScenario(await againstMocks());
    assert.ok(server.length > 60, 'a long scenario');
    for (let i = 0; i < server.length; i++) {
      assert.deepEqual(mocks[i], server[i], `step ${i + 1}, "${server[i]!.step}": the mocks answered differently`);
    }
    assert.equal(mocks.length, server.length);
  });
});
