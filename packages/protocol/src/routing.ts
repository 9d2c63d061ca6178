import { z } from 'zod';
import { ChannelKind, Priority } from './enums.ts';
import { AUTOMATION_TRIGGERS, ROUTING_OFFLINE_ACTIONS, ROUTING_SELECTIONS } from './values.ts';

// Routing configuration as a workspace keeps it and the API takes it. `@casekit/routing` parses
// with these same schemas, so the API and the library refuse exactly the same input.

/** A skill a case needs, and the lowest level that will do before its policy widens. */
export const SkillRequirement = z.strictObject({ name: z.string().min(1).max(60), minLevel: z.number().int().min(1).max(5) });
export interface SkillRequirement extends z.infer<typeof SkillRequirement> {}

/** One eligibility stage of a policy: from `afterSeconds` of waiting on, these requirements hold. */
export const WideningStep = z.strictObject({
  afterSeconds: z.number().min(0),
  /** `'case'`: each skill at the level the case asks; a number: each skill at least that level (never more than asked). */
  minLevel: z.union([z.literal('case'), z.number().int().min(1).max(5)]),
  /** Whether the agent must speak the case's language. */
  language: z.boolean(),
  /** Whether the agent must be in the case's team. */
  team: z.boolean(),
});
export interface WideningStep extends z.infer<typeof WideningStep> {}

/** How cases of one team or channel kind are routed. */
export const RoutingPolicy = z
  .strictObject({
    /** Names the policy; the round-robin cursor is kept under it. */
    id: z.string().min(1).max(64),
    /** `manual` only queues: agents pick cases themselves. */
    mode: z.enum(['auto', 'manual']),
    selection: z.enum(ROUTING_SELECTIONS),
    /** The customer's last agent first, when eligible and free. */
    sticky: z.boolean(),
    widening: z.array(WideningStep).min(1).max(10),
    /** What happens to an agent's open cases when they go offline. */
    onAgentOffline: z.enum(ROUTING_OFFLINE_ACTIONS),
  })
  .superRefine((policy, ctx) => {
    if (policy.widening[0]!.afterSeconds !== 0) ctx.addIssue({ code: 'custom', path: ['widening', 0, 'afterSeconds'], message: 'the first step must start at 0' });
    policy.widening.forEach((step, i) => {
      if (i > 0 && step.afterSeconds <= policy.widening[i - 1]!.afterSeconds) {
        ctx.addIssue({ code: 'custom', path: ['widening', i, 'afterSeconds'], message: 'must be later than the step before' });
      }
    });
  });
export interface RoutingPolicy extends z.infer<typeof RoutingPolicy> {}

/** Which policy applies: the case's team first, then its channel kind, then the default. */
export const RoutingPolicySet = z.strictObject({
  default: RoutingPolicy,
  teams: z.record(z.string().min(1).max(60), RoutingPolicy).optional(),
  channels: z.partialRecord(ChannelKind, RoutingPolicy).optional(),
});
export interface RoutingPolicySet extends z.infer<typeof RoutingPolicySet> {}

/** A condition on an incoming case; `all`, `any` and `not` combine others. */
export type RoutingCondition =
  | { kind: 'channel'; in: ChannelKind[] }
  | { kind: 'keywords'; any: string[] }
  | { kind: 'language'; in: string[] }
  | { kind: 'attribute'; name: string; equals?: string | number | boolean; atLeast?: number; exists?: boolean }
  | { kind: 'all'; of: RoutingCondition[] }
  | { kind: 'any'; of: RoutingCondition[] }
  | { kind: 'not'; condition: RoutingCondition };

export const RoutingCondition: z.ZodType<RoutingCondition> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('channel'), in: z.array(ChannelKind).min(1) }),
    z.strictObject({ kind: z.literal('keywords'), any: z.array(z.string().trim().min(1).max(100)).min(1).max(100) }),
    z.strictObject({ kind: z.literal('language'), in: z.array(z.string().min(2).max(10)).min(1) }),
    z
      .strictObject({
        kind: z.literal('attribute'),
        name: z.string().min(1).max(100),
        equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
        atLeast: z.number().optional(),
        exists: z.boolean().optional(),
      })
      .refine((c) => [c.equals, c.atLeast, c.exists].filter((v) => v !== undefined).length === 1, {
        message: 'give exactly one of "equals", "atLeast" or "exists"',
      }),
    z.strictObject({ kind: z.literal('all'), of: z.array(RoutingCondition).min(1).max(20) }),
    z.strictObject({ kind: z.literal('any'), of: z.array(RoutingCondition).min(1).max(20) }),
    z.strictObject({ kind: z.literal('not'), condition: RoutingCondition }),
  ]),
);

/** A declarative rule: when the condition holds on a new case, set what `set` says. */
export const RoutingRule = z.strictObject({
  name: z.string().min(1).max(100),
  when: RoutingCondition,
  set: z
    .strictObject({
      priority: Priority.optional(),
      team: z.string().min(1).max(60).optional(),
      skills: z.array(SkillRequirement).max(20).optional(),
      tags: z.array(z.string().min(1).max(60)).max(20).optional(),
    })
    .refine((set) => Object.keys(set).length > 0, { message: 'set at least one of priority, team, skills or tags' }),
  /** Stop evaluating the rules after this one matches. */
  stop: z.boolean().default(false),
});
/** A rule after defaults (`stop` present). */
export type RoutingRule = z.output<typeof RoutingRule>;
/** A rule as written (`stop` may be left out). */
export type RoutingRuleInput = z.input<typeof RoutingRule>;

/** What an automation does, in order. */
export const AutomationAction = z.discriminatedUnion('kind', [
  /** Moves the case to a team; routing then looks for an agent in it. */
  z.strictObject({ kind: z.literal('set_team'), team: z.string().min(1).max(60) }),
  z.strictObject({ kind: z.literal('add_tags'), tags: z.array(z.string().min(1).max(60)).min(1).max(20) }),
  /** Answers the customer on the conversation they wrote on, as the workspace (a canned reply). */
  z.strictObject({ kind: z.literal('reply'), text: z.string().trim().min(1).max(2000) }),
  /** Raises the priority: to `priority` when given and higher, else one step. */
  z.strictObject({ kind: z.literal('escalate'), priority: Priority.optional() }),
  /** Leaves an internal note for the agents. */
  z.strictObject({ kind: z.literal('note'), text: z.string().trim().min(1).max(2000) }),
]);
export type AutomationAction = z.infer<typeof AutomationAction>;

/** On an event, when the condition holds (always when left out), do the actions. */
export const Automation = z.strictObject({
  name: z.string().min(1).max(100),
  on: z.enum(AUTOMATION_TRIGGERS),
  when: RoutingCondition.optional(),
  actions: z.array(AutomationAction).min(1).max(10),
});
export interface Automation extends z.infer<typeof Automation> {}

/** A workspace's routing: its policies, the rules applied to new cases, automations, and wait-estimate inputs. */
export const RoutingSettings = z.strictObject({
  policies: RoutingPolicySet,
  rules: z.array(RoutingRule).max(200),
  automations: z.array(Automation).max(100).optional(),
  /** Average seconds an agent spends on one case, per channel kind, for customers' wait estimates (default 300). */
  handleSeconds: z.partialRecord(ChannelKind, z.number().int().min(1).max(7 * 24 * 3600)).optional(),
});
export type RoutingSettings = z.output<typeof RoutingSettings>;
export type RoutingSettingsInput = z.input<typeof RoutingSettings>;
