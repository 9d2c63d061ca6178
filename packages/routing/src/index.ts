// Routing: pure decisions over plain data, no I/O and no clock of its own.
export { route } from './route.ts';
export { agentWentOffline } from './offline.ts';
export type { OfflineDecisions } from './offline.ts';
export { policyFor } from './internal/eligibility.ts';

// Inputs and outputs
export { SELECTIONS, OFFLINE_ACTIONS } from './types.ts';
export type {
  Millis,
  RoutingAgent,
  SkillRequirement,
  WaitingCase,
  WideningStep,
  Selection,
  OfflineAction,
  RoutingPolicy,
  PolicySet,
  RoundRobinState,
  RoutingState,
  Assignment,
  QueuedCase,
  RoutingDecisions,
} from './types.ts';

// Configuration from JSON: policies and declarative rules
export { parsePolicies } from './policies.ts';
export { parseRules, applyRules, conditionHolds } from './rules.ts';
export type { Rule, RuleInput, RuleCondition, RuleFacts, RuleOutcome } from './rules.ts';

// Errors
export { RoutingConfigError, ROUTING_CONFIG_ERROR_CODES } from './errors.ts';
export type { RoutingConfigErrorCode } from './errors.ts';

// SLA: business-hours calendars and the clocks of one case
export { WEEKDAYS, ALWAYS_OPEN, addBusinessTime, businessSecondsBetween } from './calendar.ts';
export type { Weekday, BusinessCalendar } from './calendar.ts';
export { SLA_METRICS, SLA_CLOCK_STATES, parseSlaConfig, slaPolicyFor, slaClocks, nextSlaDeadline, addHappening } from './sla.ts';
export type { SlaMetric, SlaClockState, SlaPolicy, SlaConfig, CaseHappening, SlaFacts, SlaClock, SlaClocks, SlaDeadline } from './sla.ts';
