import {
  CasekitError,
  defaultReplyConversation,
  type Attachment,
  type Case,
  type ChannelCapabilities,
  type ChannelKind,
  type Conversation,
  type DeliveryStatus,
  type Message,
  type MessageTemplateRef,
  type ReplyChannel,
} from '@casekit/protocol';
import { newId } from '../ids.ts';
import { isForwardStatus } from '../rules.ts';
import type { ChannelRecord, MessageDelivery, StoreTx } from '../ports.ts';
import type { AgentActor, CreateOptions, DeliveryReceipt, NoteInput, ReplyInput, SystemActor } from '../types.ts';
import { diff, notFound, previewOf, requireCase, unique, type EngineContext, type Step } from './context.ts';
import { withSla } from './sla.ts';
import { renderTemplateReply, replyTargetOn, toReplyChannel, windowClosed, type ReplyTarget } from './reply-targets.ts';

const issue = (path: string, message: string) => new CasekitError('validation_failed', message, { details: { issues: [{ path, message }] } });

/** A reply must fit its channel: its length and its files. */
function assertFits(text: string, files: readonly Attachment[], channelName: string, capabilities: ChannelCapabilities): void {
  if (text.length > capabilities.maxTextLength) {
    throw issue('body.text', `${channelName} carries at most ${capabilities.maxTextLength} characters a message; this one has ${text.length}.`);
  }
  if (files.length > 0) {
    const limits = capabilities.attachments;
    if (!limits) throw issue('body.attachments', `${channelName} carries no files; send a link instead.`);
    if (files.length > limits.maxCount) throw issue('body.attachments', `${channelName} carries at most ${limits.maxCount} files a message.`);
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (total > limits.maxTotalBytes) throw issue('body.attachments', `${channelName} carries at most ${Math.floor(limits.maxTotalBytes / 1_048_576)} MB of files a message.`);
  }
}

/** Where a reply or note goes: the named conversation, the case's one on the named channel (or none yet), or the latest. */
async function conversationFor(tx: StoreTx, kase: Case, input: ReplyInput | NoteInput, caseConversations: Conversation[]): Promise<{ conversation: Conversation | null; channel: ChannelRecord | null }> {
  const { workspaceId } = kase;
  const conversationId = 'conversationId' in input ? input.conversationId : undefined;
  const channelId = 'channelId' in input ? input.channelId : undefined;
  if (conversationId) {
    const conversation = caseConversations.find((c) => c.id === conversationId);
    if (!conversation) {
      throw new CasekitError('not_found', `No conversation with id "${conversationId}" in case #${kase.number}.`, {
        details: { issues: [{ path: 'body.conversationId', message: 'not a conversation of this case' }] },
      });
    }
    return { conversation, channel: await tx.getChannel(workspaceId, conversation.channelId) };
  }
  if (channelId) {
    const channel = await tx.getChannel(workspaceId, channelId);
    if (!channel) {
      throw new CasekitError('not_found', `No channel with id "${channelId}" in this workspace.`, { details: { issues: [{ path: 'body.channelId', message: 'no such channel' }] } });
    }
    return { conversation: defaultReplyConversation(caseConversations.filter((c) => c.channelId === channelId)), channel };
  }
  const conversation = defaultReplyConversation(caseConversations);
  if (!conversation) throw new CasekitError('conflict', `Case #${kase.number} has no conversation to reply on; name a channel (channelId) to start one.`);
  return { conversation, channel: await tx.getChannel(workspaceId, conversation.channelId) };
}

/** Web chat is delivered by the realtime push itself; other channels go through the outbox. */
export const outboundStatus = (internal: boolean, kind: ChannelKind): Message['status'] => (internal || kind === 'webchat' ? 'sent' : 'queued');

/** Queues a public outbound message for its channel's adapter (the outbox), unless web chat's push delivers it. */
export async function queueDelivery(tx: StoreTx, message: Message, at: string): Promise<void> {
  if (message.internal || message.status !== 'queued') return;
  await tx.enqueueOutbox({ id: newId('ob'), workspaceId: message.workspaceId, messageId: message.id, channelId: message.channelId, attempts: 0, nextAttemptAt: at, leaseUntil: null, lastError: null });
}

/**
 * An agent's reply or internal note, in one transaction with the case moving along and, off web
 * chat, the outbox item that delivers it. A reply goes on a conversation of the case, or on a
 * channel of the customer's where the case has none yet (a new conversation is started), in free
 * text or as one of the channel's approved templates.
 */
