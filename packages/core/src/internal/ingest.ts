import { billingFacts, CasekitError, DEFAULT_ROUTING, type Case, type CaseStatus, type ChannelIdentity, type Conversation, type Customer, type Message } from '@casekit/protocol';
import { newId } from '../ids.ts';
import { DEFAULT_SETTINGS } from '../defaults.ts';
import type { ChannelRecord, StoreReader } from '../ports.ts';
import { ACTIVE_STATUSES } from '../rules.ts';
import type { IngestResult, InboundMessage } from '../types.ts';
import { diff, notFound, previewOf, unique, type EngineContext, type Step } from './context.ts';
import { previousAgentOf, routeNewCase, stampQueue } from './routing.ts';
import { runAutomations } from './automations.ts';
import { queueDelivery } from './messages.ts';
import { botTakingNewCases } from './bots.ts';
import { withSla } from './sla.ts';
import { billingAccountOf } from './billing.ts';

/** References tried per message: enough for any real thread, bounded against a crafted one. */
const MAX_REFERENCES = 50;

async function requireChannel(reader: StoreReader, workspaceId: string, channelId: string): Promise<ChannelRecord> {
  const channel = await reader.getChannel(workspaceId, channelId);
  if (!channel) throw notFound('channel', channelId);
  if (!channel.enabled) throw new CasekitError('conflict', `The channel "${channel.name}" is disabled; it takes no messages until it is enabled again.`);
  return channel;
}

/**
 * The conversation an inbound message continues: the first of its references stored on this
 * channel, else the conversation its reply token names, else the provider's thread, else (unless
 * it is a new topic) the customer's latest conversation on the channel.
 */
async function findThread(tx: StoreReader, input: InboundMessage, channel: ChannelRecord, customer: Customer): Promise<Conversation | null> {
  const { workspaceId } = input;
  const own = (conversation: Conversation | null) => (conversation && conversation.customerId === customer.id && conversation.channelId === channel.id ? conversation : null);
  for (const reference of (input.references ?? []).slice(0, MAX_REFERENCES)) {
    const earlier = await tx.findMessageByProviderId(workspaceId, channel.id, reference);
    const conversation = earlier && own(await tx.getConversation(workspaceId, earlier.conversationId));
    if (conversation) return conversation;
  }
  if (input.replyToken) {
    const conversation = own(await tx.getConversation(workspaceId, input.replyToken));
    if (conversation) return conversation;
  }
  if (input.threadKey) return own(await tx.findConversationByThread(workspaceId, channel.id, input.threadKey));
  if (input.newTopic) return null;
  return own(await tx.findLatestConversation(workspaceId, customer.id, channel.id));
}

/**
 * Finds the sender by channel identity (`byIdentity`, read already), then email, then phone;
 * creates a profile when none matches (`isNew`: it has no conversation or case yet).
 */
async function resolveCustomer({ tx, emit, at }: Step, input: InboundMessage, channel: ChannelRecord, byIdentity: Customer | null): Promise<{ customer: Customer; isNew: boolean }> {
  const { workspaceId } = input;
  const email = input.from.email?.toLowerCase();
  const phone = input.from.phone;
  const identity: ChannelIdentity = { channelId: channel.id, kind: channel.medium, externalId: input.from.externalId };
  if (byIdentity) return { customer: byIdentity, isNew: false };
  const known =
    (email ? await tx.findCustomerByEmail(workspaceId, email) : null) ??
    (phone ? await tx.findCustomerByPhone(workspaceId, phone) : null);
  if (known) {
    const updated: Customer = { ...known, identities: [...known.identities, identity], updatedAt: at };
    await tx.updateCustomer(updated);
    await emit({ type: 'customer.updated', workspaceId, at, actorId: null, caseId: null, customerId: updated.id, data: { customer: updated } });
    return { customer: updated, isNew: false };
  }
  const customer: Customer = {
    id: newId('cu'),
    workspaceId,
    name: input.from.name ?? email ?? phone ?? input.from.externalId,
    emails: email ? [email] : [],
    phones: phone ? [phone] : [],
    identities: [identity],
    splynxId: null,
    attributes: {},
    createdAt: at,
    updatedAt: at,
  };
  await tx.insertCustomer(customer);
  await emit({ type: 'customer.created', workspaceId, at, actorId: null, caseId: null, customerId: customer.id, data: { customer } });
  return { customer, isNew: true };
}

