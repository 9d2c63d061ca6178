import { RoutingPolicySet, toFieldIssues } from '@casekit/protocol/schemas';
import { RoutingConfigError } from './errors.ts';
import type { PolicySet } from './types.ts';

/**
 * Validates a policy set from JSON or an API body; throws `RoutingConfigError` naming each bad field.
 * @example
 * const policies = parsePolicies({ default: { id: 'all', mode: 'auto', selection: 'least-loaded', sticky: true,
 *   widening: [{ afterSeconds: 0, minLevel: 'case', language: true, team: true }], onAgentOffline: 'reassign' } });
 */
export function parsePolicies(input: unknown): PolicySet {
  const result = RoutingPolicySet.safeParse(input);
  if (!result.success) throw new RoutingConfigError('invalid_policies', toFieldIssues(result.error, 'policies'), { cause: result.error });
  return result.data;
}
