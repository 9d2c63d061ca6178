/**
 * Fan-out: web-chat messages ingested over HTTP at a fixed rate while 500 agent sockets are
 * connected (25 of them connected but not reading), against the same ingest with 10 sockets in
 * the same run. The reference server runs in its own process; the sockets live in a worker thread
 * of this process, so that parsing what they receive does not hold back the requests' pacing.
 *   pnpm --filter @casekit/bench fanout [--sockets 500 --paused 25 --rate 200 --seconds 20 --baseline 10 --queue-limit 256kb]
 * The kernel's socket buffers take the first few MB a paused socket does not read; `--queue-limit`
 * (the server's CASEKIT_REALTIME_QUEUE_LIMIT, default 1mb) sets what the server holds past them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createCaseEngine } from '@casekit/core';
import { ensureBaseline } from '@casekit/app';
import { createAuth, hashPassword, provisionAgent } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { io, type Socket } from 'socket.io-client';
import { postLoad, type LoadResult } from './http-load.ts';
import { benchOptions, percentile, saveResult, table } from './lib.ts';
import { cpuSeconds, freePort, startProcess, stopProcess } from './proc.ts';

const WORKSPACE = 'bench';
const JWT_SECRET = 'fanout-bench-jwt-secret-0123456789abcdef';
const SECRET_KEY = 'fanout-bench-secret-key-0123456789abcdef';

/** What the main thread asks of the socket worker, and what it answers. */
type Command =
  | { kind: 'connect'; url: string; tokens: string[]; paused: number }
  | { kind: 'check'; from: number; to: number; timeoutMs: number }
  | { kind: 'close' };
interface CheckResult {
  readers: number;
  /** Readers that received every event in (from, to] once, in order. */
  complete: number;
  missing: number;
  repeated: number;
  outOfOrder: number;
  delivered: number;
  /** Pushes (frames) that carried them. */
  pushes: number;
  /** Paused sockets the server had hung up on by the time they read again. */
  pausedDropped: number;
}

if (isMainThread) await main();
else runSockets();

// ---- the socket worker ----

