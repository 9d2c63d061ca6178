import { CasekitError, defaultReplyConversation, type Case, type ChannelCapabilities, type Conversation, type DeliveryStatus, type Message } from '@casekit/protocol';
import { newId } from '../ids.ts';
import { isForwardStatus } from '../rules.ts';
import type { MessageDelivery } from '../ports.ts';
import type { AgentActor, CreateOptions, DeliveryReceipt, NoteInput, ReplyInput, SystemActor } from '../types.ts';
import { diff, notFound, previewOf, requireCase, type EngineContext, type Step } from './context.ts';

const issue = (path: string, message: string) => new CasekitError('validation_failed', message, { details: { issues: [{ path, message }] } });

/** A reply must fit its channel: length, files, and the window in which free-form replies are allowed. */
function assertFits(input: ReplyInput | NoteInput, conversation: Conversation, channelName: string, capabilities: ChannelCapabilities, now: Date): void {
  if (input.text.length > capabilities.maxTextLength) {
    throw issue('body.text', `${channelName} carries at most ${capabilities.maxTextLength} characters a message; this one has ${input.text.length}.`);
  }
  const files = input.attachments ?? [];
  if (files.length > 0) {
    const limits = capabilities.attachments;
    if (!limits) throw issue('body.attachments', `${channelName} carries no files; send a link instead.`);
    if (files.length > limits.maxCount) throw issue('body.attachments', `${channelName} carries at most ${limits.maxCount} files a message.`);
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (total > limits.maxTotalBytes) throw issue('body.attachments', `${channelName} carries at most ${Math.floor(limits.maxTotalBytes / 1_048_576)} MB of files a message.`);
  }
  const hours = capabilities.replyWindowHours;
  if (hours !== null && conversation.lastInboundAt && now.getTime() - Date.parse(conversation.lastInboundAt) > hours * 3_600_000) {
    throw new CasekitError(
      'reply_window_closed',
      `${channelName} allows free-form replies only within ${hours} hours of the customer's last message (${conversation.lastInboundAt}); send an approved template, or reach them on another channel.`,
      { details: { lastInboundAt: conversation.lastInboundAt, windowHours: hours } },
    );
  }
}

/**
 * An agent's reply (on the conversation's channel) or internal note, in one transaction with
 * the case moving along and, off web chat, the outbox item that delivers it.
 */
export function agentMessage(ctx: EngineContext, actor: AgentActor, input: ReplyInput | NoteInput, internal: boolean, options?: CreateOptions): Promise<Message> {
  const { workspaceId, agent } = actor;
  return ctx.run(
    workspaceId,
    async ({ tx, emit, at, now }) => {
      if (input.clientMessageId) {
        const seen = await tx.findMessageByClientId(workspaceId, agent.id, input.clientMessageId);
        if (seen) return seen;
      }
      const kase = await requireCase(tx, workspaceId, input.caseId);
      if (!internal && kase.status === 'closed') {
        throw new CasekitError('invalid_transition', `Case #${kase.number} is closed; replies go to a new case.`);
      }
      const conversationId = 'conversationId' in input ? input.conversationId : undefined;
      let conversation: Conversation | null;
      if (conversationId) {
        conversation = await tx.getConversation(workspaceId, conversationId);
        if (!conversation || conversation.caseId !== kase.id) {
          throw new CasekitError('not_found', `No conversation with id "${conversationId}" in case #${kase.number}.`, {
            details: { issues: [{ path: 'body.conversationId', message: 'not a conversation of this case' }] },
          });
        }
      } else {
        const conversations = await tx.listConversations(workspaceId, kase.id);
        conversation = defaultReplyConversation(conversations);
        if (!conversation) throw new CasekitError('conflict', `Case #${kase.number} has no conversation to reply on.`);
      }
      // A reply goes to whoever the conversation is with, and that is always the case's customer.
      const owner = await tx.getCustomer(workspaceId, conversation.customerId);
      if (owner?.id !== kase.customerId) {
        throw new CasekitError('conflict', `Conversation "${conversation.id}" is not with the customer of case #${kase.number}; nothing was sent.`);
      }
      if (!internal) {
        const channel = await tx.getChannel(workspaceId, conversation.channelId);
        if (channel && !channel.enabled) {
          throw new CasekitError('conflict', `The channel "${channel.name}" is disabled; enable it or reply on another of the customer's channels. Nothing was sent.`);
        }
        const capabilities = channel && ctx.capabilitiesOf(channel.kind);
        if (channel && capabilities) assertFits(input, conversation, channel.name, capabilities, now);
      }
      const webchat = conversation.channelKind === 'webchat';
      const message: Message = {
        id: newId('m'),
        workspaceId,
        caseId: kase.id,
        conversationId: conversation.id,
        customerId: owner.id,
        channelId: conversation.channelId,
        channelKind: conversation.channelKind,
        direction: 'outbound',
        authorKind: agent.kind === 'bot' ? 'bot' : 'agent',
        authorId: agent.id,
        authorName: agent.name,
        internal,
        text: input.text,
        attachments: input.attachments ?? [],
        providerMessageId: null,
        clientMessageId: input.clientMessageId ?? null,
        // Web chat is delivered by the realtime push itself; other channels go through the outbox.
        status: internal || webchat ? 'sent' : 'queued',
        createdAt: at,
      };
      await tx.insertMessage(message);
      if (!internal) {
        await tx.updateConversation({ ...conversation, lastMessageAt: at });
        if (!webchat) {
          await tx.enqueueOutbox({
            id: newId('ob'),
            workspaceId,
            messageId: message.id,
            channelId: conversation.channelId,
            attempts: 0,
            nextAttemptAt: at,
            leaseUntil: null,
            lastError: null,
          });
        }
      }
      const after: Case = {
        ...kase,
        status: !internal && kase.status === 'new' ? 'open' : kase.status,
        assigneeId: !internal && kase.assigneeId === null && agent.kind === 'human' ? agent.id : kase.assigneeId,
        preview: internal ? kase.preview : previewOf(input.text),
        messageCount: kase.messageCount + 1,
        lastActivityAt: at,
        updatedAt: at,
        version: kase.version + 1,
      };
      await tx.updateCase(after, kase.version);
      const base = { workspaceId, at, actorId: agent.id, caseId: kase.id, customerId: kase.customerId };
      const changes = diff(kase, after, ['status', 'assigneeId']);
      if (Object.keys(changes).length > 0) await emit({ ...base, type: 'case.updated', data: { case: after, changes } });
      await emit({ ...base, type: 'message.created', data: { message, case: after } });
      // Writing in a case means having read it: the author's own message never shows as unread.
      await tx.markCaseRead(workspaceId, agent.id, kase.id, at);
      await emit({ ...base, type: 'case.read', data: { readAt: at } });
      return message;
    },
    options?.idempotency,
  );
}

