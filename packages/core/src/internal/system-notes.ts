import { CasekitError, defaultReplyConversation, type Case, type Message } from '@casekit/protocol';
import type { SystemActor, SystemNoteInput } from '../types.ts';
import { requireCase, type EngineContext } from './context.ts';
import { systemMessage } from './automations.ts';

const MAX_TEXT = 10_000;

function invalid(path: string, message: string): CasekitError {
  return new CasekitError('validation_failed', `System note ${path} ${message}.`, { details: { issues: [{ path, message }] } });
}

function checkNote(input: SystemNoteInput): void {
  if (typeof input?.text !== 'string' || input.text.trim() === '') throw invalid('text', 'must not be empty');
  if (input.text.length > MAX_TEXT) throw invalid('text', `must be at most ${MAX_TEXT} characters`);
  if (typeof input.authorName !== 'string' || input.authorName.trim() === '' || input.authorName.length > 200) throw invalid('authorName', 'must be 1 to 200 characters');
  if (input.clientMessageId !== undefined && (typeof input.clientMessageId !== 'string' || input.clientMessageId === '' || input.clientMessageId.length > 100)) {
    throw invalid('clientMessageId', 'must be 1 to 100 characters');
  }
}

/**
 * An internal note the system writes on a case (an integration reporting what happened
 * elsewhere), on the case's latest conversation. A repeated `clientMessageId` returns the note
 * written the first time and changes nothing.
 */
export async function addSystemNote(ctx: EngineContext, actor: SystemActor, caseId: string, input: SystemNoteInput): Promise<Message> {
  checkNote(input);
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    const kase = await requireCase(tx, workspaceId, caseId);
    if (input.clientMessageId !== undefined) {
      // System messages have no author id: their client ids live in the customer's scope.
      const seen = await tx.findMessageByClientId(workspaceId, kase.customerId, input.clientMessageId);
      if (seen?.authorKind === 'system') return seen;
    }
    const conversation = defaultReplyConversation(await tx.listConversations(workspaceId, kase.id));
    if (!conversation) throw new CasekitError('conflict', `Case #${kase.number} has no conversation to write a note on.`);
    const message = systemMessage(kase, conversation, { text: input.text, internal: true, authorName: input.authorName, at, clientMessageId: input.clientMessageId });
    await tx.insertMessage(message);
    const after: Case = { ...kase, messageCount: kase.messageCount + 1, lastActivityAt: at, updatedAt: at, version: kase.version + 1 };
    await tx.updateCase(after, kase.version);
    await emit({ workspaceId, at, actorId: null, caseId: kase.id, customerId: kase.customerId, type: 'message.created', data: { message, case: after } });
    return message;
  });
}
