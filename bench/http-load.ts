/** A keep-alive HTTP load generator: POSTs JSON bodies with `concurrency` requests in flight. */
import http from 'node:http';
import { inFlight } from './lib.ts';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  statuses: Record<number, number>;
  latencyMs: number[];
}

export async function postLoad(options: {
  port: number;
  path: string;
  total: number;
  concurrency: number;
  body: (i: number) => unknown;
  headers?: (i: number) => Record<string, string>;
  /** Sends these bytes and headers as they are instead of `body` as JSON (signed webhooks). */
  raw?: (i: number) => { body: string; headers: Record<string, string> };
  /** Where each request goes, when not all to `path`. */
  pathOf?: (i: number) => string;
  onProgress?: (done: number) => void;
  /** Paces the requests at this rate; latency then counts from when each was due, so a stall shows in full. */
  perSecond?: number;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const statuses: Record<number, number> = {};
  const latencyMs: number[] = [];
  let done = 0;
  let start = 0;
  const one = async (i: number) => {
    const due = options.perSecond ? start + (i * 1000) / options.perSecond : null;
    if (due !== null && due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    await new Promise<void>((resolve, reject) => {
      const raw = options.raw?.(i);
      const payload = raw ? raw.body : JSON.stringify(options.body(i));
      const started = due ?? performance.now();
      const req = http.request(
        {
          agent, host: '127.0.0.1', port: options.port, path: options.pathOf?.(i) ?? options.path, method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...options.headers?.(i), ...raw?.headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            latencyMs.push(performance.now() - started);
            options.onProgress?.(++done);
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  };
  start = performance.now();
  await inFlight(options.total, options.concurrency, one);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests: options.total, seconds, perSecond: options.total / seconds, statuses, latencyMs: latencyMs.sort((a, b) => a - b) };
}
