import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** A `redis-server` a test started, on loopback, without persistence. */
export interface RunningRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server by its PID and waits for it to exit. */
  stop(): Promise<void>;
}

/** The failure to start Redis, with what to do about it. */
export class RedisStartError extends Error {
  override readonly name = 'RedisStartError';
  readonly code = 'redis_not_started' as const;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether `PING` on the port answers `+PONG`. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) (socket.end(), resolve(answer.startsWith('+PONG')));
    });
    socket.write('PING\r\n');
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts Debian's `redis-server` (`apt-get install -y redis-server`) on a free loopback port,
 * with no snapshot or append-only file; resolves once it answers PING.
 * @example const redis = await startRedis(); after(() => redis.stop())
 */
export async function startRedis(options: { timeoutMs?: number } = {}): Promise<RunningRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
    await exited(child);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    const early = await Promise.race([failed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
    if (early) throw new RedisStartError(`Cannot run redis-server (${early.message}); install it with: apt-get install -y redis-server`, { cause: early });
    if (child.exitCode !== null) break;
    if (await pings(port)) return { url: `redis://127.0.0.1:${port}`, port, stop };
  }
  await stop();
  throw new RedisStartError(`redis-server did not answer on port ${port}; run it by hand to see why: redis-server --port ${port} --bind 127.0.0.1`);
}
