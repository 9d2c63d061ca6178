/**
 * Replay: time for a reconnecting agent client to receive 10,000 missed events, against reading
 * the same events straight from the store in the same run.
 *   pnpm --filter @casekit/bench replay [--events 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@casekit/app';
import { decodeEvents, type ResumeResult } from '@casekit/protocol';
import { createAgentClient } from '@casekit/sdk';
import { io } from 'socket.io-client';
import { percentile, progress, saveResult, table, benchOptions } from './lib.ts';

const values = benchOptions({ events: { type: 'string', default: '10000' }, runs: { type: 'string', default: '15' } });
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
const dataDir = mkdtempSync(join(tmpdir(), 'casekit-bench-replay-'));
const server = await startServer({ port: 0, dataDir, logLevel: 'silent', examplesDir: null });
const { store, engine, workspaceId } = server;

// Each ingest of a new visitor appends 3 events, later messages 1; write until EVENTS past the start.
const startSeq = await store.lastSeq(workspaceId);
const tick = progress('writing events', EVENTS);
for (let i = 0; (await store.lastSeq(workspaceId)) - startSeq < EVENTS; i++) {
  await engine.ingest({ workspaceId, channelId: 'webchat', from: { externalId: `anon:bench-${i % 500}`, name: `Visitor ${i % 500}` }, text: `Message ${i} about my fibre connection` });
  tick(Math.min(EVENTS, (await store.lastSeq(workspaceId)) - startSeq));
}
const agent = (await store.listAgents(workspaceId))[0]!;
const { token } = await server.auth.signAgentToken(agent);

async function timeStoreRead(): Promise<number> {
  const started = performance.now();
  let after = startSeq;
  let got = 0;
  while (got < EVENTS) {
    const page = await store.listEvents(workspaceId, { after, limit: 1000 });
    got += page.length;
    after = page[page.length - 1]!.seq;
  }
  return performance.now() - started;
}

async function timeSocketResume(): Promise<number> {
  const socket = io(`${server.url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); });
  const started = performance.now();
  let after = startSeq;
  let got = 0;
  while (got < EVENTS) {
    const result = await new Promise<{ ok: boolean; value: ResumeResult }>((resolve) => socket.emit('resume', after, resolve));
    got += decodeEvents(result.value.events).length;
    after = result.value.lastSeq;
    if (!result.value.hasMore) break;
  }
  const ms = performance.now() - started;
  socket.close();
  if (got < EVENTS) throw new Error(`socket replay returned ${got} of ${EVENTS}`);
  return ms;
}

/** What an application sees: an SDK agent client that was away, from connect() to the last event. */
async function timeSdkReconnect(): Promise<number> {
  const client = createAgentClient({ baseUrl: server.url, token, lastSeq: startSeq });
  let got = 0;
  const done = new Promise<void>((resolve) => client.on('event', () => void (++got >= EVENTS && resolve())));
  const started = performance.now();
  client.connect();
  await done;
  const ms = performance.now() - started;
  client.disconnect();
  return ms;
}

const measure = async (fn: () => Promise<number>) => {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await fn());
  return times.sort((a, b) => a - b);
};
const storeTimes = await measure(timeStoreRead);
const socketTimes = await measure(timeSocketResume);
const sdkTimes = await measure(timeSdkReconnect);
const base = percentile(storeTimes, 50);
const row = (name: string, t: number[]) => ({ path: name, p50_ms: percentile(t, 50), max_ms: t[t.length - 1]!, 'p50 / store read': percentile(t, 50) / base });
console.log(`\nReplay of ${EVENTS.toLocaleString('en')} events (${RUNS} runs each)`);
console.log(table([row('store read (baseline)', storeTimes), row('socket resume pages', socketTimes), row('SDK reconnect → last event', sdkTimes)]));
console.log(`\nSDK reconnect: ${percentile(sdkTimes, 50).toFixed(1)} ms for ${EVENTS.toLocaleString('en')} events (aim: under 150 ms)`);
saveResult('replay', { events: EVENTS, storeP50: base, socketP50: percentile(socketTimes, 50), sdkP50: percentile(sdkTimes, 50), sdkMax: sdkTimes[sdkTimes.length - 1] });
await server.close();
rmSync(dataDir, { recursive: true, force: true });
