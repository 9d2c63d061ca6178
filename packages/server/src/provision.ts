import { newId, type AgentRecord, type ChannelRecord, type Store } from '@casekit/core';
import {
  AgentCreateRequest,
  CasekitError,
  ChannelCreateRequest,
  type Agent,
  type Channel,
  type Workspace,
  type WorkspaceSettings,
} from '@casekit/protocol';
import type { Auth } from './auth.ts';

/** An agent as it goes on the wire: without its password hash. */
export function publicAgent(record: AgentRecord | Agent): Agent {
  const { passwordHash: _hash, ...agent } = record as AgentRecord;
  return agent;
}

/**
 * Finds the agent a token speaks for: a token signed here names the agent id; an external
 * token's `sub` (an agent id) or `email` claim must match an agent of the workspace.
 */
export async function authenticateAgent(store: Store, auth: Auth, workspaceId: string, token: string): Promise<AgentRecord> {
  const claims = await auth.verifyAgentToken(token);
  let agent: AgentRecord | null = null;
  if (claims.source === 'builtin') {
    if (claims.workspaceId !== workspaceId) throw new CasekitError('unauthorized', 'This token belongs to another workspace.');
    agent = await store.getAgent(workspaceId, claims.agentId);
  } else {
    if (claims.subject && /^[A-Za-z0-9_-]{1,64}$/.test(claims.subject)) agent = await store.getAgent(workspaceId, claims.subject);
    if (!agent && claims.email) agent = await store.getAgentByEmail(workspaceId, claims.email);
  }
  if (!agent) throw new CasekitError('unauthorized', 'The token is valid but names no agent of this workspace.');
  return agent;
}

/**
 * Adds an agent with a hashed password; `conflict` when the email is taken.
 * @example await provisionAgent(store, auth, 'demo', { email: 'ana@example.com', name: 'Ana', password: 'correct horse', role: 'admin' })
 */
export async function provisionAgent(
  store: Store,
  auth: Auth,
  workspaceId: string,
  input: AgentCreateRequest & { id?: string; kind?: Agent['kind']; capacity?: Agent['capacity'] },
): Promise<Agent> {
  const { id, kind, capacity, ...request } = input;
  const body = AgentCreateRequest.parse(request);
  const email = body.email.toLowerCase();
  const passwordHash = await auth.hashPassword(body.password);
  const record: AgentRecord = {
    id: id ?? newId('ag'),
    workspaceId,
    kind: kind ?? 'human',
    email,
    name: body.name,
    role: body.role,
    teams: body.teams,
    skills: body.skills,
    languages: body.languages,
    capacity: capacity ?? { webchat: 5, email: 10, sms: 5, whatsapp: 5, telegram: 5 },
    presence: 'offline',
    createdAt: new Date().toISOString(),
    passwordHash,
  };
  await store.transaction(async (tx) => {
    if (await tx.getAgentByEmail(workspaceId, email)) {
      throw new CasekitError('conflict', `An agent with email "${email}" already exists.`, {
        details: { issues: [{ path: 'body.email', message: 'already taken' }] },
      });
    }
    await tx.insertAgent(record);
  });
  return publicAgent(record);
}

/** A channel as it goes on the wire: without its secret. */
export function publicChannel(record: ChannelRecord): Channel {
  const { secret: _secret, ...channel } = record;
  return channel;
}

/**
 * Configures a channel; a repeated `id` is a `conflict`. The secret stays on the server.
 * @example await provisionChannel(store, 'demo', { id: 'webchat', kind: 'webchat', name: 'Website chat', secret })
 */
export async function provisionChannel(
  store: Store,
  workspaceId: string,
  input: ChannelCreateRequest & { id?: string },
): Promise<Channel> {
  const { id, ...request } = input;
  const body = ChannelCreateRequest.parse(request);
  const record: ChannelRecord = {
    id: id ?? newId('ch'),
    workspaceId,
    kind: body.kind,
    name: body.name,
    createdAt: new Date().toISOString(),
    secret: body.secret ?? null,
  };
  await store.transaction(async (tx) => {
    if (await tx.getChannel(workspaceId, record.id)) {
      throw new CasekitError('conflict', `A channel with id "${record.id}" already exists.`);
    }
    await tx.insertChannel(record);
  });
  return publicChannel(record);
}

/** Default settings of a new workspace. */
export const DEFAULT_SETTINGS: WorkspaceSettings = { reopenWindowHours: 72, displayName: 'Support' };

/**
 * Creates the workspace when it does not exist yet (safe to call on every start).
 * @example await ensureWorkspace(store, { id: 'demo', name: 'Demo ISP' })
 */
export async function ensureWorkspace(
  store: Store,
  input: { id: string; name?: string; settings?: Partial<WorkspaceSettings> },
): Promise<Workspace & { settings: WorkspaceSettings }> {
  return store.transaction(async (tx) => {
    const existing = await tx.getWorkspace(input.id);
    if (existing) return existing;
    const workspace = {
      id: input.id,
      name: input.name ?? input.id,
      createdAt: new Date().toISOString(),
      settings: { ...DEFAULT_SETTINGS, ...input.settings },
    };
    await tx.putWorkspace(workspace);
    return workspace;
  });
}
