/**
 * Webhooks: inbound messages per second through each provider's verify, parse and ingest, over
 * HTTP into the SQLite store, against the web-chat ingest path measured in the same run.
 *   pnpm --filter @casekit/bench webhooks [--messages 6000 --concurrency 32]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postLoad, type LoadResult } from './http-load.ts';
import { signedRequests } from './channels.ts';
import { benchOptions, percentile, progress, saveResult, table } from './lib.ts';
import { cpuSeconds, freePort, startProcess, stopProcess } from './proc.ts';

const values = benchOptions({ messages: { type: 'string', default: '6000' }, concurrency: { type: 'string', default: '32' }, senders: { type: 'string', default: '200' } });
const TOTAL = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const SENDERS = Number(values.senders);

const dataDir = mkdtempSync(join(tmpdir(), 'casekit-bench-webhooks-'));
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const server = await startProcess('bench/channel-server.ts', [], { CASEKIT_DATA_DIR: dataDir }, port, '/api/v1/health');

interface Row extends LoadResult {
  serverCpuUs: number | null;
}

async function measure(label: string, send: Parameters<typeof postLoad>[0]): Promise<Row> {
  await postLoad({ ...send, total: 500, onProgress: undefined });
  const before = cpuSeconds(server.pid);
  const result = await postLoad({ ...send, onProgress: progress(label.padEnd(16), send.total) });
  const after = cpuSeconds(server.pid);
  return { ...result, serverCpuUs: before === null || after === null ? null : ((after - before) / send.total) * 1e6 };
}

// Baseline: web chat through the visitor API, the path every other channel is compared with.
const tokens: string[] = [];
for (let i = 0; i < SENDERS; i++) {
  const res = await fetch(`${origin}/api/v1/visitor/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channelId: 'webchat', name: `Visitor ${i}` }) });
  tokens.push(((await res.json()) as { token: string }).token);
}
const rows: { name: string; result: Row }[] = [];
const webchat = await measure('web chat', {
  port,
  path: '/api/v1/visitor/messages',
  total: TOTAL,
  concurrency: CONCURRENCY,
  body: (i) => ({ text: `Message ${i}: my connection drops every evening around 8pm`, clientMessageId: `bench-${i}` }),
  headers: (i) => ({ authorization: `Bearer ${tokens[((i % SENDERS) + SENDERS) % SENDERS]}` }),
});
rows.push({ name: 'web chat (baseline)', result: webchat });

const providers = signedRequests(SENDERS);
const names: Record<string, string> = { sms: 'Twilio SMS', wa: 'WhatsApp Cloud', tg: 'Telegram', x: 'X', api: 'API channel' };
for (const [id, request] of Object.entries(providers)) {
  // Warm-up messages take ids below zero so that none repeats a measured one.
  const built = (i: number) => request(i < 0 ? 10_000_000 - i : i, origin);
  const result = await measure(names[id]!, { port, path: '', total: TOTAL, concurrency: CONCURRENCY, body: () => null, raw: (i) => built(i), pathOf: (i) => built(i).path });
  rows.push({ name: names[id]!, result });
}
await stopProcess(server);
rmSync(dataDir, { recursive: true, force: true });

console.log(`\nWebhooks over HTTP: ${TOTAL.toLocaleString('en')} messages per channel, ${CONCURRENCY} in flight, ${SENDERS} senders`);
console.log(
  table(
    rows.map(({ name, result }) => ({
      channel: name,
      'msg/s': Math.round(result.perSecond),
      'vs web chat': result.perSecond / webchat.perSecond,
      p50_ms: percentile(result.latencyMs, 50),
      p99_ms: percentile(result.latencyMs, 99),
      'server µs/msg': result.serverCpuUs === null ? 'n/a' : Math.round(result.serverCpuUs),
      statuses: Object.entries(result.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
    })),
  ),
);
for (const { name, result } of rows) if ((result.statuses[200] ?? 0) + (result.statuses[201] ?? 0) !== TOTAL) console.log(`warning: ${name}: not every message was accepted`);
saveResult('webhooks', { total: TOTAL, concurrency: CONCURRENCY, rows: rows.map(({ name, result }) => ({ name, perSecond: result.perSecond, p50: percentile(result.latencyMs, 50), p99: percentile(result.latencyMs, 99), serverCpuUs: result.serverCpuUs })) });