/** Records that the agent read the case up to now (or its last activity, if a clock ran ahead). */
export function markCaseRead(ctx: EngineContext, actor: AgentActor, caseId: string): Promise<string> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at: now }) => {
    const kase = await requireCase(tx, workspaceId, caseId);
    // Read up to everything there is, even if another node's clock ran ahead of this one.
    const at = kase.lastActivityAt > now ? kase.lastActivityAt : now;
    await tx.markCaseRead(workspaceId, actor.agent.id, caseId, at);
    await emit({ type: 'case.read', workspaceId, at: now, actorId: actor.agent.id, caseId, customerId: kase.customerId, data: { readAt: at } });
    return at;
  });
}

/** Moves a delivery status forward; a stale or backward one changes nothing and answers null. */
export function updateDeliveryStatus(
  ctx: EngineContext,
  actor: SystemActor,
  messageId: string,
  status: DeliveryStatus,
  details: Omit<MessageDelivery, 'status'> = {},
): Promise<Message | null> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const message = await step.tx.getMessage(workspaceId, messageId);
    if (!message) throw notFound('message', messageId);
    return moveDelivery(step, message, { ...details, status });
  });
}

/**
 * Sends a failed reply again: it is queued once more, its error cleared, and the outbox takes it
 * as a new delivery. Only an outbound message that failed can be retried.
 */
export function retryDelivery(ctx: EngineContext, actor: AgentActor, caseId: string, messageId: string): Promise<Message> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async ({ tx, emit, at }) => {
    const message = await tx.getMessage(workspaceId, messageId);
    if (!message || message.caseId !== caseId) throw notFound('message', messageId);
    if (message.direction !== 'outbound' || message.internal || message.status !== 'failed') {
      throw new CasekitError('conflict', `Only a reply that failed can be sent again; this one is ${message.internal ? 'a note' : message.status}.`);
    }
    const channel = await tx.getChannel(workspaceId, message.channelId);
    if (channel && !channel.enabled) throw new CasekitError('conflict', `The channel "${channel.name}" is disabled; enable it first.`);
    // The earlier send's id goes: a late receipt for it must not pass for one of the resend.
    await tx.updateMessageDelivery(workspaceId, messageId, { status: 'queued', deliveryError: null, providerMessageId: null });
    await tx.enqueueOutbox({ id: newId('ob'), workspaceId, messageId, channelId: message.channelId, attempts: 0, nextAttemptAt: at, leaseUntil: null, lastError: null });
    await emit({
      type: 'message.status',
      workspaceId,
      at,
      actorId: actor.agent.id,
      caseId: message.caseId,
      customerId: message.customerId,
      data: { messageId, status: 'queued', internal: false },
    });
    const { deliveryError: _cleared, ...retried } = message;
    return { ...retried, status: 'queued', providerMessageId: null };
  });
}

/** A provider's receipt, matched to our message by the provider's id. */
export function applyReceipt(ctx: EngineContext, actor: SystemActor, receipt: DeliveryReceipt): Promise<Message | null> {
  const { workspaceId } = actor;
  return ctx.run(workspaceId, async (step) => {
    const message = await step.tx.findMessageByProviderId(workspaceId, receipt.channelId, receipt.providerMessageId);
    // A receipt is for a send; a message waiting to be sent (again) has none yet.
    if (!message || message.direction !== 'outbound' || message.status === 'queued' || message.status === 'pending') return null;
    return moveDelivery(step, message, { status: receipt.status, ...(receipt.error && { deliveryError: receipt.error }) });
  });
}

/** Delivery statuses only move forward; whatever else the provider said is kept with the move. */
async function moveDelivery({ tx, emit, at }: Step, message: Message, delivery: MessageDelivery): Promise<Message | null> {
  if (!isForwardStatus(message.status, delivery.status)) return null;
  await tx.updateMessageDelivery(message.workspaceId, message.id, delivery);
  const { status } = delivery;
  await emit({
    type: 'message.status',
    workspaceId: message.workspaceId,
    at,
    actorId: null,
    caseId: message.caseId,
    customerId: message.customerId,
    data: { messageId: message.id, status, internal: message.internal },
  });
  const { providerMessageId, headers, deliveryError } = delivery;
  return {
    ...message,
    status,
    ...(providerMessageId !== undefined && { providerMessageId }),
    ...(headers && { headers }),
    ...(deliveryError && { deliveryError }),
  };
}
