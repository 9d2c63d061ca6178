/**
 * What an SDK error (`CasekitApiError`) says is wrong with each field of a form, by top-level field
 * name (`body.role` → `role`, `body.teams.0` → `teams`); empty when the error names no field.
 * With `depth` 2, one level further: `body.capacity.webchat` → `capacity.webchat`.
 */
export function fieldErrorsOf(err: unknown, depth = 1): Map<string, string> {
  const details = typeof err === 'object' && err !== null && 'details' in err ? (err.details as { issues?: unknown } | undefined) : undefined;
  const issues = Array.isArray(details?.issues) ? (details.issues as { path: string; message: string }[]) : [];
  return new Map(issues.map((issue) => [issue.path.replace(/^body\./, '').split('.').slice(0, depth).join('.'), issue.message]));
}
