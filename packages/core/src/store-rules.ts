import { CasekitError } from '@casekit/protocol';
import type { IdempotentResponse, MessageQuery } from './ports.ts';

/**
 * The most cases one transaction may insert or update, each with a conversation, a message and
 * an event, and still commit on every store. Engine operations stay within it; a bounded store
 * (DynamoDB: 100 items at once) refuses a larger write set with `payload_too_large`, writing nothing.
 */
export const MAX_CASES_PER_TRANSACTION = 3;

/** Whether a store refused a write set as larger than it commits at once: the work may go again in parts. */
export function refusedAsTooLarge(error: unknown): boolean {
  return error instanceof CasekitError && error.code === 'payload_too_large';
}

/**
 * Refuses a message list with no scope (`validation_failed` naming `caseId`): every store lists
 * messages by conversation, case or customer, none a whole workspace's.
 */
export function checkMessageQuery(query: MessageQuery): void {
  if (query.conversationId !== undefined || query.caseId !== undefined || query.customerId !== undefined) return;
  throw new CasekitError('validation_failed', 'List messages by caseId, conversationId or customerId; a whole workspace\'s messages are not listed.', {
    details: { issues: [{ path: 'caseId', message: 'required (or conversationId, or customerId)' }] },
  });
}

/** How long a stored answer to an `Idempotency-Key` is replayed: a key sent again later runs as new. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;

/**
 * Whether a stored answer is past `IDEMPOTENCY_KEY_TTL_MS` at `at` (ISO 8601): the engine then runs
 * the request again, and a store lets the new answer replace it. Answers stored without a time never expire.
 */
export function idempotentAnswerExpired(stored: IdempotentResponse, at: string): boolean {
  return stored.storedAt !== undefined && Date.parse(at) - Date.parse(stored.storedAt) >= IDEMPOTENCY_KEY_TTL_MS;
}

/** For stores' `putIdempotent`: whether `stored` still holds its key against `response` (then `conflict`); an expired one is replaced. */
export function idempotentKeyHeld(stored: IdempotentResponse | null, response: IdempotentResponse): boolean {
  return stored !== null && (response.storedAt === undefined || !idempotentAnswerExpired(stored, response.storedAt));
}