/**
 * One inbound message, one transaction: de-duplicate on the provider's and the sender's message
 * id, resolve the customer, thread into a conversation and a case (reopening one solved within
 * the window), append the message and its events.
 */
export function ingest(ctx: EngineContext, input: InboundMessage): Promise<IngestResult> {
  const { workspaceId } = input;
  return ctx.run(workspaceId, async (step) => {
    const { tx, emit, now, at } = step;
    // Read inside the transaction: the reads are consistent with the writes that follow. The
    // first ones do not depend on each other and are asked at once (a store may batch them).
    const [channel, workspace, seen, sender] = await Promise.all([
      requireChannel(tx, workspaceId, input.channelId),
      tx.getWorkspace(workspaceId),
      input.providerMessageId ? tx.findMessageByProviderId(workspaceId, input.channelId, input.providerMessageId) : null,
      input.customerId ? tx.getCustomer(workspaceId, input.customerId) : tx.findCustomerByIdentity(workspaceId, input.channelId, input.from.externalId),
    ]);
    const windowMs = (workspace?.settings.reopenWindowHours ?? ctx.defaultReopenHours) * 3_600_000;
    const duplicateOf = async (message: Message): Promise<IngestResult> => {
      const [kase, customer] = await Promise.all([tx.getCase(workspaceId, message.caseId), tx.getCustomer(workspaceId, message.customerId)]);
      return { message, case: kase!, customer: customer!, duplicate: true };
    };
    if (seen) return duplicateOf(seen);
    let customer: Customer;
    // A profile made for this message has no conversation, case or agent to look for.
    let isNew = false;
    if (input.customerId) {
      if (!sender) throw notFound('customer', input.customerId);
      customer = sender;
    } else {
      ({ customer, isNew } = await resolveCustomer(step, input, channel, sender));
    }
    if (input.clientMessageId && !isNew) {
      const seen = await tx.findMessageByClientId(workspaceId, customer.id, input.clientMessageId);
      if (seen) return duplicateOf(seen);
    }
    if (input.requireCurrentCustomer && input.customerId && customer.id !== input.customerId) throw notFound('customer', input.customerId);

    // Threading: the message's thread while its case is active or recently solved (an
    // auto-reply stays on its thread whatever the case's status, and never reopens it); else,
    // unless it is a new topic, the customer's active case on any channel; else a new case.
    let conversation = isNew ? null : await findThread(tx, input, channel, customer);
    let kase = conversation ? await tx.getCase(workspaceId, conversation.caseId) : null;
    let reopened = false;
    if (kase && (!ACTIVE_STATUSES.has(kase.status) || kase.customerId !== customer.id)) {
      const solvedRecently =
        kase.customerId === customer.id && kase.status === 'solved' && kase.solvedAt !== null && now.getTime() - Date.parse(kase.solvedAt) <= windowMs;
      // An auto-reply or bounce stays with what it answers, even a closed case, and changes nothing there.
      const keepsThread = input.automated === true && kase.customerId === customer.id;
      if (solvedRecently && !input.automated) reopened = true;
      else if (!keepsThread) kase = conversation = null;
    }
    if (!kase && !input.newTopic && !isNew) {
      kase = await tx.findActiveCase(workspaceId, customer.id);
      conversation = null;
    }

    const preview = previewOf(input.text);
    let created = false;
    // Billing facts (an overdue invoice, a blocked account) are customer attributes to rules and automations.
    const facts = { ...customer.attributes, ...billingFacts(await billingAccountOf(tx, workspaceId, customer), at.slice(0, 10)) };
    if (!kase) {
      created = true;
      // Rules see what the case looks like when it opens: its channel, first words and customer.
      const routed = routeNewCase(workspace?.settings.routing ?? DEFAULT_ROUTING, customer, facts, channel.medium, [input.subject, input.text].filter(Boolean).join('\n'));
      kase = {
        id: newId('c'),
        workspaceId,
        number: await tx.nextCaseNumber(workspaceId),
        subject: (input.subject?.trim() || preview).slice(0, 300),
        status: 'new',
        priority: routed.priority,
        customerId: customer.id,
        // A channel's bot takes its new cases first (see bots.ts); routing then skips them.
        assigneeId: await botTakingNewCases(tx, workspaceId, channel.id),
        team: routed.team,
        skills: routed.skills,
        language: routed.language,
        previousAgentId: isNew ? null : await previousAgentOf(tx, workspaceId, customer.id),
        tags: routed.tags,
        channels: [],
        preview,
        messageCount: 0,
        createdAt: at,
        updatedAt: at,
        lastActivityAt: at,
        solvedAt: null,
        version: 1,
      };
    }
    const isNewConversation = !conversation;
    conversation ??= {
      id: newId('cv'),
      workspaceId,
      caseId: kase.id,
      customerId: customer.id,
      channelId: channel.id,
      channelKind: channel.medium,
      externalThreadId: input.threadKey ?? null,
      createdAt: at,
      lastMessageAt: at,
    } satisfies Conversation;

    const message: Message = {
      id: newId('m'),
      workspaceId,
      caseId: kase.id,
      conversationId: conversation.id,
      customerId: customer.id,
      channelId: channel.id,
      channelKind: channel.medium,
      direction: 'inbound',
      authorKind: input.authorKind ?? 'customer',
      authorId: null,
      authorName: input.from.name ?? customer.name,
      internal: false,
      text: input.text,
      attachments: input.attachments ?? [],
      providerMessageId: input.providerMessageId ?? null,
      clientMessageId: input.clientMessageId ?? null,
      status: 'delivered',
      ...(input.subject !== undefined && { subject: input.subject.slice(0, 998) }),
      ...(input.html !== undefined && { html: input.html }),
      ...(input.headers && { headers: input.headers }),
      createdAt: at,
    };
    const before = kase;
    const status: CaseStatus = reopened || (kase.status === 'pending' && !input.automated) ? 'open' : kase.status;
    const received: Case = stampQueue(created ? null : kase, {
      ...kase,
      status,
      solvedAt: status === 'solved' ? kase.solvedAt : null,
      channels: unique([...kase.channels, channel.medium]),
      preview,
      messageCount: kase.messageCount + 1,
      lastActivityAt: at,
      updatedAt: at,
      version: created ? 1 : kase.version + 1,
    }, at);
    const inbound = { lastMessageAt: at, lastInboundAt: at, lastInboundMessageId: message.id };
    // Automations act on what the customer wrote, in this transaction: a repeated message runs none twice.
    const automations = workspace?.settings.routing?.automations ?? [];
    const trigger = input.automated ? null : created ? 'case.created' : reopened ? 'case.reopened' : 'message.received';
    const automated =
      trigger && automations.length > 0
        ? runAutomations(automations, {
            trigger,
            kase: received,
            facts: { channel: channel.medium, firstMessage: [input.subject, input.text].filter(Boolean).join('\n'), language: received.language ?? null, attributes: facts },
            conversation: { ...conversation, ...inbound },
            sender: workspace?.settings.displayName ?? DEFAULT_SETTINGS.displayName,
            at,
          })
        : null;
    // An auto-reply or bounce is nobody waiting for an answer; a bot writing for the customer is.
    const after = await withSla(step, created ? null : before, automated?.kase ?? received, input.automated ? undefined : 'customer_message');
    const base = { workspaceId, at, actorId: null, caseId: after.id, customerId: customer.id };
    // Parents before children: case, conversation, message.
    if (created) await tx.insertCase(after);
    if (isNewConversation) await tx.insertConversation({ ...conversation, ...inbound });
    else await tx.updateConversation({ ...conversation, ...inbound });
    await tx.insertMessage(message);
    if (created) {
      await emit({ ...base, type: 'case.created', data: { case: after } });
    } else {
      await tx.updateCase(after, before.version);
      const changes = diff(before, after, ['status', 'solvedAt', 'queuedAt', 'priority', 'team', 'tags']);
      if (Object.keys(changes).length > 0) await emit({ ...base, type: 'case.updated', data: { case: after, changes } });
    }
    await emit({ ...base, type: 'message.created', data: { message, case: after } });
    for (const reply of automated?.messages ?? []) {
      await tx.insertMessage(reply);
      await queueDelivery(tx, reply, at);
      await emit({ ...base, type: 'message.created', data: { message: reply, case: after } });
    }
    return { message, case: after, customer, duplicate: false };
  });
}
