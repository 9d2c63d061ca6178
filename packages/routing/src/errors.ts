import type { FieldIssue } from '@casekit/protocol';

export const ROUTING_CONFIG_ERROR_CODES = ['invalid_rules', 'invalid_policies', 'invalid_sla'] as const;
export type RoutingConfigErrorCode = (typeof ROUTING_CONFIG_ERROR_CODES)[number];

/**
 * Thrown by `parseRules`, `parsePolicies` and `parseSlaConfig` for input that does not fit; `issues`
 * name each field at fault (`rules.0.when.kind`) and the message lists them. An API answers it with 400.
 */
export class RoutingConfigError extends Error {
  override readonly name = 'RoutingConfigError';
  readonly code: RoutingConfigErrorCode;
  readonly status = 400;
  readonly issues: FieldIssue[];
  constructor(code: RoutingConfigErrorCode, issues: FieldIssue[], options?: { cause?: unknown }) {
    const what = { invalid_rules: 'routing rules', invalid_policies: 'routing policies', invalid_sla: 'SLA configuration' }[code];
    super(`Invalid ${what}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}. Fix these fields and try again.`, options);
    this.code = code;
    this.issues = issues;
  }
}
