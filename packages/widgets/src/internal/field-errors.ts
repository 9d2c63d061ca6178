/** One field the server found at fault: its path in the request (`body.sla.policies.0.id`) and why. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Every field an SDK error (`CasekitApiError`, `validation_failed`) names, with the server's word on it; empty when it names none. */
export function fieldIssuesOf(err: unknown): FieldIssue[] {
  const details = typeof err === 'object' && err !== null && 'details' in err ? (err.details as { issues?: unknown } | undefined) : undefined;
  return Array.isArray(details?.issues) ? (details.issues as FieldIssue[]) : [];
}

/**
 * What an SDK error (`CasekitApiError`) says is wrong with each field of a form, by top-level field
 * name (`body.role` → `role`, `body.teams.0` → `teams`); empty when the error names no field.
 * With `depth` 2, one level further: `body.capacity.webchat` → `capacity.webchat`.
 */
export function fieldErrorsOf(err: unknown, depth = 1): Map<string, string> {
  return new Map(fieldIssuesOf(err).map((issue) => [issue.path.replace(/^body\./, '').split('.').slice(0, depth).join('.'), issue.message]));
}
