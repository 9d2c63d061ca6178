import { customerDisplayName, defaultReplyConversation, type Case, type HandoffReason, type Message } from '@casekit/protocol';
import { newId } from '../ids.ts';
import { actorIdOf, assertMayHandOff } from '../rules.ts';
import type { AgentActor, HandoffInput, HandoffResult, SystemActor } from '../types.ts';
import { diff, requireCase, type EngineContext } from './context.ts';
import { stampQueue } from './routing.ts';
import { withSla } from './sla.ts';

/** Messages of the conversation the handoff note repeats for the agent, the latest ones. */
const TRANSCRIPT_MESSAGES = 20;
const TRANSCRIPT_LINE = 300;

const WHY: Record<HandoffReason, string> = {
  requested: 'the customer asked for a person',
  bot: 'the bot handed the conversation over',
  failed: 'the bot failed to answer',
  timeout: 'the bot did not answer in time',
};

/** What the customer reads on web chat while a person is found. */
export const HANDOFF_NOTICE = 'Connecting you to a person…';

/**
 * Gives a case a bot holds to people, in one transaction: the case is unassigned (routing gives
 * it to an agent), an internal note tells the agent why, what the bot collected and how the
 * conversation went, and on web chat the customer reads that a person is coming. When no bot
 * holds the case (a repeat, or a person took it) nothing changes.
 */
export function handoff(ctx: EngineContext, actor: AgentActor | SystemActor, caseId: string, input: HandoffInput): Promise<HandoffResult> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const { tx, emit, at } = step;
    const kase = await requireCase(tx, workspaceId, caseId);
    const holder = kase.assigneeId ? await tx.getAgent(workspaceId, kase.assigneeId) : null;
    assertMayHandOff(actor, kase, holder);
    if (!holder || holder.kind !== 'bot') return { case: kase, handedOff: false };

    const [customer, conversations, page] = await Promise.all([
      tx.getCustomer(workspaceId, kase.customerId),
      tx.listConversations(workspaceId, kase.id),
      // A bot's conversation is short; past 200 messages the note shows the first ones.
      tx.listMessages(workspaceId, { caseId: kase.id, publicOnly: true, limit: 200 }),
    ]);
    const conversation = defaultReplyConversation(conversations);
    const fields = Object.entries(input.fields ?? {});
    const said = (m: Message) => `${m.authorKind === 'customer' ? (customer ? customerDisplayName(customer) : 'Customer') : m.authorName}: ${m.text.replace(/\s+/g, ' ').slice(0, TRANSCRIPT_LINE)}`;
    const text = [
      `Handed off by ${holder.name}: ${WHY[input.reason]}.`,
      ...(input.summary ? [input.summary] : []),
      ...(fields.length > 0 ? ['', 'Collected:', ...fields.map(([name, value]) => `• ${name}: ${value}`)] : []),
      ...(page.items.length > 0 ? ['', 'Conversation:', ...page.items.slice(-TRANSCRIPT_MESSAGES).map(said)] : []),
    ].join('\n');

    const added: Message[] = [];
    if (conversation) {
      const on = {
        workspaceId, caseId: kase.id, customerId: kase.customerId, conversationId: conversation.id, channelId: conversation.channelId, channelKind: conversation.channelKind,
        direction: 'outbound', authorKind: 'system', authorId: null, authorName: holder.name, providerMessageId: null, clientMessageId: null, status: 'sent', createdAt: at,
      } as const satisfies Partial<Message>;
      added.push({ ...on, id: newId('m'), attachments: [], internal: true, text, handoff: { reason: input.reason, fields: input.fields ?? {} } });
      // Web chat shows it at once; other channels hear from the person who answers.
      if (conversation.channelKind === 'webchat') {
        added.push({ ...on, id: newId('m'), attachments: [], internal: false, text: HANDOFF_NOTICE, handoff: { reason: input.reason, fields: {} } });
      }
    }
    for (const message of added) await tx.insertMessage(message);
    // It starts waiting for a person now, and its SLA clocks see the change like any other.
    const unassigned = stampQueue(kase, { ...kase, assigneeId: null, messageCount: kase.messageCount + added.length, lastActivityAt: at, updatedAt: at, version: kase.version + 1 }, at);
    const after: Case = await withSla(step, kase, unassigned);
    await tx.updateCase(after, kase.version);
    const event = { workspaceId, at, actorId: actorIdOf(actor), caseId: kase.id, customerId: kase.customerId };
    await emit({ ...event, type: 'case.updated', data: { case: after, changes: diff(kase, after, ['assigneeId', 'queuedAt']) } });
    for (const message of added) await emit({ ...event, type: 'message.created', data: { message, case: after } });
    return { case: after, handedOff: true };
  });
}
