import {
  CASE_TRANSITIONS,
  CasekitError,
  PERMISSIONS,
  roleAtLeast,
  type Case,
  type CaseStatus,
  type Agent,
  type Customer,
  type Permission,
  type Role,
} from '@casekit/protocol';
import type { AgentRecord } from './ports.ts';
import type { Actor, AgentActor, CustomerActor, SystemActor } from './types.ts';

// The engine's rules, each written once. The API, the stores and the mocks all go through the
// engine, so none of them restates these.

/** Statuses in which a case still takes work; a customer writing in joins such a case. */
export const ACTIVE_STATUSES: ReadonlySet<CaseStatus> = new Set(['new', 'open', 'pending', 'on_hold']);

/** Statuses in which an unassigned case waits in the queue for an agent. */
export const WAITING_STATUSES: ReadonlySet<CaseStatus> = new Set(['new', 'open']);

/** Throws `invalid_transition` unless the lifecycle allows `from` → `to`. */
export function assertTransition(from: CaseStatus, to: CaseStatus): void {
  if (from === to) return;
  const allowed: readonly CaseStatus[] = CASE_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    throw new CasekitError('invalid_transition', `A ${from} case cannot become ${to}.`, {
      details: { from, to, allowed },
    });
  }
}

export { isForwardStatus } from '@casekit/protocol';

export const isAgentActor = (actor: Actor): actor is AgentActor => 'agent' in actor;
export const isCustomerActor = (actor: Actor): actor is CustomerActor => 'customerId' in actor;
const isSystemActor = (actor: Actor): actor is SystemActor => 'system' in actor;

/** The id events record as their actor: the agent's, or null for customers and the system. */
export function actorIdOf(actor: Actor): string | null {
  return isAgentActor(actor) ? actor.agent.id : null;
}

const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;

/** Throws `forbidden` unless the actor has at least `needed` (the system has every role). */
export function requireRole(actor: Actor, needed: Role, details: Record<string, unknown> = {}): void {
  if (isSystemActor(actor)) return;
  if (isAgentActor(actor) && roleAtLeast(actor.agent.role, needed)) return;
  const who = isAgentActor(actor) ? `you are ${withArticle(actor.agent.role)}` : 'visitors may not';
  throw new CasekitError('forbidden', `Only ${withArticle(needed)} or above may do this (${who}).`, { details: { ...details, needed } });
}

/** Throws `forbidden` unless the actor may do `permission` (the system may do anything). */
export function authorize(actor: Actor, permission: Permission): void {
  requireRole(actor, PERMISSIONS[permission], { permission });
}

/** False when both profiles are linked to billing accounts, and not the same one. */
export function billingAllowsMerge(a: Pick<Customer, 'splynxId'>, b: Pick<Customer, 'splynxId'>): boolean {
  return a.splynxId === null || b.splynxId === null || a.splynxId === b.splynxId;
}

/**
 * Whether two customer profiles may merge: never into itself, and never two profiles linked to
 * different billing accounts (two paying customers stay two, whatever they share).
 */
export function assertCustomersMergeable(source: Pick<Customer, 'id' | 'splynxId'>, target: Pick<Customer, 'id' | 'splynxId'>): void {
  if (source.id === target.id) throw new CasekitError('bad_request', 'These ids are already the same customer.');
  if (!billingAllowsMerge(source, target)) {
    throw new CasekitError('conflict', `These customers are two different Splynx accounts (${source.splynxId} and ${target.splynxId}); they cannot be merged.`, {
      details: { sourceSplynxId: source.splynxId, targetSplynxId: target.splynxId },
    });
  }
}

/**
 * Whether two cases may merge: never into itself, never a closed one, and cases of two
 * customers only when the caller asked for their customers to be merged too.
 */
export function assertCasesMergeable(source: Case, target: Case, mergeCustomers: boolean): void {
  if (source.id === target.id) throw new CasekitError('bad_request', 'A case cannot be merged into itself.');
  if (source.status === 'closed' || target.status === 'closed') {
    throw new CasekitError('invalid_transition', 'Closed cases cannot be merged.');
  }
  if (source.customerId !== target.customerId && !mergeCustomers) {
    throw new CasekitError(
      'conflict',
      `Case #${source.number} and case #${target.number} belong to different customers. Merge them with "mergeCustomers": true to merge the customers too, or move the conversation another way.`,
      { details: { sourceCustomerId: source.customerId, targetCustomerId: target.customerId } },
    );
  }
}

/**
 * Whether a visitor's session goes on under the profile its own was merged into. Only a
 * verified one does (the host site vouched for the user): an unverified visitor who talked an
 * agent into a merge would otherwise read the other customer's history. An unverified session
 * of a merged-away profile ends, and its visitor starts a new one.
 */
