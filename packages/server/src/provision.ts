import type { CaseEngine, SystemActor } from '@casekit/core';
import { CasekitError, CHANNEL_MEDIA, type Agent, type Channel, type ChannelKind } from '@casekit/protocol';
import { AgentCreateRequest, ChannelCreateRequest } from '@casekit/protocol/schemas';
import { createChannelKinds, type Auth, type ChannelKindSpec } from '@casekit/api';

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
 * Configures a channel through the engine; a repeated `id` is a `conflict`. Its settings are
 * checked by its kind's adapter when `adapters` has it (web chat always); a kind without one
 * (a seed's channel whose provider is not set up) is stored as given. Secrets stay on the server.
 * @example await provisionChannel(engine, 'demo', { id: 'webchat', kind: 'webchat', name: 'Website chat', secrets: { identitySecret } })
 */
export function provisionChannel(
  engine: CaseEngine,
  workspaceId: string,
  input: ChannelCreateRequest & { id?: string },
  adapters: readonly ChannelKindSpec[] = [],
): Promise<Channel> {
  const { id, ...rest } = input;
  const request = ChannelCreateRequest.parse(rest);
  const kinds = createChannelKinds(adapters, undefined);
  const known = kinds.get(request.kind);
  const medium = known?.medium ?? (CHANNEL_MEDIA as Record<string, ChannelKind>)[request.kind];
  if (!medium) throw new CasekitError('validation_failed', `Unknown channel kind "${request.kind}".`);
  const settings = known ? kinds.validate(request.kind, { config: request.config, secrets: request.secrets }) : { config: request.config ?? {}, secrets: request.secrets ?? {} };
  return engine.createChannel(provisioning(workspaceId), {
    kind: request.kind,
    medium,
    name: request.name,
    enabled: request.enabled,
    config: settings.config,
    secrets: settings.secrets,
    ...(id && { id }),
  });
}
