// Two nodes of the reference backend on one SQLite file and one Redis, as behind a load balancer.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CaseEvent } from '@casekit/protocol';
import { provisionAgent, type Logger } from '@casekit/server';
import { startRedis, type RunningRedis } from '@casekit/testkit';
import { io as connect, type Socket } from 'socket.io-client';
import { startServer, type RunningServer } from './index.ts';

const WORKSPACE = 'ws_scale';
const PASSWORD = 'a long and correct password';
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

async function call(url: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token && { authorization: `Bearer ${options.token}` }), ...options.headers },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

/** An agent socket and the time each message text first arrived on it. */
async function agentSocket(url: string, token: string): Promise<{ socket: Socket; arrivals: Map<string, number>; seen: CaseEvent[] }> {
  const socket = connect(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
  const arrivals = new Map<string, number>();
  const seen: CaseEvent[] = [];
  socket.on('events', (batch: CaseEvent[]) => {
    for (const event of batch) {
      seen.push(event);
      if (event.type === 'message.created' && !arrivals.has(event.data.message.text)) arrivals.set(event.data.message.text, performance.now());
    }
  });
  return { socket, arrivals, seen };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

describe('two nodes sharing one store and one Redis', () => {
  let redis: RunningRedis;
  let dir: string;
  let a: RunningServer;
  let b: RunningServer;
  let adminToken: string;
  let adminId: string;
  const sockets: Socket[] = [];

  const startNode = () =>
    startServer({ port: 0, dataDir: dir, redisUrl: redis.url, workspaceId: WORKSPACE, logger: quiet, examplesDir: null, widgetsDir: null });

  before(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'casekit-scale-'));
    a = await startNode();
    const admin = await provisionAgent(a.engine, a.auth, WORKSPACE, { email: 'lead@example.com', name: 'Lead', password: PASSWORD, role: 'admin' });
    adminId = admin.id;
    adminToken = (await a.auth.signAgentToken(admin)).token;
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a second node without taking the first node\'s agents offline', async () => {
    const onA = await agentSocket(a.url, adminToken);
    sockets.push(onA.socket);
    await until(async () => (await a.store.getAgent(WORKSPACE, adminId))?.presence === 'online', 'the agent to be online');
    b = await startNode();
    assert.equal((await b.store.getAgent(WORKSPACE, adminId))?.presence, 'online', 'still online, connected to node A');
  });

  it('pushes a message ingested on node A to an agent socket on node B', async () => {
    const onA = await agentSocket(a.url, adminToken);
    const onB = await agentSocket(b.url, adminToken);
    sockets.push(onA.socket, onB.socket);
    const visitor = await call(a.url, 'POST', '/visitor/sessions', { body: { channelId: 'webchat', name: 'Vera' } });
    assert.equal(visitor.status, 201, visitor.text);

    const count = 50;
    const cross: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < count; i++) {
      const text = `message ${i} through node A`;
      const sentAt = performance.now();
      const sent = await call(a.url, 'POST', '/visitor/messages', { token: visitor.body.token, body: { text, clientMessageId: `scale-${i}` } });
      assert.equal(sent.status, 201, sent.text);
      await until(() => onB.arrivals.has(text) && onA.arrivals.has(text), `"${text}" on both nodes' sockets`);
      cross.push(onB.arrivals.get(text)! - sentAt);
      local.push(onA.arrivals.get(text)! - sentAt);
    }
    cross.sort((x, y) => x - y);
    local.sort((x, y) => x - y);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(
      `visitor POST on A → agent socket, ${count} messages: node B p50 ${ms(percentile(cross, 50))} p95 ${ms(percentile(cross, 95))}; ` +
        `node A (same node) p50 ${ms(percentile(local, 50))} p95 ${ms(percentile(local, 95))}`,
    );
    // B receives the events in seq order, each once.
    const seqs = onB.seen.map((event) => event.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((x, y) => x - y));
  });

  it('locks an email after the limit of failed sign-ins, counted across both nodes', async () => {
    const email = 'lead@example.com';
    // Default limit: 5 failed sign-ins per email. Alternate the nodes, as a load balancer would.
    for (let i = 0; i < 5; i++) {
      const wrong = await call(i % 2 === 0 ? a.url : b.url, 'POST', '/auth/login', { body: { email, password: `wrong ${i}` } });
      assert.equal(wrong.status, 401, `attempt ${i + 1}: ${wrong.text}`);
    }
    for (const url of [a.url, b.url]) {
      const locked = await call(url, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
      assert.equal(locked.status, 429, `even the right password is refused on ${url === a.url ? 'A' : 'B'}: ${locked.text}`);
      assert.equal(locked.body.error.code, 'rate_limited');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
    }
  });

  it('stores one agent for one Idempotency-Key sent to both nodes at once, and both answer the same', async () => {
    const body = { email: 'twin@example.com', name: 'Twin', password: 'another long password', role: 'agent' };
    const headers = { 'idempotency-key': 'create-twin-1' };
    const [fromA, fromB] = await Promise.all([
      call(a.url, 'POST', '/agents', { token: adminToken, body, headers }),
      call(b.url, 'POST', '/agents', { token: adminToken, body, headers }),
    ]);
    assert.equal(fromA.status, 201, fromA.text);
    assert.equal(fromB.status, 201, fromB.text);
    assert.deepEqual(fromA.body, fromB.body);
    assert.deepEqual([fromA, fromB].map((r) => r.headers.get('idempotent-replayed')).sort(), ['true', null].sort());
    const agents = await a.store.listAgents(WORKSPACE);
    assert.equal(agents.filter((agent) => agent.email === 'twin@example.com').length, 1);
  });
});
