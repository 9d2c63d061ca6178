import { CasekitError, type FieldIssue } from '@casekit/protocol';

/** A `validation_failed` error naming each field at fault. */
export function validationError(issues: FieldIssue[]): CasekitError {
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new CasekitError('validation_failed', `Invalid request: ${summary}${more}.`, { details: { issues } });
}

/** The bearer token of an Authorization header, or '' when there is none. */
export function bearerToken(header: string | undefined): string {
  if (typeof header !== 'string') return '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}
