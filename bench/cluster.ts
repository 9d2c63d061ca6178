/**
 * Cluster: two `casekit start` processes on one DynamoDB Local table and one redis-server.
 * Push latency: a visitor message POSTed to node A until its `events` push reaches an agent socket
 * on node B (across nodes), against a socket on node A (same node). Ingest over HTTP: the same
 * load all to node A, then spread over A and B, in the same run; one node on SQLite as a baseline.
 *   pnpm --filter @casekit/bench cluster [--pushes 200 --messages 600 --concurrency 16 --visitors 60]
 * Everything shares this machine's cores; see docs/performance.md#several-nodes for what that means.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseEvent } from '@casekit/protocol';
import { clusterNodeEnv, startCliChild, type CliChild } from '@casekit/app';
import { startRedis } from '@casekit/testkit';
import { startDynamoDbLocal } from '@casekit/testkit/dynamodb-local';
import { io, type Socket } from 'socket.io-client';
import { benchOptions, inFlight, percentile, progress, saveResult, table } from './lib.ts';

const values = benchOptions({
  pushes: { type: 'string', default: '200' },
  messages: { type: 'string', default: '600' },
  concurrency: { type: 'string', default: '16' },
  visitors: { type: 'string', default: '60' },
});
const PUSHES = Number(values.pushes);
const MESSAGES = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const VISITORS = Number(values.visitors);
const WARMUP = 40;
const WORKSPACE = 'ws_cluster';

const dataDir = mkdtempSync(join(tmpdir(), 'casekit-bench-cluster-'));
const children: CliChild[] = [];
const sockets: Socket[] = [];
// Every child goes with this process, however the run ends: the kills are sent at once.
const stopAll = () => {
  for (const socket of sockets) socket.close();
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
};
process.once('exit', () => {
  stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const load = () => loadavg().map((n) => n.toFixed(2)).join(' / ');
const loadBefore = load();
const started = performance.now();
const [dynamo, redis] = await Promise.all([startDynamoDbLocal(), startRedis()]);
process.once('exit', () => void dynamo.stop());
process.once('exit', () => void redis.stop());

/** Starts a node and keeps it for the exit handler. */
async function startNode(env: Record<string, string>): Promise<CliChild> {
  const child = await startCliChild(env);
  children.push(child);
  return child;
}
async function stopNode(child: CliChild): Promise<void> {
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000);
  await child.exited;
  clearTimeout(timer);
}

const clusterEnv = clusterNodeEnv({ dynamoEndpoint: dynamo.endpoint, redisUrl: redis.url, table: 'casekit_cluster', workspace: WORKSPACE });
// A first: it creates the table, the workspace and the first admin.
const a = await startNode({ ...clusterEnv, CASEKIT_DATA_DIR: join(dataDir, 'a') });
const b = await startNode({ ...clusterEnv, CASEKIT_DATA_DIR: join(dataDir, 'b') });
console.error(`DynamoDB Local, Redis and two nodes up after ${((performance.now() - started) / 1000).toFixed(1)} s`);

