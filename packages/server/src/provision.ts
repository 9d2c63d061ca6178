import type { CaseEngine, SystemActor } from '@casekit/core';
import { AgentCreateRequest, ChannelCreateRequest, type Agent, type Channel } from '@casekit/protocol';
import type { Auth } from '@casekit/api';

const provisioning = (workspaceId: string): SystemActor => ({ workspaceId, system: 'provision' });

/**
 * Adds an agent with a hashed password, through the engine; `conflict` when the email is taken.
 * @example await provisionAgent(engine, auth, 'demo', { email: 'ana@example.com', name: 'Ana', password: 'correct horse', role: 'admin' })
 */
export async function provisionAgent(
  engine: CaseEngine,
  auth: Pick<Auth, 'hashPassword'>,
  workspaceId: string,
  input: AgentCreateRequest & { id?: string; kind?: Agent['kind']; capacity?: Agent['capacity'] },
): Promise<Agent> {
  const { id, kind, capacity, ...request } = input;
  const { password, ...body } = AgentCreateRequest.parse(request);
  return engine.createAgent(provisioning(workspaceId), {
    ...body,
    ...(id && { id }),
    ...(kind && { kind }),
    ...(capacity && { capacity }),
    passwordHash: await auth.hashPassword(password),
  });
}

/**
 * Configures a channel through the engine; a repeated `id` is a `conflict`. The secret stays on the server.
 * @example await provisionChannel(engine, 'demo', { id: 'webchat', kind: 'webchat', name: 'Website chat', secret })
 */
export function provisionChannel(engine: CaseEngine, workspaceId: string, input: ChannelCreateRequest & { id?: string }): Promise<Channel> {
  const { id, ...request } = input;
  return engine.createChannel(provisioning(workspaceId), { ...ChannelCreateRequest.parse(request), ...(id && { id }) });
}
