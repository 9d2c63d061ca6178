import {
  CASE_TRANSITIONS,
  CasekitError,
  DELIVERY_STATUSES,
  type Agent,
  type Case,
  type CaseChanges,
  type CaseEvent,
  type CaseStatus,
  type ChannelIdentity,
  type Conversation,
  type Customer,
  type DeliveryStatus,
  type Message,
  type NewCaseEvent,
} from '@casekit/protocol';
import { newId } from './ids.ts';
import type { ChannelRecord, Clock, Publisher, Store, StoreReader, StoreTx } from './ports.ts';
import type { Actor, CaseEngine, CaseUpdate, IngestResult, InboundMessage, NoteInput, ReplyInput } from './types.ts';

export interface CaseEngineOptions {
  store: Store;
  /** Receives each transaction's events after it commits. */
  publisher?: Publisher;
  clock?: Clock;
  /** Reopen window used when a workspace has no settings (hours). Default 72. */
  defaultReopenWindowHours?: number;
}

const ACTIVE_STATUSES: ReadonlySet<CaseStatus> = new Set(['new', 'open', 'pending', 'on_hold']);
const PREVIEW_LENGTH = 140;
const systemClock: Clock = { now: () => new Date() };

/** The first line of a message, trimmed for lists. */
function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat;
}

function notFound(what: string, id: string): CasekitError {
  return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
}

/** Throws `invalid_transition` unless the lifecycle allows `from` → `to`. */
export function assertTransition(from: CaseStatus, to: CaseStatus): void {
  if (from === to) return;
  const allowed: readonly CaseStatus[] = CASE_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    throw new CasekitError('invalid_transition', `A ${from} case cannot become ${to}.`, {
      details: { from, to, allowed },
    });
  }
}

/** True when `next` may replace `current`: statuses only move forward; `failed` never follows `read`. */
export function isForwardStatus(current: DeliveryStatus, next: DeliveryStatus): boolean {
  if (current === next) return false;
  if (next === 'failed') return current !== 'read' && current !== 'failed';
  if (current === 'failed') return false;
  return DELIVERY_STATUSES.indexOf(next) > DELIVERY_STATUSES.indexOf(current);
}

function diff<T extends object>(before: T, after: T, keys: readonly (keyof T)[]): CaseChanges {
  const changes: CaseChanges = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key as string] = [before[key], after[key]];
  }
  return changes;
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/**
 * Creates the case engine: every method is one store transaction whose events are published
 * after the commit.
 * @example const engine = createCaseEngine({ store: await createSqliteStore({ filename }) })
 */