async function post(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** `count` visitor sessions on `node`, their tokens. */
async function visitorTokens(node: CliChild, count: number, prefix: string): Promise<string[]> {
  const tokens: string[] = [];
  await inFlight(count, 4, async (i) => {
    const res = await post(node.url, '/visitor/sessions', { channelId: 'webchat', name: `${prefix} ${i}` });
    if (res.status !== 201) throw new Error(`visitor session on ${node.url}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[i] = res.body.token;
  });
  return tokens;
}

// ---- push latency: POST to A, the push on A's socket and on B's ----
const admin = a.logs.find((line) => String(line.msg).startsWith('created the first admin'));
if (!admin) throw new Error('node A logged no first admin');
const login = await post(a.url, '/auth/login', { email: admin.email, password: admin.password });
if (login.status !== 200) throw new Error(`sign-in: ${login.status} ${JSON.stringify(login.body)}`);

/** An agent socket on `node`, and when (performance.now()) each message text first arrived in an `events` push. */
async function agentSocket(node: CliChild): Promise<Map<string, number>> {
  const socket = io(`${node.url}/agent`, { auth: { token: login.body.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
  const arrived = new Map<string, number>();
  socket.on('events', (batch: CaseEvent[]) => {
    const at = performance.now();
    for (const event of batch) if (event.type === 'message.created' && !arrived.has(event.data.message.text)) arrived.set(event.data.message.text, at);
  });
  return arrived;
}
const onA = await agentSocket(a);
const onB = await agentSocket(b);

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const [pushToken] = await visitorTokens(a, 1, 'Push visitor');
const acrossMs: number[] = [];
const sameMs: number[] = [];
const ackMs: number[] = [];
// What the hop through Redis adds: B's push after A's push of the same message.
const hopMs: number[] = [];
const pushTick = progress('push A → A, B  ', PUSHES);
for (let i = -10; i < PUSHES; i++) {
  const text = `push ${i}`;
  const sentAt = performance.now();
  const res = await post(a.url, '/visitor/messages', { text, clientMessageId: `push-${i}` }, pushToken);
  if (res.status !== 201) throw new Error(`push message ${i}: ${res.status} ${JSON.stringify(res.body)}`);
  const ackedAt = performance.now();
  await until(() => onA.has(text) && onB.has(text), `"${text}" on both sockets`);
  // The first ten warm both nodes up.
  if (i < 0) continue;
  ackMs.push(ackedAt - sentAt);
  sameMs.push(onA.get(text)! - sentAt);
  acrossMs.push(onB.get(text)! - sentAt);
  hopMs.push(onB.get(text)! - onA.get(text)!);
  pushTick(i + 1);
}
for (const list of [acrossMs, sameMs, ackMs, hopMs]) list.sort((x, y) => x - y);

// ---- HTTP ingest: one node, then two ----
interface Ingest {
  perSecond: number;
  latencyMs: number[];
  /** Answered 503 and sent again once. */
  retried: number;
  /** Not 201 in the end (a 503 sent again and answered 503 again counts here too). */
  failed: number;
  statuses: Record<number, number>;
}

/** `total` visitor messages from `tokens`' visitors, `CONCURRENCY` in flight, the i-th to `nodes[i % nodes.length]`. */
async function ingest(label: string | null, nodes: CliChild[], tokens: string[], total: number, from: number): Promise<Ingest> {
  const latencyMs: number[] = [];
  const statuses: Record<number, number> = {};
  let retried = 0;
  let failed = 0;
  let done = 0;
  const tick = label ? progress(label, total) : () => undefined;
  const startedAt = performance.now();
  await inFlight(
    total,
    CONCURRENCY,
    async (i) => {
      const node = nodes[Math.abs(i) % nodes.length]!;
      const body = { text: `Message ${i}: my connection drops every evening around 8pm`, clientMessageId: `ingest-${i}` };
      const token = tokens[Math.abs(i) % tokens.length]!;
      const t0 = performance.now();
      let res = await post(node.url, '/visitor/messages', body, token);
      if (res.status === 503) {
        retried++;
        res = await post(node.url, '/visitor/messages', body, token);
      }
      latencyMs.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status !== 201) failed++;
      tick(++done);
    },
    from,
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return { perSecond: (total - failed) / seconds, latencyMs: latencyMs.sort((x, y) => x - y), retried, failed, statuses };
}

const oneTokens = await visitorTokens(a, VISITORS, 'One-node visitor');
const twoTokens = await visitorTokens(a, VISITORS, 'Two-node visitor');
await ingest(null, [a, b], twoTokens, WARMUP, -WARMUP);
const one = await ingest('ingest, 1 node ', [a], oneTokens, MESSAGES, 0);
const two = await ingest('ingest, 2 nodes', [a, b], twoTokens, MESSAGES, MESSAGES);
const loadAfterCluster = load();
for (const socket of sockets) socket.close();
await Promise.all([stopNode(a), stopNode(b)]);
await Promise.all([dynamo.stop(), redis.stop()]);

// Baseline: one node on SQLite in a data directory of its own, the same load.
const sqliteNode = await startNode({ CASEKIT_DATA_DIR: join(dataDir, 'sqlite'), CASEKIT_WORKSPACE_ID: WORKSPACE });
const sqliteTokens = await visitorTokens(sqliteNode, VISITORS, 'SQLite visitor');
await ingest(null, [sqliteNode], sqliteTokens, WARMUP, -WARMUP);
const sqlite = await ingest('ingest, SQLite ', [sqliteNode], sqliteTokens, MESSAGES, 0);
await stopNode(sqliteNode);

const ms = (sorted: number[], p: number) => percentile(sorted, p);
console.log(`\nPush latency: ${PUSHES} visitor messages POSTed to node A one at a time, until the \`events\` push arrives (DynamoDB Local, Redis)`);
console.log(
  table([
    { socket: 'on node A (same node, baseline)', p50_ms: ms(sameMs, 50), p95_ms: ms(sameMs, 95), p99_ms: ms(sameMs, 99) },
    { socket: 'on node B (across nodes)', p50_ms: ms(acrossMs, 50), p95_ms: ms(acrossMs, 95), p99_ms: ms(acrossMs, 99) },
    { socket: '(the POST answered)', p50_ms: ms(ackMs, 50), p95_ms: ms(ackMs, 95), p99_ms: ms(ackMs, 99) },
    { socket: "(B's push after A's)", p50_ms: ms(hopMs, 50), p95_ms: ms(hopMs, 95), p99_ms: ms(hopMs, 99) },
  ]),
);
const acrossRatio = ms(acrossMs, 50) / ms(sameMs, 50);
console.log(`across ÷ same node: ${acrossRatio.toFixed(2)} at p50, ${(ms(acrossMs, 99) / ms(sameMs, 99)).toFixed(2)} at p99`);

const row = (name: string, r: Ingest) => ({
  nodes: name,
  'msg/s': Math.round(r.perSecond),
  p50_ms: ms(r.latencyMs, 50),
  p99_ms: ms(r.latencyMs, 99),
  '503 retried': r.retried,
  failed: r.failed,
  statuses: Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
});
console.log(`\nIngest over HTTP: ${MESSAGES} visitor messages from ${VISITORS} visitors, ${CONCURRENCY} in flight, one workspace`);
console.log(table([row('one node (A), DynamoDB (baseline)', one), row('two nodes (A, B), DynamoDB', two), row('one node, SQLite', sqlite)]));
const scaling = two.perSecond / one.perSecond;
console.log(`two nodes ÷ one node: ${scaling.toFixed(2)}; DynamoDB ÷ SQLite on one node: ${(one.perSecond / sqlite.perSecond).toFixed(3)}`);
console.log(`load average (1/5/15 min): ${loadBefore} before, ${loadAfterCluster} after the cluster runs, ${load()} at the end; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);

const summary = (r: Ingest) => ({ perSecond: r.perSecond, p50: ms(r.latencyMs, 50), p99: ms(r.latencyMs, 99), retried: r.retried, failed: r.failed });
saveResult('cluster', {
  pushes: PUSHES,
  messages: MESSAGES,
  concurrency: CONCURRENCY,
  visitors: VISITORS,
  push: {
    same: { p50: ms(sameMs, 50), p95: ms(sameMs, 95), p99: ms(sameMs, 99) },
    across: { p50: ms(acrossMs, 50), p95: ms(acrossMs, 95), p99: ms(acrossMs, 99) },
    ack: { p50: ms(ackMs, 50), p95: ms(ackMs, 95), p99: ms(ackMs, 99) },
    hop: { p50: ms(hopMs, 50), p95: ms(hopMs, 95), p99: ms(hopMs, 99) },
    ratio: acrossRatio,
  },
  ingest: { one: summary(one), two: summary(two), sqlite: summary(sqlite), ratio: scaling },
  loadavg: { before: loadBefore, afterCluster: loadAfterCluster, end: load() },
});
process.exit(0);
