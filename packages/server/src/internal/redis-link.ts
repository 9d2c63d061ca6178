import type { Coordination } from '@casekit/api';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
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

export function connectRedis(given: { url: string } | RedisClient, workspaceId: string, logger: Logger): RedisLink {
  const owned = !('duplicate' in given);
  const client: RedisClient = owned ? createClient({ url: given.url }) : given;
  // Pub/sub needs a connection of its own.
  const subscriber = client.duplicate();
  // Without a listener an unreachable Redis would end the process; the client reconnects itself.
  const onError = (error: unknown) => logger.warn('redis connection failed', { error: errorText(error) });
  if (owned) client.on('error', onError);
  subscriber.on('error', onError);
  let connecting: Promise<ReturnType<typeof createAdapter>> | undefined;
  return {
    coordination: createRedisCoordination(client, { prefix: `casekit:${workspaceId}:` }),
    connect() {
      connecting ??= (async () => {
        await Promise.all([client.isOpen ? undefined : client.connect(), subscriber.connect()]);
        return createAdapter(client, subscriber, { key: `casekit:${workspaceId}:socket.io` });
      })();
      return connecting;
    },
    async close() {
      await Promise.all([subscriber.isOpen ? subscriber.close() : undefined, owned && client.isOpen ? client.close() : undefined]);
    },
  };
}
