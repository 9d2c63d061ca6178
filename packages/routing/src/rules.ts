import { RoutingRule, toFieldIssues } from '@casekit/protocol/schemas';
import type { ChannelKind, Priority, RoutingCondition, RoutingRule as Rule, RoutingRuleInput as RuleInput } from '@casekit/protocol';
import { RoutingConfigError } from './errors.ts';
import type { SkillRequirement } from './types.ts';

/** A condition on an incoming case; `all`, `any` and `not` combine others. */
export type RuleCondition = RoutingCondition;
export type { Rule, RuleInput };

/** What rules look at. `attributes` are the customer's (`vip`, `overdueInvoices`…). */
export interface RuleFacts {
  channel: ChannelKind;
  firstMessage: string;
  language: string | null;
  attributes: Record<string, unknown>;
}

/** What matching rules set. */
export interface RuleOutcome {
  /** The highest priority any matching rule set, or null. */
  priority: Priority | null;
  /** The team the first matching rule that names one set, or null. */
  team: string | null;
  /** All skills the matching rules ask, each at the highest level asked, by name. */
  skills: SkillRequirement[];
  /** All tags the matching rules add, in the order first added. */
  tags: string[];
  /** Names of the rules that matched, in order. */
  matched: string[];
}

/**
 * Validates rules from JSON or an API body; throws `RoutingConfigError` naming each bad field.
 * @example
 * const rules = parseRules([{ name: 'vip', when: { kind: 'attribute', name: 'vip', equals: true }, set: { priority: 'high' } }]);
 */
export function parseRules(input: unknown): Rule[] {
  const result = RoutingRule.array().safeParse(input);
  if (!result.success) throw new RoutingConfigError('invalid_rules', toFieldIssues(result.error, 'rules'), { cause: result.error });
  return result.data;
}

const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * Runs the rules in order against one case's facts.
 * @example
 * applyRules(rules, { channel: 'webchat', firstMessage: 'my internet is down', language: 'en', attributes: { vip: true } });
 */
export function applyRules(rules: readonly Rule[], facts: RuleFacts): RuleOutcome {
  const outcome: RuleOutcome = { priority: null, team: null, skills: [], tags: [], matched: [] };
  const words = wordsOf(facts.firstMessage);
  for (const rule of rules) {
    if (!holds(rule.when, facts, words)) continue;
    outcome.matched.push(rule.name);
    const { priority, team, skills, tags } = rule.set;
    if (priority && (outcome.priority === null || PRIORITY_RANK[priority] > PRIORITY_RANK[outcome.priority])) outcome.priority = priority;
    if (team && outcome.team === null) outcome.team = team;
    for (const skill of skills ?? []) {
      const known = outcome.skills.find((s) => s.name === skill.name);
      if (!known) outcome.skills.push({ ...skill });
      else known.minLevel = Math.max(known.minLevel, skill.minLevel);
    }
    for (const tag of tags ?? []) if (!outcome.tags.includes(tag)) outcome.tags.push(tag);
    if (rule.stop) break;
  }
  return outcome;
}

const wordsOf = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * Whether one condition holds on a case's facts (`firstMessage` is then the message at hand):
 * what automations test, by the same rule as `applyRules`.
 * @example conditionHolds({ kind: 'keywords', any: ['refund'] }, { channel: 'email', firstMessage: 'A refund, please', language: null, attributes: {} })
 */
export function conditionHolds(condition: RuleCondition, facts: RuleFacts): boolean {
  return holds(condition, facts, wordsOf(facts.firstMessage));
}

function holds(condition: RuleCondition, facts: RuleFacts, words: Set<string>): boolean {
  switch (condition.kind) {
    case 'channel':
      return condition.in.includes(facts.channel);
    case 'language':
      return facts.language !== null && condition.in.includes(facts.language);
    case 'keywords':
      // A keyword of several words matches when each of its words is in the message.
      return condition.any.some((keyword) => (keyword.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).every((word) => words.has(word)));
    case 'attribute': {
      const value = facts.attributes[condition.name];
      if (condition.exists !== undefined) return (value !== undefined && value !== null) === condition.exists;
      if (condition.atLeast !== undefined) return typeof value === 'number' && value >= condition.atLeast;
      return value === condition.equals;
    }
    case 'all':
      return condition.of.every((inner) => holds(inner, facts, words));
    case 'any':
      return condition.of.some((inner) => holds(inner, facts, words));
    case 'not':
      return !holds(condition.condition, facts, words);
  }
}
