import type { AgentClient } from '@casekit/sdk';
import type { Agent } from '@casekit/protocol';

const directories = new WeakMap<AgentClient, Promise<Map<string, Agent>>>();

/** The workspace's agents by id, fetched once per client and shared by every widget. */
export function agentDirectory(client: AgentClient): Promise<Map<string, Agent>> {
  let dir = directories.get(client);
  if (!dir) {
    dir = client
      .listAgents()
      .then((r) => new Map(r.items.map((a) => [a.id, a])))
      .catch(() => {
        directories.delete(client);
        return new Map<string, Agent>();
      });
    directories.set(client, dir);
  }
  return dir;
}

const signedIn = new WeakMap<AgentClient, { token: string | null; agent: Promise<Agent> }>();

/** The signed-in agent, fetched once per client and token and shared by every widget. */
export function currentAgent(client: AgentClient): Promise<Agent> {
  const known = signedIn.get(client);
  if (known && known.token === client.token) return known.agent;
  const agent = client.me();
  agent.catch(() => {
    if (signedIn.get(client)?.agent === agent) signedIn.delete(client);
  });
  signedIn.set(client, { token: client.token, agent });
  return agent;
}