export function sessionFollowsMerge(session: { verified: boolean }): boolean {
  return session.verified;
}

/** A customer profile holds at most this many attributes. */
export const MAX_ATTRIBUTES = 100;
/** Prefix of what a visitor says about themselves, apart from what agents and integrations set. */
export const VISITOR_ATTRIBUTE_PREFIX = 'visitor.';

/**
 * What a visitor says about themselves, as profile attributes: their own keys under `visitor.`
 * (so they never overwrite what agents set), and a typed email as `contactEmail` — an email a
 * visitor types proves nothing, so it never becomes one of the profile's emails, the keys inbound
 * mail is matched by.
 */
export function visitorFacts(attributes: Customer['attributes'] | undefined, email: string | undefined): Customer['attributes'] {
  const facts: Customer['attributes'] = {};
  for (const [key, value] of Object.entries(attributes ?? {})) facts[`${VISITOR_ATTRIBUTE_PREFIX}${key}`] = value;
  if (email !== undefined) facts.contactEmail = email.toLowerCase();
  return facts;
}

/** Applies a JSON Merge Patch to attributes (null removes a key); refuses more than `MAX_ATTRIBUTES`. */
export function patchAttributes(current: Customer['attributes'], patch: Customer['attributes']): Customer['attributes'] {
  const next: Customer['attributes'] = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__') continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > MAX_ATTRIBUTES) {
    throw new CasekitError('validation_failed', `A customer keeps at most ${MAX_ATTRIBUTES} attributes.`, {
      details: { issues: [{ path: 'body.attributes', message: `a customer keeps at most ${MAX_ATTRIBUTES} attributes` }] },
    });
  }
  return next;
}

/** What a verified agent token says about itself, for `tokenRefusal`. */
export interface TokenFacts {
  /** Its id (`jti`, or a digest of an external token that has none). */
  id: string;
  /** The generation it was signed in (see `AgentRecord.tokenGeneration`); null for an external issuer's token. */
  generation: number | null;
}

/**
 * Why a verified token no longer speaks for its agent: the agent was deactivated, the token was
 * signed out, or the password changed or was reset since it was signed. Null when it still does.
 * The API and the realtime gateway both ask this, on every request and socket.
 */
export function tokenRefusal(agent: AgentRecord, token: TokenFacts): CasekitError | null {
  if (agent.active === false) {
    return new CasekitError('agent_deactivated', 'This account is deactivated; an admin of this workspace can reactivate it.');
  }
  if (token.generation !== null && token.generation !== (agent.tokenGeneration ?? 0)) {
    return new CasekitError('unauthorized', 'This sign-in ended when the password was changed; sign in again.');
  }
  if (agent.revokedTokens?.some((revoked) => revoked.id === token.id)) {
    return new CasekitError('unauthorized', 'This token was signed out; sign in again.');
  }
  return null;
}

/**
 * Throws `conflict` when a change to an agent (a role, deactivation) would leave a workspace that
 * has an active human admin without one: someone must still be able to manage agents and channels.
 */
export function assertAdminRemains(agents: readonly Agent[], before: Agent, after: Pick<Agent, 'role' | 'active'>): void {
  const isAdmin = (a: Pick<Agent, 'role' | 'active'>) => a.active && a.role === 'admin';
  if (before.kind !== 'human' || !isAdmin(before) || isAdmin(after)) return;
  const others = agents.some((a) => a.id !== before.id && a.kind === 'human' && isAdmin(a));
  if (!others) {
    throw new CasekitError('conflict', `${before.name} is the only active admin; make another agent admin first.`, {
      details: { agentId: before.id },
    });
  }
}

/** Whether the agent is an active bot that takes the channel's new cases. */
export function takesNewCases(agent: Pick<AgentRecord, 'kind' | 'active' | 'bot'>, channelId: string): boolean {
  return agent.kind === 'bot' && agent.active !== false && agent.bot?.channelIds.includes(channelId) === true;
}

/**
 * Who may give a case a bot holds to people: the system, the bot holding it (or any bot once no
 * bot holds it, which then changes nothing), and supervisors and admins. Throws `forbidden` otherwise.
 */
export function assertMayHandOff(actor: AgentActor | SystemActor, kase: Pick<Case, 'number' | 'assigneeId'>, holder: Pick<Agent, 'kind'> | null): void {
  if (!isAgentActor(actor)) return;
  if (actor.agent.kind === 'bot') {
    if (kase.assigneeId === actor.agent.id || holder?.kind !== 'bot') return;
    throw new CasekitError('forbidden', `Case #${kase.number} is held by another bot; only the bot holding a case hands it off.`);
  }
  authorize(actor, 'handOffCases');
}
