import { z } from 'zod';
import { CHANNEL_KINDS } from '@casekit/protocol';
import { toFieldIssues } from '@casekit/protocol/schemas';
import { RoutingConfigError } from './errors.ts';
import { OFFLINE_ACTIONS, SELECTIONS, type PolicySet } from './types.ts';

const StepSchema = z.strictObject({
  afterSeconds: z.number().min(0),
  minLevel: z.union([z.literal('case'), z.number().int().min(1).max(5)]),
  language: z.boolean(),
  team: z.boolean(),
});

const PolicySchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    mode: z.enum(['auto', 'manual']),
    selection: z.enum(SELECTIONS),
    sticky: z.boolean(),
    widening: z.array(StepSchema).min(1),
    onAgentOffline: z.enum(OFFLINE_ACTIONS),
  })
  .superRefine((policy, ctx) => {
    if (policy.widening[0]!.afterSeconds !== 0) ctx.addIssue({ code: 'custom', path: ['widening', 0, 'afterSeconds'], message: 'the first step must start at 0' });
    policy.widening.forEach((step, i) => {
      if (i > 0 && step.afterSeconds <= policy.widening[i - 1]!.afterSeconds) {
        ctx.addIssue({ code: 'custom', path: ['widening', i, 'afterSeconds'], message: 'must be later than the step before' });
      }
    });
  });

const PolicySetSchema = z.strictObject({
  default: PolicySchema,
  teams: z.record(z.string().min(1), PolicySchema).optional(),
  channels: z.partialRecord(z.enum(CHANNEL_KINDS), PolicySchema).optional(),
});

/**
 * Validates a policy set from JSON or an API body; throws `RoutingConfigError` naming each bad field.
 * @example
 * const policies = parsePolicies({ default: { id: 'all', mode: 'auto', selection: 'least-loaded', sticky: true,
 *   widening: [{ afterSeconds: 0, minLevel: 'case', language: true, team: true }], onAgentOffline: 'reassign' } });
 */
export function parsePolicies(input: unknown): PolicySet {
  const result = PolicySetSchema.safeParse(input);
  if (!result.success) throw new RoutingConfigError('invalid_policies', toFieldIssues(result.error, 'policies'), { cause: result.error });
  return result.data;
}
