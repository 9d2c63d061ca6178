import { CasekitError } from '@casekit/protocol';
import type { MessageQuery } from './ports.ts';

/**
 * The most cases one transaction may insert or update, each with a conversation, a message and
 * an event, and still commit on every store. Engine operations stay within it; a bounded store
 * (DynamoDB: 100 items at once) refuses a larger write set with `payload_too_large`, writing nothing.
 */
export const MAX_CASES_PER_TRANSACTION = 3;

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
