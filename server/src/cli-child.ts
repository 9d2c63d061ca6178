// The reference backend as its own process, started the way operators start it (tests, benchmarks).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'server/src/cli.ts');

/** A `casekit start` process that listens: its URL, its JSON log lines so far, and how it ended. */
export interface CliChild {
  process: ChildProcess;
  url: string;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logs: Record<string, unknown>[];
}

/**
 * Starts `casekit start` (from source) on a free loopback port with `env` over this process's
 * environment, and resolves once it logs `listening`; rejects with its stderr if it exits first.
 * @example const child = await startCliChild({ CASEKIT_DATA_DIR: dir }); child.process.kill('SIGKILL')
 */
export function startCliChild(env: Record<string, string>, args: readonly string[] = []): Promise<CliChild> {
  const child = spawn(NODE, ['--conditions=casekit-source', CLI, 'start', ...args], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    void exited.then(({ code }) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'listening') {
        clearTimeout(timer);
        resolve({ process: child, url: String(entry.url), port: Number(entry.port), exited, logs });
      }
    });
  });
}

/**
 * The environment of one node of a cluster on DynamoDB Local and Redis: every node gets the same
 * table, Redis, secrets and workspace (give each its own `CASEKIT_DATA_DIR`).
 * @example startCliChild({ ...clusterNodeEnv({ dynamoEndpoint, redisUrl, table: 'casekit', workspace: 'acme' }), CASEKIT_DATA_DIR: dir })
 */
export function clusterNodeEnv(cluster: { dynamoEndpoint: string; redisUrl: string; table: string; workspace: string }): Record<string, string> {
  return {
    CASEKIT_STORE: 'dynamodb',
    CASEKIT_DYNAMODB_TABLE: cluster.table,
    CASEKIT_DYNAMODB_ENDPOINT: cluster.dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    // DynamoDB Local takes any credentials.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    CASEKIT_REDIS_URL: cluster.redisUrl,
    CASEKIT_SECRET_KEY: 'one-secret-key-every-node-shares-0123456789',
    CASEKIT_JWT_SECRET: 'one-jwt-secret-every-node-shares-0123456789',
    CASEKIT_WORKSPACE_ID: cluster.workspace,
  };
}