function runSockets(): void {
  const port = parentPort!;
  const { url } = workerData as { url: string };
  const readers: { socket: Socket; seqs: number[]; pushes: number[] }[] = [];
  const paused: { socket: Socket; dropped: Promise<boolean>; resume: () => void }[] = [];

  function open(token: string): Promise<Socket> {
    const socket = io(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  /** The TCP socket under a client's WebSocket, to stop reading from it. */
  function tcpOf(socket: Socket): { pause(): void; resume(): void } {
    return (socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
  }

  port.on('message', async (command: Command) => {
    if (command.kind === 'connect') {
      for (let i = 0; i < command.tokens.length; i += 50) {
        const batch = await Promise.all(command.tokens.slice(i, i + 50).map(open));
        for (const socket of batch) {
          const index = readers.length + paused.length;
          if (index < command.paused) {
            const tcp = tcpOf(socket);
            tcp.pause();
            const dropped = new Promise<boolean>((resolve) => socket.once('disconnect', () => resolve(true)));
            paused.push({ socket, dropped, resume: () => tcp.resume() });
            continue;
          }
          const seqs: number[] = [];
          /** The first seq of each push. */
          const pushes: number[] = [];
          socket.on('events', (events: { seq: number }[]) => {
            pushes.push(events[0]?.seq ?? 0);
            for (const event of events) seqs.push(event.seq);
          });
          socket.on('event', (event: { seq: number }) => {
            pushes.push(event.seq);
            seqs.push(event.seq);
          });
          readers.push({ socket, seqs, pushes });
        }
      }
      port.postMessage({ kind: 'connected' });
    } else if (command.kind === 'check') {
      const deadline = Date.now() + command.timeoutMs;
      const caughtUp = () => readers.every((r) => (r.seqs.at(-1) ?? 0) >= command.to);
      while (!caughtUp() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const result: CheckResult = { readers: readers.length, complete: 0, missing: 0, repeated: 0, outOfOrder: 0, delivered: 0, pushes: 0, pausedDropped: 0 };
      for (const { seqs, pushes } of readers) {
        result.pushes += pushes.filter((seq) => seq > command.from && seq <= command.to).length;
        const seen = new Set<number>();
        let last = command.from;
        let ok = true;
        for (const seq of seqs) {
          if (seq <= command.from || seq > command.to) continue;
          result.delivered++;
          if (seen.has(seq)) (result.repeated++, (ok = false));
          else if (seq < last) (result.outOfOrder++, (ok = false));
          seen.add(seq);
          last = Math.max(last, seq);
        }
        const missing = command.to - command.from - seen.size;
        if (missing > 0) (result.missing += missing, (ok = false));
        if (ok) result.complete++;
      }
      // A paused socket the server dropped sees its connection end once it reads again.
      for (const p of paused) p.resume();
      const settled = await Promise.all(paused.map((p) => Promise.race([p.dropped, new Promise<boolean>((r) => setTimeout(() => r(false), 3000))])));
      result.pausedDropped = settled.filter(Boolean).length;
      port.postMessage({ kind: 'checked', result });
    } else {
      for (const { socket } of [...readers, ...paused]) socket.close();
      readers.length = 0;
      paused.length = 0;
      port.postMessage({ kind: 'closed' });
    }
  });
}

// ---- the run ----

async function main(): Promise<void> {
  const values = benchOptions({
    sockets: { type: 'string', default: '500' },
    paused: { type: 'string', default: '25' },
    baseline: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    visitors: { type: 'string', default: '200' },
    'queue-limit': { type: 'string' },
  });
  const SOCKETS = Number(values.sockets);
  const PAUSED = Number(values.paused);
  const BASELINE = Number(values.baseline);
  const RATE = Number(values.rate);
  const SECONDS = Number(values.seconds);
  const VISITORS = Number(values.visitors);

  // One agent per socket, written into the data file before the server opens it.
  const dataDir = mkdtempSync(join(tmpdir(), 'casekit-bench-fanout-'));
  const auth = createAuth({ jwtSecret: JWT_SECRET });
  const store = await createSqliteStore({ filename: join(dataDir, 'casekit.db'), secretKey: SECRET_KEY });
  const engine = createCaseEngine({ store });
  await ensureBaseline({ store, engine }, WORKSPACE);
  const sharedHash = await hashPassword('bench password');
  const seeding = { ...auth, hashPassword: async () => sharedHash };
  const tokens: string[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    const agent = await provisionAgent(engine, seeding, WORKSPACE, { email: `agent${i}@bench.example`, name: `Agent ${i}`, password: 'bench password', role: 'agent' });
    tokens.push((await auth.signAgentToken(agent)).token);
  }
  await store.close();

  const port = await freePort();
  const server = await startProcess(
    'server/src/cli.ts',
    ['start'],
    {
      CASEKIT_DATA_DIR: dataDir,
      CASEKIT_WORKSPACE_ID: WORKSPACE,
      CASEKIT_JWT_SECRET: JWT_SECRET,
      CASEKIT_SECRET_KEY: SECRET_KEY,
      LOG_LEVEL: 'error',
      ...(values['queue-limit'] && { CASEKIT_REALTIME_QUEUE_LIMIT: values['queue-limit'] }),
    },
    port,
    '/healthz',
  );
  const url = `http://127.0.0.1:${port}`;
  const rss = () => {
    const line = readFileSync(`/proc/${server.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
  };
  const lastSeq = async () => ((await (await fetch(`${url}/healthz`)).json()) as { lastSeq: number }).lastSeq;
  /** Waits until the log stops growing (presence changes after connects and disconnects). */
  const settled = async () => {
    let seq = await lastSeq();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await lastSeq();
      if (now === seq) return now;
      seq = now;
    }
  };

  const visitorTokens: string[] = [];
  for (let i = 0; i < VISITORS; i++) {
    const res = await fetch(`${url}/api/v1/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: 'webchat', name: `Visitor ${i}` }),
    });
    if (res.status !== 201) throw new Error(`session: ${res.status} ${await res.text()}`);
    visitorTokens.push(((await res.json()) as { token: string }).token);
  }

  const worker = new Worker(new URL(import.meta.url), { workerData: { url } });
  const ask = <T>(command: Command, answer: string) =>
    new Promise<T>((resolve) => {
      const listen = (message: { kind: string; result?: T }) => {
        if (message.kind !== answer) return;
        worker.off('message', listen);
        resolve(message.result as T);
      };
      worker.on('message', listen);
      worker.postMessage(command);
    });

  let sent = 0;
  interface Phase extends CheckResult {
    load: LoadResult;
    healthzMs: number[];
    cpuUsPerEvent: number;
    rssDuringMb: number;
  }
  async function phase(label: string, sockets: number, paused: number): Promise<Phase> {
    await ask({ kind: 'connect', url, tokens: tokens.slice(0, sockets), paused }, 'connected');
    const from = await settled();
    const healthzMs: number[] = [];
    let rssDuringMb = rss();
    let running = true;
    const probes = (async () => {
      while (running) {
        const started = performance.now();
        await fetch(`${url}/healthz`).then((res) => res.text());
        healthzMs.push(performance.now() - started);
        rssDuringMb = Math.max(rssDuringMb, rss());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const cpuBefore = cpuSeconds(server.pid)!;
    const total = RATE * SECONDS;
    const offset = sent;
    process.stderr.write(`${label}: ${sockets} sockets (${paused} not reading), ${RATE} msg/s for ${SECONDS} s\n`);
    const load = await postLoad({
      port,
      path: '/api/v1/visitor/messages',
      total,
      concurrency: 64,
      perSecond: RATE,
      body: (i) => ({ text: `Message ${offset + i}: my connection drops every evening around 8pm`, clientMessageId: `fanout-${offset + i}` }),
      headers: (i) => ({ authorization: `Bearer ${visitorTokens[(offset + i) % VISITORS]}` }),
    });
    sent += total;
    const to = await lastSeq();
    const check = await ask<CheckResult>({ kind: 'check', from, to, timeoutMs: 60_000 }, 'checked');
    const cpu = cpuSeconds(server.pid)! - cpuBefore;
    running = false;
    await probes;
    await ask({ kind: 'close' }, 'closed');
    return { ...check, load, healthzMs: healthzMs.sort((a, b) => a - b), cpuUsPerEvent: (cpu * 1e6) / Math.max(1, check.delivered), rssDuringMb };
  }

  // A warm-up lets the JIT settle and opens every visitor's case before anything is measured.
  await postLoad({
    port,
    path: '/api/v1/visitor/messages',
    total: 2000,
    concurrency: 16,
    body: (i) => ({ text: `Warm-up ${i}`, clientMessageId: `warm-${i}` }),
    headers: (i) => ({ authorization: `Bearer ${visitorTokens[i % VISITORS]}` }),
  });
  const baseline = await phase('baseline', BASELINE, 0);
  await settled();
  const rssBeforeMb = rss();
  const loaded = await phase('fan-out', SOCKETS, PAUSED);
  // Give the server the presence grace period (15 s) and its timers, then read its size again.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssClosedMb = rss();
  await settled();
  await new Promise((resolve) => setTimeout(resolve, 16_000));
  const rssAfterMb = rss();
  await worker.terminate();
  await stopProcess(server);
  rmSync(dataDir, { recursive: true, force: true });

  const row = (name: string, p: Phase) => ({
    sockets: name,
    'msg/s': p.load.perSecond,
    ack_p50_ms: percentile(p.load.latencyMs, 50),
    ack_p99_ms: percentile(p.load.latencyMs, 99),
    healthz_p50_ms: percentile(p.healthzMs, 50),
    healthz_max_ms: p.healthzMs.at(-1) ?? NaN,
    'server µs/delivered event': Math.round(p.cpuUsPerEvent),
    'events/push': p.delivered / Math.max(1, p.pushes),
    'readers complete': `${p.complete}/${p.readers}`,
    'paused dropped': p.pausedDropped,
  });
  console.log(`\nFan-out: ${RATE} msg/s of web-chat ingest for ${SECONDS} s (server queue limit: ${values['queue-limit'] ?? 'default'})`);
  console.log(table([row(`${BASELINE} (baseline)`, baseline), row(`${SOCKETS} (${PAUSED} not reading)`, loaded)]));
  console.log(`\nserver RSS: ${rssBeforeMb.toFixed(0)} MB before, ${loaded.rssDuringMb.toFixed(0)} MB at most during, ${rssClosedMb.toFixed(0)} MB 2 s after the sockets closed, ${rssAfterMb.toFixed(0)} MB once presence settled`);
  for (const [name, p] of [['baseline', baseline], ['fan-out', loaded]] as const) {
    if (p.missing || p.repeated || p.outOfOrder) console.log(`warning (${name}): ${p.missing} events missing, ${p.repeated} repeated, ${p.outOfOrder} out of order`);
    if ((p.load.statuses[201] ?? 0) !== p.load.requests) console.log(`warning (${name}): not every message was answered 201`);
  }
  const ratio = percentile(loaded.load.latencyMs, 99) / percentile(baseline.load.latencyMs, 99);
  console.log(`ack p99 with ${SOCKETS} sockets: ${percentile(loaded.load.latencyMs, 99).toFixed(0)} ms, ${ratio.toFixed(2)}× the baseline's (aim: under 250 ms)`);
  saveResult('fanout', {
    rate: RATE,
    seconds: SECONDS,
    sockets: SOCKETS,
    paused: PAUSED,
    baseline: summary(baseline),
    loaded: summary(loaded),
    rssMb: { before: rssBeforeMb, during: loaded.rssDuringMb, closed: rssClosedMb, after: rssAfterMb },
  });

  function summary(p: Phase) {
    const { load, healthzMs, ...rest } = p;
    return {
      ...rest,
      perSecond: load.perSecond,
      ackP50: percentile(load.latencyMs, 50),
      ackP99: percentile(load.latencyMs, 99),
      healthzP50: percentile(healthzMs, 50),
      healthzMax: healthzMs.at(-1),
    };
  }
}
