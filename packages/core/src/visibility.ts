import type { Agent, CaseEvent, Channel, NewCaseEvent } from '@casekit/protocol';
import type { AgentRecord, ChannelRecord } from './ports.ts';

// Who may see which event, defined once: the stores index it, the realtime gateway routes by
// it, replay filters by it, and the mocks run the same code.

/**
 * Whether the customer's visitors may see the event: public messages and their delivery
 * statuses. Internal notes, case metadata and everything else stay with agents.
 */
export function isPublicEvent(event: NewCaseEvent | CaseEvent): boolean {
  if (event.type === 'message.created') return !event.data.message.internal;
  if (event.type === 'message.status') return !event.data.internal;
  return false;
}

/**
 * What a visitor receives of an event: their own public messages and statuses without the
 * case they belong to; null for everything a visitor may not see.
 */
export function visitorView(event: CaseEvent): CaseEvent | null {
  if (!isPublicEvent(event)) return null;
  if (event.type === 'message.created') return { ...event, data: { message: event.data.message } };
  return event;
}

/** What the agents' rule reads of an event; a store can list it beside an event's stored JSON. */
export type AgentVisibilityFields = Pick<CaseEvent, 'type' | 'actorId'>;

/**
 * The one agent an event is meant for (their own read markers), or null when every agent of
 * the workspace may see it.
 */
export function privateToAgent(event: AgentVisibilityFields): string | null {
  return event.type === 'case.read' ? event.actorId : null;
}

/** Whether the agent may receive the event, live or in a replay. */
export function isVisibleToAgent(event: AgentVisibilityFields, agentId: string): boolean {
  const only = privateToAgent(event);
  return only === null || only === agentId;
}

/** An agent as it goes on the wire: without its password hash or what its tokens are checked by. */
export function publicAgent(record: AgentRecord | Agent): Agent {
  const { passwordHash: _hash, tokenGeneration: _generation, revokedTokens: _revoked, presenceChosen: _chosen, bot: _bot, botTokenHash: _token, secrets: _secrets, ...agent } = record as AgentRecord;
  return { ...agent, active: agent.active ?? true };
}

/** A channel as it goes on the wire: its secrets' names, never their values. */
export function publicChannel(record: ChannelRecord): Channel {
  const { secrets, ...channel } = record;
  return { ...channel, secretNames: Object.keys(secrets).sort() };
}
