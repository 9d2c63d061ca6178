import type { AgentClient } from '@casekit/sdk';
import type { Channel, ChannelDetails } from '@casekit/protocol';

const directories = new WeakMap<AgentClient, Promise<Map<string, ChannelDetails>>>();

/** The workspace's channels by id, fetched once per client and shared by every widget. */
export function channelDirectory(client: AgentClient): Promise<Map<string, ChannelDetails>> {
  let dir = directories.get(client);
  if (!dir) {
    const fetched = client.listChannels().then((r) => new Map(r.items.map((c) => [c.id, c])));
    // A failed fetch is not kept: the next widget asks again.
    fetched.catch(() => {
      if (directories.get(client) === fetched) directories.delete(client);
    });
    directories.set(client, fetched);
    dir = fetched;
  }
  return dir;
}

/** Puts a channel the API answered (created or changed) into the shared directory. */
export function rememberChannel(client: AgentClient, channel: ChannelDetails): void {
  const dir = directories.get(client);
  if (dir) void dir.then((map) => map.set(channel.id, channel), () => undefined);
}

/** A `channel.updated` event's channel over the details known of it (its capabilities stay). */
export function withChannel(known: ChannelDetails | undefined, channel: Channel): ChannelDetails | undefined {
  return known ? { ...known, ...channel } : undefined;
}
