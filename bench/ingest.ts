/**
 * Ingest: inbound messages per second through the HTTP ingest path (visitor messages into the
 * SQLite store, one transaction each) against a bare Express endpoint measured in the same run;
 * then the same messages straight into the engine in this process, without HTTP.
 *   pnpm --filter @casekit/bench ingest [--messages 30000 --concurrency 64]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaseEngine } from '@casekit/core';
import { provisionChannel } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { postLoad, type LoadResult } from './http-load.ts';
import { benchOptions, inFlight, percentile, progress, saveResult, table } from './lib.ts';
import { cpuSeconds, freePort, startProcess, stopProcess } from './proc.ts';

const values = benchOptions({ messages: { type: 'string', default: '30000' }, concurrency: { type: 'string', default: '64' }, visitors: { type: 'string', default: '200' } });
const TOTAL = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const VISITORS = Number(values.visitors);
const PATH = '/api/v1/visitor/messages';
const body = (i: number) => ({ text: `Message ${i}: my connection drops every evening around 8pm`, clientMessageId: `bench-${i}` });

interface Measured extends LoadResult {
  /** CPU time per message of the server process and of this load generator, in µs. */
  serverCpuUs: number | null;
  clientCpuUs: number | null;
}

async function run(label: string, server: ChildProcess, port: number, headers?: (i: number) => Record<string, string>): Promise<Measured> {
  // A short warm-up lets the JIT settle before the measured run.
  await postLoad({ port, path: PATH, total: 1000, concurrency: CONCURRENCY, body: (i) => body(-1 - i), ...(headers && { headers }) });
  const serverBefore = cpuSeconds(server.pid);
  const clientBefore = process.cpuUsage();
  const result = await postLoad({ port, path: PATH, total: TOTAL, concurrency: CONCURRENCY, body, ...(headers && { headers }), onProgress: progress(label, TOTAL) });
  const serverAfter = cpuSeconds(server.pid);
  const client = process.cpuUsage(clientBefore);
  return {
    ...result,
    serverCpuUs: serverBefore === null || serverAfter === null ? null : ((serverAfter - serverBefore) / TOTAL) * 1e6,
    clientCpuUs: (client.user + client.system) / TOTAL,
  };
}

// Baseline: Express parsing the same JSON and answering 201, no work.
const barePort = await freePort();
const bare = await startProcess('bench/bare-server.ts', [], {}, barePort, PATH);
const baseline = await run('bare express ', bare, barePort);
await stopProcess(bare);

// casekit: the reference server with its embedded SQLite store.
const dataDir = mkdtempSync(join(tmpdir(), 'casekit-bench-ingest-'));
const port = await freePort();
const server = await startProcess('server/src/cli.ts', ['start'], { CASEKIT_DATA_DIR: dataDir, LOG_LEVEL: 'error' }, port, '/healthz');
const tokens: string[] = [];
for (let i = 0; i < VISITORS; i++) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/visitor/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channelId: 'webchat', name: `Visitor ${i}` }),
  });
  if (res.status !== 201) throw new Error(`session: ${res.status} ${await res.text()}`);
  tokens.push(((await res.json()) as { token: string }).token);
}
const auth = (i: number) => ({ authorization: `Bearer ${tokens[((i % VISITORS) + VISITORS) % VISITORS]}` });
const casekit = await run('casekit ingest', server, port, auth);
await stopProcess(server);
rmSync(dataDir, { recursive: true, force: true });

// The engine alone: the same messages through engine.ingest in this process, no HTTP.
async function engineAlone(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-engine-'));
  const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
  try {
    const engine = createCaseEngine({ store });
    await engine.ensureWorkspace({ id: 'bench' });
    await provisionChannel(engine, 'bench', { id: 'webchat', kind: 'webchat', name: 'Web chat' });
    const customers: string[] = [];
    for (let i = 0; i < VISITORS; i++) {
      const first = await engine.ingest({ workspaceId: 'bench', channelId: 'webchat', from: { externalId: `visitor-${i}`, name: `Visitor ${i}` }, text: 'Hello' });
      customers.push(first.customer.id);
    }
    const send = (i: number) => {
      const customerId = customers[((i % VISITORS) + VISITORS) % VISITORS]!;
      const { text, clientMessageId } = body(i);
      return engine.ingest({ workspaceId: 'bench', channelId: 'webchat', customerId, clientMessageId, from: { externalId: `customer:${customerId}` }, text, authorKind: 'customer' });
    };
    const load = async (from: number, count: number, latencyMs: number[], onDone?: (n: number) => void) => {
      let done = 0;
      await inFlight(
        count,
        CONCURRENCY,
        async (i) => {
          const started = performance.now();
          await send(i);
          latencyMs.push(performance.now() - started);
          onDone?.(++done);
        },
        from,
      );
    };
    await load(-1000, 1000, []);
    const latencyMs: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await load(0, TOTAL, latencyMs, progress('engine alone  ', TOTAL));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      requests: TOTAL,
      seconds,
      perSecond: TOTAL / seconds,
      statuses: {},
      latencyMs: latencyMs.sort((a, b) => a - b),
      serverCpuUs: (cpu.user + cpu.system) / TOTAL,
      clientCpuUs: null,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
const engine = await engineAlone();

const row = (name: string, r: Measured) => ({
  endpoint: name,
  'msg/s': Math.round(r.perSecond),
  p50_ms: percentile(r.latencyMs, 50),
  p99_ms: percentile(r.latencyMs, 99),
  'server µs/msg': r.serverCpuUs === null ? 'n/a' : Math.round(r.serverCpuUs),
  'client µs/msg': r.clientCpuUs === null ? '—' : Math.round(r.clientCpuUs),
  statuses: Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' ') || '—',
});
console.log(`\nIngest over HTTP: ${TOTAL.toLocaleString('en')} messages, ${CONCURRENCY} in flight, ${VISITORS} visitors`);
console.log(table([row('bare Express (baseline)', baseline), row('casekit → SQLite', casekit), row('engine alone, no HTTP', engine)]));
const ratio = casekit.perSecond / baseline.perSecond;
console.log(`\ncasekit: ${Math.round(casekit.perSecond)} msg/s, ${ratio.toFixed(2)} of bare (aim: ≥ 3,000 msg/s and ≥ 0.3)`);
if ((casekit.statuses[201] ?? 0) !== TOTAL) console.log('warning: not every message was answered 201');
saveResult('ingest', {
  total: TOTAL,
  concurrency: CONCURRENCY,
  visitors: VISITORS,
  casekit: casekit.perSecond,
  bare: baseline.perSecond,
  ratio,
  casekitP99: percentile(casekit.latencyMs, 99),
  engine: engine.perSecond,
  serverCpuUs: { casekit: casekit.serverCpuUs, bare: baseline.serverCpuUs, engine: engine.serverCpuUs },
  clientCpuUs: { casekit: casekit.clientCpuUs, bare: baseline.clientCpuUs },
});
