import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Coordination, WindowLimiter } from '@casekit/api';
import { CasekitError } from '@casekit/protocol';

/**
 * What casekit uses of a client of the `redis` package (`createClient({ url })`, node-redis 5 or 6,
 * whatever its modules or RESP version).
 */
export interface RedisClient {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  /** A second connection with the same options (pub/sub needs its own). */
  duplicate(): RedisClient;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  set(key: string, value: string, options: { condition: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface RedisCoordinationOptions {
  /** Put before every key, so one Redis can serve several workspaces or apps. Default `casekit:`. */
  prefix?: string;
  /** How long a lock outlives a node that died holding it, in ms; renewed while held. Default 30,000. */
  lockTtlMs?: number;
  /** How long a caller waits for a lock before a 409 asks it to retry, in ms. Default 10,000. */
  lockWaitMs?: number;
}

// Each returns the count before and the window's ms left: one round trip, atomic on the server.
const PEEK = `local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return {0, 0} end
return {tonumber(redis.call('GET', KEYS[1]) or '0'), ttl}`;
const RECORD = `local amount = tonumber(ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  if amount <= 0 then return {0, 0} end
  redis.call('SET', KEYS[1], amount, 'PX', ARGV[2])
  return {0, tonumber(ARGV[2])}
end
local before = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('INCRBY', KEYS[1], amount)
return {before, ttl}`;
// Only the owner's token may renew or release a lock: one that expired may be someone else's now.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Redis failed under a request: a 503 that says so, instead of an unexplained 500. */
function unavailable(error: unknown): never {
  throw new CasekitError('unavailable', 'The shared Redis is not answering; try again shortly.', { cause: error });
}

/**
 * Limits and idempotency locks in Redis, shared by every server node that uses the same Redis:
 * fixed windows counted with one Lua call each, locks taken with `SET NX PX` and a token.
 * The client must be connected before the first request.
 * @example createApiService({ …, coordination: createRedisCoordination(client, { prefix: 'casekit:demo:' }) })
 */
export function createRedisCoordination(client: Pick<RedisClient, 'eval' | 'set' | 'del'>, options: RedisCoordinationOptions = {}): Coordination {
  const prefix = options.prefix ?? 'casekit:';
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  const run = async (script: string, key: string, args: (string | number)[] = []): Promise<[number, number]> =>
    (await client.eval(script, { keys: [key], arguments: args.map(String) }).catch(unavailable)) as [number, number];
  const wait = ([count, msLeft]: [number, number], limit: number) => (count >= limit && msLeft > 0 ? Math.max(1, Math.ceil(msLeft / 1000)) : 0);

  return {
    limiter(name, { limit, windowMs }): WindowLimiter {
      const keyOf = (key: string) => `${prefix}limit:${name}:${key}`;
      return {
        blockedFor: async (key) => wait(await run(PEEK, keyOf(key)), limit),
        record: async (key, amount = 1) => {
          const answer = await run(RECORD, keyOf(key), [amount, windowMs]);
          return amount > 0 ? wait(answer, limit) : 0;
        },
        clear: async (key) => void (await client.del(keyOf(key)).catch(unavailable)),
      };
    },
    async withLock(name, fn) {
      const key = `${prefix}lock:${name}`;
      const token = randomUUID();
      const deadline = Date.now() + lockWaitMs;
      for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
        const taken = await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: lockTtlMs } }).catch(unavailable);
        if (taken) break;
        if (Date.now() >= deadline) {
          throw new CasekitError('conflict', 'A request with this Idempotency-Key is still being handled; retry it in a moment to get its answer.', {
            details: { retryAfterSeconds: 1 },
          });
        }
        await sleep(pause + Math.random() * pause);
      }
      const renew = setInterval(() => void run(RENEW, key, [token, lockTtlMs]).catch(() => undefined), lockTtlMs / 3);
      renew.unref();
      try {
        return await fn();
      } finally {
        clearInterval(renew);
        // Not released (Redis gone): the lock ends with its TTL.
        await run(RELEASE, key, [token]).catch(() => undefined);
      }
    },
  };
}