export function agentMessage(ctx: EngineContext, actor: AgentActor, input: ReplyInput | NoteInput, internal: boolean, options?: CreateOptions): Promise<Message> {
  const { workspaceId, agent } = actor;
  return ctx.run(
    workspaceId,
    async (step) => {
      const { tx, emit, at, now } = step;
      if (input.clientMessageId) {
        const seen = await tx.findMessageByClientId(workspaceId, agent.id, input.clientMessageId);
        if (seen) return seen;
      }
      const kase = await requireCase(tx, workspaceId, input.caseId);
      if (!internal && kase.status === 'closed') {
        throw new CasekitError('invalid_transition', `Case #${kase.number} is closed; replies go to a new case.`);
      }
      const caseConversations = await tx.listConversations(workspaceId, kase.id);
      const found = await conversationFor(tx, kase, internal ? { caseId: kase.id, text: '' } : input, caseConversations);
      const { channel } = found;
      let conversation = found.conversation;
      // A reply goes to whoever the conversation is with, and that is always the case's customer.
      const owner = await tx.getCustomer(workspaceId, conversation?.customerId ?? kase.customerId);
      if (!owner || owner.id !== kase.customerId) {
        throw new CasekitError('conflict', `Conversation "${conversation?.id}" is not with the customer of case #${kase.number}; nothing was sent.`);
      }
      const reply = internal ? null : (input as ReplyInput);
      let text = reply?.template ? '' : (input.text ?? '');
      let template: MessageTemplateRef | undefined;
      if (reply && channel) {
        if (!channel.enabled) {
          throw new CasekitError('conflict', `The channel "${channel.name}" is disabled; enable it or reply on another of the customer's channels. Nothing was sent.`);
        }
        const capabilities = ctx.capabilitiesOf(channel.kind);
        const target = await replyTargetOn(tx, { kase, customer: owner, channel, caseConversations, capabilities, now });
        if (!target.address) {
          throw new CasekitError('unreachable_customer', `${owner.name || 'The customer'} has no address "${channel.name}" can send to (no ${channel.medium} identity); reply on a channel they can be reached on.`, {
            details: { channelId: channel.id, issues: [{ path: reply.channelId ? 'body.channelId' : 'body.conversationId', message: `the customer has no ${channel.medium} address` }] },
          });
        }
        if (reply.template) {
          if (reply.attachments?.length) throw issue('body.attachments', 'A template carries no files; send them after the customer answers.');
          ({ text, template } = renderTemplateReply(target, reply.template));
        } else {
          if (capabilities) assertFits(text, reply.attachments ?? [], channel.name, capabilities);
          if (!target.freeForm) throw windowClosed(target);
        }
      }
      if (!text) throw issue('body.text', 'A reply needs text or a template.');
      if (!conversation) {
        // Only a reply naming a channel gets here: the case's first conversation on it.
        const on = channel!;
        conversation = { id: newId('cv'), workspaceId, caseId: kase.id, customerId: owner.id, channelId: on.id, channelKind: on.medium, externalThreadId: null, createdAt: at, lastMessageAt: at };
        await tx.insertConversation(conversation);
      }
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
        text,
        attachments: input.attachments ?? [],
        providerMessageId: null,
        clientMessageId: input.clientMessageId ?? null,
        status: outboundStatus(internal, conversation.channelKind),
        ...(template && { template }),
        createdAt: at,
      };
      await tx.insertMessage(message);
      if (!internal) {
        await tx.updateConversation({ ...conversation, lastMessageAt: at });
        await queueDelivery(tx, message, at);
      }
      // A person's reply takes a case nobody holds, or one a bot holds (the person takes over the conversation).
      const holder = !internal && agent.kind === 'human' && kase.assigneeId !== null ? await tx.getAgent(workspaceId, kase.assigneeId) : null;
      const takes = !internal && agent.kind === 'human' && (kase.assigneeId === null || holder?.kind === 'bot');
      const moved: Case = {
        ...kase,
        status: !internal && kase.status === 'new' ? 'open' : kase.status,
        assigneeId: takes ? agent.id : kase.assigneeId,
        channels: unique([...kase.channels, conversation.channelKind]),
        preview: internal ? kase.preview : previewOf(text),
        messageCount: kase.messageCount + 1,
        lastActivityAt: at,
        updatedAt: at,
        version: kase.version + 1,
      };
      // A bot's reply leaves the customer waiting for a person: only a person's public reply answers.
      const after = await withSla(step, kase, moved, !internal && agent.kind === 'human' ? 'agent_reply' : undefined);
      await tx.updateCase(after, kase.version);
      const base = { workspaceId, at, actorId: agent.id, caseId: kase.id, customerId: kase.customerId };
      const changes = diff(kase, after, ['status', 'assigneeId', 'channels']);
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

/**
 * The channels a reply on the case can go on, with where it goes and what may go there now:
 * the case's own conversations' channels first, then every other channel that can reach the customer.
 */
export async function listReplyChannels(ctx: EngineContext, actor: AgentActor, caseId: string): Promise<ReplyChannel[]> {
  const { store } = ctx;
  const { workspaceId } = actor;
  const kase = await requireCase(store, workspaceId, caseId);
  const [customer, caseConversations, channels] = await Promise.all([
    store.getCustomer(workspaceId, kase.customerId),
    store.listConversations(workspaceId, kase.id),
    store.listChannels(workspaceId),
  ]);
  if (!customer) throw notFound('customer', kase.customerId);
  const now = ctx.now();
  const targets = await Promise.all(
    channels.map((channel) => replyTargetOn(store, { kase, customer, channel, caseConversations, capabilities: ctx.capabilitiesOf(channel.kind), now })),
  );
  const reachable = targets.filter((t): t is ReplyTarget & { address: string } => t.address !== null);
  const latest = (t: ReplyTarget) => t.conversation?.lastMessageAt ?? '';
  reachable.sort((a, b) => (latest(a) === latest(b) ? a.channel.name.localeCompare(b.channel.name) : latest(a) > latest(b) ? -1 : 1));
  return reachable.map(toReplyChannel);
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
