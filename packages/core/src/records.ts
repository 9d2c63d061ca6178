import { CasekitError } from '@casekit/protocol';

/** The largest record value, serialized: a billing account with its services and invoices fits many times over. */
export const MAX_RECORD_BYTES = 256 * 1024;
const COLLECTION_PATTERN = /^[a-z0-9][a-z0-9.:-]{0,63}$/;
const MAX_RECORD_KEY_LENGTH = 256;

function invalid(path: string, message: string): CasekitError {
  return new CasekitError('validation_failed', `Record ${path} ${message}.`, { details: { issues: [{ path, message }] } });
}

/**
 * Checks a record before a store keeps it and returns its value as JSON text. Throws
 * `validation_failed` naming the bad field: a collection of 1 to 64 of `a-z 0-9 . : -`, a key of
 * 1 to 256 characters without NUL or unpaired surrogates, a JSON value of at most 256 KB.
 */
export function checkRecordInput(workspaceId: string, collection: string, key: string, value: unknown): string {
  if (typeof workspaceId !== 'string' || workspaceId === '') throw invalid('workspaceId', 'must be a non-empty string');
  if (typeof collection !== 'string' || !COLLECTION_PATTERN.test(collection)) throw invalid('collection', 'must be 1 to 64 of a-z, 0-9, ".", ":" and "-"');
  if (typeof key !== 'string' || key === '' || key.length > MAX_RECORD_KEY_LENGTH || key.includes('\u0000') || !key.isWellFormed()) {
    // An unpaired surrogate has no UTF-8: SQLite would store another key than the one given.
    throw invalid('key', `must be a string of 1 to ${MAX_RECORD_KEY_LENGTH} characters without NUL or unpaired surrogates`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw invalid('value', `must be JSON (${(error as Error).message})`);
  }
  if (json === undefined) throw invalid('value', 'must be JSON');
  if (new TextEncoder().encode(json).length > MAX_RECORD_BYTES) throw invalid('value', `must be at most ${MAX_RECORD_BYTES} bytes as JSON`);
  return json;
}
