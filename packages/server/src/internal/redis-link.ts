import type { Coordination } from '@casekit/api';
import { CasekitError } from '@casekit/protocol';
import type { createAdapter } from '@socket.io/redis-adapter';
import { createRedisCoordination, type RedisClient } from '../redis.ts';
import { errorText, type Logger } from '../types.ts';

/** What a server does with its Redis: limits and locks at once, the socket.io adapter once connected. */
interface RedisLink {
  coordination: Coordination;
  /** Connects the clients this link uses and answers the socket.io adapter over them. */
  connect(): Promise<ReturnType<typeof createAdapter>>;
  /** Closes the clients this link opened (a client passed in stays open). */
  close(): Promise<void>;
}

/**
 * Redis for one server. The `redis` packages load only here, on `connect` (a quarter of a second
 * that a server without Redis does not pay).
 */
export function connectRedis(given: { url: string } | RedisClient, workspaceId: string, logger: Logger): RedisLink {
  const owned = !('duplicate' in given);
  let client: RedisClient | undefined = owned ? undefined : given;
  let subscriber: RedisClient | undefined;
  const connected = (): RedisClient => {
    if (!client?.isOpen) throw new CasekitError('unavailable', 'The server is not connected to Redis yet; try again shortly.');
    return client;
  };
  // Calls go to the client once `connect` made it.
  const forward: Pick<RedisClient, 'eval' | 'set' | 'del'> = {
    eval: (script, options) => connected().eval(script, options),
    set: (key, value, options) => connected().set(key, value, options),
    del: (key) => connected().del(key),
  };
  // Without a listener an unreachable Redis would end the process; the client reconnects itself.
  const onError = (error: unknown) => logger.warn('redis connection failed', { error: errorText(error) });
  let connecting: Promise<ReturnType<typeof createAdapter>> | undefined;
  return {
    coordination: createRedisCoordination(forward, { prefix: `casekit:${workspaceId}:` }),
    connect() {
      connecting ??= (async () => {
        const [{ createClient }, { createAdapter }] = await Promise.all([import('redis'), import('@socket.io/redis-adapter')]);
        if (!client) {
          client = createClient({ url: (given as { url: string }).url });
          client.on('error', onError);
        }
        // Pub/sub needs a connection of its own.
        subscriber = client.duplicate();
        subscriber.on('error', onError);
        await Promise.all([client.isOpen ? undefined : client.connect(), subscriber.connect()]);
        return createAdapter(client, subscriber, { key: `casekit:${workspaceId}:socket.io` });
      })();
      return connecting;
    },
    async close() {
      await Promise.all([subscriber?.isOpen ? subscriber.close() : undefined, owned && client?.isOpen ? client.close() : undefined]);
    },
  };
}
