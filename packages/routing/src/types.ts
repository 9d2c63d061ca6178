import { ROUTING_OFFLINE_ACTIONS, ROUTING_SELECTIONS, type Agent, type ChannelKind, type Priority } from '@casekit/protocol';

/** Times are milliseconds since the epoch (`Date.now()`), so routing never parses dates. */
export type Millis = number;

/** An agent as routing sees them: the protocol's agent fields plus their current load. */
export interface RoutingAgent extends Pick<Agent, 'id' | 'presence' | 'teams' | 'skills' | 'languages' | 'capacity'> {
  /** Open cases the agent holds now, per channel kind. */
  load: Partial<Record<ChannelKind, number>>;
  /** When the agent last received a case or last became free; least-loaded ties go to the earliest. */
  idleSince: Millis;
}

/** A skill a case needs, and the lowest level that will do before the policy widens. */
export interface SkillRequirement {
  name: string;
  minLevel: number;
}

/** A case waiting for an agent. */
export interface WaitingCase {
  id: string;
  priority: Priority;
  channel: ChannelKind;
  skills: SkillRequirement[];
  /** The language the customer writes in, or null when any will do. */
  language: string | null;
  team: string | null;
  enqueuedAt: Millis;
  /** The agent who last served this customer, for sticky routing. */
  lastAgentId: string | null;
  /** An agent the case must not go to (an SLA breach took it from them). */
  avoidAgentId?: string | null;
}

/**
 * One stage of eligibility. A case uses the last step whose `afterSeconds` it has waited, so
 * `[{ afterSeconds: 0, minLevel: 3 }, { afterSeconds: 60, minLevel: 1 }]` means "level ≥ 3 for
 * 60 s, then any level".
 */
export interface WideningStep {
  afterSeconds: number;
  /** `'case'`: each skill at the level the case asks; a number: each skill at least that level. */
  minLevel: 'case' | number;
  /** Whether the agent must speak the case's language. */
  language: boolean;
  /** Whether the agent must be in the case's team. */
  team: boolean;
}

/**
 * How an eligible agent is chosen: `least-loaded` takes the lowest share of capacity in use on the
 * case's channel kind (ties: longest idle, then id); `round-robin` the next agent id after the cursor.
 */
export const SELECTIONS = ROUTING_SELECTIONS;
export type Selection = (typeof SELECTIONS)[number];

/** What happens to an agent's open cases when they go offline. */
export const OFFLINE_ACTIONS = ROUTING_OFFLINE_ACTIONS;
export type OfflineAction = (typeof OFFLINE_ACTIONS)[number];

/** How cases of one team or channel are routed. */
export interface RoutingPolicy {
  /** Names the policy; the round-robin cursor is kept under it. */
  id: string;
  /** `'manual'` only queues: agents pick cases themselves. */
  mode: 'auto' | 'manual';
  selection: Selection;
  /** Give the case to the customer's last agent when they are eligible and have capacity. */
  sticky: boolean;
  /** Eligibility stages, first one from 0 s; at least one. */
  widening: WideningStep[];
  onAgentOffline: OfflineAction;
}

/** Which policy applies: the case's team first, then its channel kind, then the default. */
export interface PolicySet {
  default: RoutingPolicy;
  teams?: Record<string, RoutingPolicy>;
  channels?: Partial<Record<ChannelKind, RoutingPolicy>>;
}

/** Round-robin cursors: per policy id, the id of the agent who received the last case. */
export type RoundRobinState = Record<string, string>;

/** Everything a routing decision depends on. */
export interface RoutingState {
  agents: RoutingAgent[];
  queue: WaitingCase[];
  policies: PolicySet;
  roundRobin: RoundRobinState;
  /** Average seconds an agent spends on one case, per channel kind, for wait estimates (default 300). */
  handleSeconds?: Partial<Record<ChannelKind, number>>;
}

/** A case given to an agent, and why that agent. */
export interface Assignment {
  caseId: string;
  agentId: string;
  policyId: string;
  reason: 'sticky' | Selection;
  /** The index of the widening step that made the agent eligible. */
  step: number;
}

/** A case still waiting after a routing pass. */
export interface QueuedCase {
  caseId: string;
  policyId: string;
  /** 1-based place among the waiting cases of the same team and channel kind. */
  position: number;
  /** Rough seconds until an agent takes it, or null when no agent could (see docs/routing.md). */
  estimatedWaitSeconds: number | null;
}

/** What one routing pass decided. */
export interface RoutingDecisions {
  /** In the order they were made: highest priority, then longest waiting, first. */
  assignments: Assignment[];
  /** The remaining queue in routing order. */
  queue: QueuedCase[];
  /** The cursors to pass into the next pass. */
  roundRobin: RoundRobinState;
  /**
   * The earliest time after `now` at which a case still waiting moves to its next widening step,
   * or null when none will: run the next pass then (or sooner, on any other change).
   */
  nextWideningAt: Millis | null;
}
