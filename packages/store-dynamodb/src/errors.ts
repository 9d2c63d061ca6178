/** A `Store` method this version of the DynamoDB store does not have yet (see the README's list). */
export class NotImplementedError extends Error {
  override readonly name = 'NotImplementedError';
  readonly code = 'not_implemented' as const;
  readonly method: string;

  constructor(method: string) {
    super(`${method}() is not implemented by @casekit/store-dynamodb yet; use @casekit/store-sqlite or @casekit/store-memory for it.`);
    this.method = method;
  }
}