export function createCaseEngine(options: CaseEngineOptions): CaseEngine {
  const { store, publisher } = options;
  const clock = options.clock ?? systemClock;
  const defaultReopenHours = options.defaultReopenWindowHours ?? 72;

  /** Runs `fn` in a transaction with an event sink, then publishes what it appended. */
  async function run<T>(fn: (tx: StoreTx, emit: (event: NewCaseEvent) => Promise<void>, now: Date) => Promise<T>): Promise<T> {
    const events: CaseEvent[] = [];
    const now = clock.now();
    const result = await store.transaction(async (tx) => {
      events.length = 0;
      return fn(tx, async (event) => void events.push(await tx.appendEvent(event)), now);
    });
    if (events.length > 0) publisher?.publish(events);
    return result;
  }

  async function requireChannel(reader: StoreReader, workspaceId: string, channelId: string): Promise<ChannelRecord> {
    const channel = await reader.getChannel(workspaceId, channelId);
    if (!channel) throw notFound('channel', channelId);
    return channel;
  }

  /** Finds the sender by channel identity, then email, then phone; creates a profile when none matches. */
  async function resolveCustomer(
    tx: StoreTx,
    input: InboundMessage,
    channel: ChannelRecord,
    at: string,
    emit: (event: NewCaseEvent) => Promise<void>,
  ): Promise<Customer> {
    const { workspaceId } = input;
    const email = input.from.email?.toLowerCase();
    const phone = input.from.phone;
    const identity: ChannelIdentity = { channelId: channel.id, kind: channel.kind, externalId: input.from.externalId };
    const byIdentity = await tx.findCustomerByIdentity(workspaceId, channel.id, input.from.externalId);
    if (byIdentity) return byIdentity;
    const known =
      (email ? await tx.findCustomerByEmail(workspaceId, email) : null) ??
      (phone ? await tx.findCustomerByPhone(workspaceId, phone) : null);
    if (known) {
      const updated: Customer = { ...known, identities: [...known.identities, identity], updatedAt: at };
      await tx.updateCustomer(updated);
      await emit({ type: 'customer.updated', workspaceId, at, actorId: null, caseId: null, customerId: updated.id, data: { customer: updated } });
      return updated;
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
    return customer;
  }

  async function reopenWindowMs(reader: StoreReader, workspaceId: string): Promise<number> {
    const workspace = await reader.getWorkspace(workspaceId);
    return (workspace?.settings.reopenWindowHours ?? defaultReopenHours) * 3_600_000;
  }

  async function ingest(input: InboundMessage): Promise<IngestResult> {
    const { workspaceId } = input;
    return run(async (tx, emit, now) => {
      // Read inside the transaction: the write connection's cache is warm, and the reads are
      // consistent with the writes that follow.
      const channel = await requireChannel(tx, workspaceId, input.channelId);
      const windowMs = await reopenWindowMs(tx, workspaceId);
      const at = now.toISOString();
      const duplicateOf = async (message: Message): Promise<IngestResult> => {
        const [kase, customer] = await Promise.all([tx.getCase(workspaceId, message.caseId), tx.getCustomer(workspaceId, message.customerId)]);
        return { message, case: kase!, customer: customer!, duplicate: true };
      };
      if (input.providerMessageId) {
        const seen = await tx.findMessageByProviderId(workspaceId, channel.id, input.providerMessageId);
        if (seen) return duplicateOf(seen);
      }
      let customer: Customer;
      if (input.customerId) {
        const found = await tx.getCustomer(workspaceId, input.customerId);
        if (!found) throw notFound('customer', input.customerId);
        customer = found;
      } else {
        customer = await resolveCustomer(tx, input, channel, at, emit);
      }
      if (input.clientMessageId) {
        const seen = await tx.findMessageByClientId(workspaceId, customer.id, input.clientMessageId);
        if (seen) return duplicateOf(seen);
      }

      // Threading: the thread's or the channel's latest conversation while its case is active or
      // recently solved; else the customer's active case on any channel; else a new case.
      let conversation = input.threadKey
        ? await tx.findConversationByThread(workspaceId, channel.id, input.threadKey)
        : await tx.findLatestConversation(workspaceId, customer.id, channel.id);
      let kase = conversation ? await tx.getCase(workspaceId, conversation.caseId) : null;
      let reopened = false;
      if (kase && !ACTIVE_STATUSES.has(kase.status)) {
        const solvedRecently =
          kase.status === 'solved' && kase.solvedAt !== null && now.getTime() - Date.parse(kase.solvedAt) <= windowMs;
        if (solvedRecently) reopened = true;
        else kase = conversation = null;
      }
      if (!kase) {
        kase = await tx.findActiveCase(workspaceId, customer.id);
        conversation = null;
      }

      const preview = previewOf(input.text);
      let created = false;
      if (!kase) {
        created = true;
        kase = {
          id: newId('c'),
          workspaceId,
          number: await tx.nextCaseNumber(workspaceId),
          subject: (input.subject?.trim() || preview).slice(0, 300),
          status: 'new',
          priority: 'normal',
          customerId: customer.id,
          assigneeId: null,
          team: null,
          skills: [],
          tags: [],
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
      if (!conversation) {
        conversation = {
          id: newId('cv'),
          workspaceId,
          caseId: kase.id,
          customerId: customer.id,
          channelId: channel.id,
          channelKind: channel.kind,
          externalThreadId: input.threadKey ?? null,
          createdAt: at,
          lastMessageAt: at,
        };
      }

      const message: Message = {
        id: newId('m'),
        workspaceId,
        caseId: kase.id,
        conversationId: conversation.id,
        customerId: customer.id,
        channelId: channel.id,
        channelKind: channel.kind,
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
        createdAt: at,
      };
      const before = kase;
      const status: CaseStatus = reopened || kase.status === 'pending' ? 'open' : kase.status;
      const after: Case = {
        ...kase,
        status,
        solvedAt: status === 'solved' ? kase.solvedAt : null,
        channels: unique([...kase.channels, channel.kind]),
        preview,
        messageCount: kase.messageCount + 1,
        lastActivityAt: at,
        updatedAt: at,
        version: created ? 1 : kase.version + 1,
      };
      const base = { workspaceId, at, actorId: null, caseId: after.id, customerId: customer.id };
      // Parents before children: case, conversation, message.
      if (created) await tx.insertCase(after);
      if (isNewConversation) {
        await tx.insertConversation(conversation);
      } else {
        await tx.updateConversation({ ...conversation, lastMessageAt: at });
      }
      await tx.insertMessage(message);
      if (created) {
        await emit({ ...base, type: 'case.created', data: { case: after } });
      } else {
        await tx.updateCase(after, before.version);
        const changes = diff(before, after, ['status', 'solvedAt']);
        if (Object.keys(changes).length > 0) await emit({ ...base, type: 'case.updated', data: { case: after, changes } });
      }
      await emit({ ...base, type: 'message.created', data: { message, case: after } });
      return { message, case: after, customer, duplicate: false };
    });
  }

  async function requireCase(tx: StoreTx, workspaceId: string, caseId: string): Promise<Case> {
    const kase = await tx.getCase(workspaceId, caseId);
    if (!kase) throw notFound('case', caseId);
    return kase;
  }

  /** Appends an agent's message (reply or note) and moves the case along with it. */
  async function agentMessage(actor: Actor, input: ReplyInput | NoteInput, internal: boolean): Promise<Message> {
    const { workspaceId, agent } = actor;
    return run(async (tx, emit, now) => {
      const at = now.toISOString();
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
        if (!conversation || conversation.caseId !== kase.id) throw notFound('conversation in this case', conversationId);
      } else {
        const conversations = await tx.listConversations(workspaceId, kase.id);
        conversation = conversations.reduce<Conversation | null>(
          (latest, c) => (!latest || c.lastMessageAt > latest.lastMessageAt ? c : latest),
          null,
        );
        if (!conversation) throw new CasekitError('conflict', `Case #${kase.number} has no conversation to reply on.`);
      }
      const webchat = conversation.channelKind === 'webchat';
      const message: Message = {
        id: newId('m'),
        workspaceId,
        caseId: kase.id,
        conversationId: conversation.id,
        customerId: kase.customerId,
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
      // Writing in a case means having read it: the author's own message never shows as unread.
      await tx.markCaseRead(workspaceId, agent.id, kase.id, at);
      const base = { workspaceId, at, actorId: agent.id, caseId: kase.id, customerId: kase.customerId };
      const changes = diff(kase, after, ['status', 'assigneeId']);
      if (Object.keys(changes).length > 0) await emit({ ...base, type: 'case.updated', data: { case: after, changes } });
      await emit({ ...base, type: 'message.created', data: { message, case: after } });
      return message;
    });
  }

  async function updateCase(actor: Actor, caseId: string, update: CaseUpdate): Promise<Case> {
    const { workspaceId } = actor;
    return run(async (tx, emit, now) => {
      const kase = await requireCase(tx, workspaceId, caseId);
      if (update.version !== kase.version) {
        throw new CasekitError('version_conflict', `Case #${kase.number} changed since version ${update.version}; reload it (now version ${kase.version}).`, {
          details: { currentVersion: kase.version },
        });
      }
      if (update.status !== undefined) assertTransition(kase.status, update.status);
      if (update.assigneeId) {
        const assignee = await tx.getAgent(workspaceId, update.assigneeId);
        if (!assignee) {
          throw new CasekitError('validation_failed', `No agent with id "${update.assigneeId}" to assign.`, {
            details: { issues: [{ path: 'body.assigneeId', message: 'unknown agent' }] },
          });
        }
      }
      const at = now.toISOString();
      const next: Case = {
        ...kase,
        ...(update.status !== undefined && { status: update.status }),
        ...(update.priority !== undefined && { priority: update.priority }),
        ...(update.assigneeId !== undefined && { assigneeId: update.assigneeId }),
        ...(update.team !== undefined && { team: update.team }),
        ...(update.tags !== undefined && { tags: unique(update.tags) }),
        ...(update.subject !== undefined && { subject: update.subject }),
      };
      if (next.status !== kase.status) next.solvedAt = next.status === 'solved' ? at : next.status === 'closed' ? kase.solvedAt : null;
      const changes = diff(kase, next, ['status', 'priority', 'assigneeId', 'team', 'tags', 'subject']);
      if (Object.keys(changes).length === 0) return kase;
      const after: Case = { ...next, updatedAt: at, version: kase.version + 1 };
      await tx.updateCase(after, kase.version);
      await emit({ type: 'case.updated', workspaceId, at, actorId: actor.agent.id, caseId, customerId: kase.customerId, data: { case: after, changes } });
      return after;
    });
  }

  async function mergeCases(actor: Actor, sourceCaseId: string, targetCaseId: string): Promise<Case> {
    const { workspaceId } = actor;
    if (sourceCaseId === targetCaseId) throw new CasekitError('bad_request', 'A case cannot be merged into itself.');
    return run(async (tx, emit, now) => {
      const source = await requireCase(tx, workspaceId, sourceCaseId);
      const target = await requireCase(tx, workspaceId, targetCaseId);
      if (source.status === 'closed' || target.status === 'closed') {
        throw new CasekitError('invalid_transition', 'Closed cases cannot be merged.');
      }
      const at = now.toISOString();
      await tx.moveCaseContents(workspaceId, source.id, target.id);
      const mergedTarget: Case = {
        ...target,
        channels: unique([...target.channels, ...source.channels]),
        tags: unique([...target.tags, ...source.tags]),
        messageCount: target.messageCount + source.messageCount,
        lastActivityAt: source.lastActivityAt > target.lastActivityAt ? source.lastActivityAt : target.lastActivityAt,
        updatedAt: at,
        version: target.version + 1,
      };
      const closedSource: Case = {
        ...source,
        status: 'closed',
        tags: unique([...source.tags, 'merged']),
        messageCount: 0,
        updatedAt: at,
        version: source.version + 1,
      };
      await tx.updateCase(mergedTarget, target.version);
      await tx.updateCase(closedSource, source.version);
      const base = { workspaceId, at, actorId: actor.agent.id };
      await emit({ ...base, type: 'case.merged', caseId: target.id, customerId: target.customerId, data: { sourceCaseId: source.id, targetCaseId: target.id } });
      await emit({ ...base, type: 'case.updated', caseId: source.id, customerId: source.customerId, data: { case: closedSource, changes: diff(source, closedSource, ['status', 'tags']) } });
      await emit({ ...base, type: 'case.updated', caseId: target.id, customerId: target.customerId, data: { case: mergedTarget, changes: diff(target, mergedTarget, ['channels', 'tags', 'messageCount']) } });
      return mergedTarget;
    });
  }

  async function mergeCustomers(actor: Actor, targetId: string, sourceId: string): Promise<Customer> {
    const { workspaceId } = actor;
    return run(async (tx, emit, now) => {
      const target = await tx.getCustomer(workspaceId, targetId);
      if (!target) throw notFound('customer', targetId);
      const source = await tx.getCustomer(workspaceId, sourceId);
      if (!source) throw notFound('customer', sourceId);
      if (source.id === target.id) throw new CasekitError('bad_request', 'These ids are already the same customer.');
      const at = now.toISOString();
      await tx.mergeCustomer(workspaceId, source.id, target.id);
      const merged: Customer = {
        ...target,
        name: target.name || source.name,
        emails: unique([...target.emails, ...source.emails]),
        phones: unique([...target.phones, ...source.phones]),
        identities: [...target.identities, ...source.identities],
        splynxId: target.splynxId ?? source.splynxId,
        attributes: { ...source.attributes, ...target.attributes },
        updatedAt: at,
      };
      await tx.updateCustomer(merged);
      const base = { workspaceId, at, actorId: actor.agent.id, caseId: null, customerId: merged.id };
      await emit({ ...base, type: 'customer.merged', data: { sourceId: source.id, targetId: merged.id } });
      await emit({ ...base, type: 'customer.updated', data: { customer: merged } });
      return merged;
    });
  }

  return {
    ingest,
    reply: (actor, input) => agentMessage(actor, input, false),

    async markCaseRead(actor, caseId) {
      const { workspaceId } = actor;
      const now = clock.now().toISOString();
      return store.transaction(async (tx) => {
        const kase = await requireCase(tx, workspaceId, caseId);
        // Read up to everything there is, even if another node's clock ran ahead of this one.
        const at = kase.lastActivityAt > now ? kase.lastActivityAt : now;
        await tx.markCaseRead(workspaceId, actor.agent.id, caseId, at);
        return at;
      });
    },
    addNote: (actor, input) => agentMessage(actor, input, true),
    updateCase,
    mergeCases,
    mergeCustomers,

    async updateCustomer(actor, customerId, patch) {
      const { workspaceId } = actor;
      return run(async (tx, emit, now) => {
        const customer = await tx.getCustomer(workspaceId, customerId);
        if (!customer) throw notFound('customer', customerId);
        const updated: Customer = {
          ...customer,
          ...patch,
          ...(patch.emails && { emails: unique(patch.emails.map((e) => e.toLowerCase())) }),
          ...(patch.phones && { phones: unique(patch.phones) }),
          updatedAt: now.toISOString(),
        };
        await tx.updateCustomer(updated);
        await emit({ type: 'customer.updated', workspaceId, at: updated.updatedAt, actorId: actor.agent.id, caseId: null, customerId: updated.id, data: { customer: updated } });
        return updated;
      });
    },

    async createCustomer(input) {
      return run(async (tx, emit, now) => {
        const at = now.toISOString();
        const customer: Customer = {
          id: newId('cu'),
          workspaceId: input.workspaceId,
          name: input.name,
          emails: unique((input.emails ?? []).map((e) => e.toLowerCase())),
          phones: unique(input.phones ?? []),
          identities: input.identities ?? [],
          splynxId: null,
          attributes: input.attributes ?? {},
          createdAt: at,
          updatedAt: at,
        };
        await tx.insertCustomer(customer);
        await emit({ type: 'customer.created', workspaceId: input.workspaceId, at, actorId: null, caseId: null, customerId: customer.id, data: { customer } });
        return customer;
      });
    },

    async setPresence(workspaceId, agentId, presence) {
      return run(async (tx, emit, now) => {
        const agent = await tx.getAgent(workspaceId, agentId);
        if (!agent) throw notFound('agent', agentId);
        if (agent.presence === presence) return stripSecret(agent);
        const updated = { ...agent, presence };
        await tx.updateAgent(updated);
        await emit({ type: 'agent.presence', workspaceId, at: now.toISOString(), actorId: agentId, caseId: null, customerId: null, data: { agentId, presence } });
        return stripSecret(updated);
      });
    },

    async updateDeliveryStatus(workspaceId, messageId, status) {
      return run(async (tx, emit, now) => {
        const message = await tx.getMessage(workspaceId, messageId);
        if (!message) throw notFound('message', messageId);
        if (!isForwardStatus(message.status, status)) return null;
        await tx.updateMessageStatus(workspaceId, messageId, status);
        await emit({
          type: 'message.status',
          workspaceId,
          at: now.toISOString(),
          actorId: null,
          caseId: message.caseId,
          customerId: message.customerId,
          data: { messageId, status, internal: message.internal },
        });
        return { ...message, status };
      });
    },
  };
}

function stripSecret(agent: Agent & { passwordHash?: string | null }): Agent {
  const { passwordHash: _hash, ...rest } = agent;
  return rest;
}
