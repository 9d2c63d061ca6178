import { checkMessageQuery, type MessageQuery, type StoreReader, type StoreTx } from '@casekit/core';
import { CasekitError, type Conversation, type Message } from '@casekit/protocol';
import { customerResolver, familyOf } from './customers.ts';
import { CASE_SK, caseConversationsPk, casePk, customerChannelPk, CONVERSATION_SK, conversationPk, customerPk, messageSk, UNIQUE_SK, uniquePk } from './keys.ts';
import { checkLimit, decodeCursor, encodeCursor, mergedPage, type Source } from './lists.ts';
import { docOf, getItem, heldHere, queryPrefix, type Context } from './table.ts';
import type { Item, WriteSet } from './write-set.ts';
import { ABSENT, PRESENT, tick, toMs } from './writes.ts';

const MESSAGE_CURSOR = /^msg#\d{20}#[^#]+$/;
const byOrd = (a: Item, b: Item) => (a.ord as number) - (b.ord as number);

/** Who a client message id belongs to: the agent who wrote it, else the customer. */
const clientScope = (message: Message) => message.authorId ?? message.customerId;

/**
 * What a read returns for stored conversations and messages: the customer as its surviving
 * profile, and a message's case as its conversation's (a case move moves conversations only).
 */
function presenter(ctx: Context, ws: string) {
  const resolve = customerResolver(ctx, ws);
  const cases = new Map<string, Promise<string | null>>();
  const caseOf = (conversationId: string) => {
    let caseId = cases.get(conversationId);
    if (!caseId) {
      caseId = getItem(ctx, conversationPk(ws, conversationId), CONVERSATION_SK).then((item) => docOf<Conversation>(item)?.caseId ?? null);
      cases.set(conversationId, caseId);
    }
    return caseId;
  };
  return {
    caseOf,
    /** Records a conversation's case, read with it elsewhere (a case's conversation copies). */
    knowCase: (conversationId: string, caseId: string) => void cases.set(conversationId, Promise.resolve(caseId)),
    /** Reads the customers of many items in one batch, before they are presented. */
    prime: (items: readonly Item[]) => resolve.prime(items.map((item) => item.customerId as string)),
    conversation: async (item: Item): Promise<Conversation> => {
      const conversation = docOf<Conversation>(item)!;
      return { ...conversation, customerId: await resolve(conversation.customerId) };
    },
    message: async (item: Item): Promise<Message> => {
      const message = docOf<Message>(item)!;
      const [customerId, caseId] = await Promise.all([resolve(message.customerId), caseOf(message.conversationId)]);
      return { ...message, customerId, caseId: caseId ?? message.caseId };
    },
  };
}

/** A conversation's item, as stored and as its `CC#` entry rebuilds it. */
const conversationItem = (ws: string, id: string, doc: string, ord: number): Item => ({ pk: conversationPk(ws, id), sk: CONVERSATION_SK, doc, ord });

async function messageItem(ctx: Context, ws: string, messageId: string): Promise<Item | null> {
  const where = await getItem(ctx, uniquePk(ws, 'message', messageId), UNIQUE_SK);
  return where ? getItem(ctx, where.conversationPk as string, where.messageSk as string) : null;
}

type ConversationReads = Pick<
  StoreReader,
  'getConversation' | 'listConversations' | 'findLatestConversation' | 'findConversationByThread' | 'getMessage' | 'findMessageByProviderId' | 'findMessageByClientId' | 'listMessages'
>;

/** Conversation and message reads. */
export function createConversationReads(ctx: Context): ConversationReads {
  const getConversation = async (ws: string, id: string) => {
    const item = await getItem(ctx, conversationPk(ws, id), CONVERSATION_SK);
    return item ? presenter(ctx, ws).conversation(item) : null;
  };
  const getMessage = async (ws: string, id: string) => {
    const item = await messageItem(ctx, ws, id);
    return item ? presenter(ctx, ws).message(item) : null;
  };
  const byMarker = async (ws: string, pk: string) => {
    const marker = await getItem(ctx, pk, UNIQUE_SK);
    if (!marker) return null;
    // Markers written since they carry the message's place skip the U#message read.
    if (marker.messageSk === undefined) return getMessage(ws, marker.owner as string);
    const item = await getItem(ctx, marker.conversationPk as string, marker.messageSk as string);
    return item ? presenter(ctx, ws).message(item) : null;
  };
  return {
    getConversation,
    async listConversations(ws, caseId) {
      const present = presenter(ctx, ws);
      const entries = (await queryPrefix(ctx, caseConversationsPk(ws, caseId), '')).sort(byOrd);
      await present.prime(entries);
      return Promise.all(entries.map(present.conversation));
    },
    async findLatestConversation(ws, customerId, channelId) {
      const entries = (await Promise.all((await familyOf(ctx, ws, customerId)).map((id) => queryPrefix(ctx, customerChannelPk(ws, id, channelId), '')))).flat();
      const latest = entries.reduce<Item | null>((a, b) => (!a || (b.at as number) > (a.at as number) || (b.at === a.at && byOrd(b, a) > 0) ? b : a), null);
      if (!latest) return null;
      // Entries written since they carry the conversation's item spare its GetItem (and the one an update makes).
      if (latest.doc !== undefined) {
        const item = conversationItem(ws, latest.sk, latest.doc as string, latest.ord as number);
        if (!ctx.writes) return presenter(ctx, ws).conversation(item);
        if (ctx.writes.pending(item.pk, item.sk) === undefined && ctx.writes.readBefore(item.pk, item.sk) === undefined) ctx.writes.remember(item.pk, item.sk, item);
      }
      return getConversation(ws, latest.sk);
    },
    async findConversationByThread(ws, channelId, externalThreadId) {
      const marker = await getItem(ctx, uniquePk(ws, 'thread', channelId, externalThreadId), UNIQUE_SK);
      return marker ? getConversation(ws, marker.owner as string) : null;
    },
    getMessage,
    findMessageByProviderId: (ws, channelId, providerMessageId) => byMarker(ws, uniquePk(ws, 'provider', channelId, providerMessageId)),
    async findMessageByClientId(ws, scope, clientMessageId) {
      // The scope itself first, then the profile it resolves to and those merged into that one.
      for (const id of new Set([scope, ...(await familyOf(ctx, ws, scope))])) {
        const found = await byMarker(ws, uniquePk(ws, 'client', id, clientMessageId));
        if (found) return found;
      }
      return null;
    },
    async listMessages(ws, query: MessageQuery) {
      checkLimit(query.limit);
      checkMessageQuery(query);
      const after = query.cursor === undefined ? undefined : decodeCursor('message', query.cursor, MESSAGE_CURSOR);
      const present = presenter(ctx, ws);
      let sources: Source[];
      if (query.conversationId !== undefined) sources = [{ pk: conversationPk(ws, query.conversationId), prefix: 'msg#' }];
      else if (query.caseId !== undefined) {
        const entries = await queryPrefix(ctx, caseConversationsPk(ws, query.caseId), '');
        for (const entry of entries) present.knowCase(entry.sk, query.caseId);
        sources = entries.map((c) => ({ pk: conversationPk(ws, c.sk), prefix: 'msg#' }));
      }
      else sources = (await familyOf(ctx, ws, query.customerId!)).map((id) => ({ pk: customerPk(ws, id), index: 'gsi2' as const, prefix: 'msg#' }));
      // What the driving partitions do not already narrow is checked on each message.
      const byConversation = query.conversationId !== undefined;
      const family = query.customerId !== undefined && (byConversation || query.caseId !== undefined) ? new Set(await familyOf(ctx, ws, query.customerId)) : null;
      const caseId = byConversation ? query.caseId : undefined;
      const filtered = query.publicOnly === true || family !== null || caseId !== undefined;
      const accept = async (item: Item) =>
        !(query.publicOnly && item.internal === true) &&
        (family === null || family.has(item.customerId as string)) &&
        (caseId === undefined || (await present.caseOf(docOf<Message>(item)!.conversationId)) === caseId);
      const page = await mergedPage(ctx, sources, { descending: false, ...(after !== undefined && { after }), limit: query.limit, ...(filtered && { accept }) });
      await present.prime(page.items);
      return { items: await Promise.all(page.items.map(present.message)), nextCursor: page.resumeAt === null ? null : encodeCursor('message', page.resumeAt) };
    },
  };
}

type ConversationWrites = Pick<StoreTx, 'insertConversation' | 'updateConversation' | 'moveCaseContents' | 'insertMessage' | 'updateMessageDelivery'>;

/**
 * Conversation and message writes. A conversation is kept three times (itself, under its case,
 * under its customer and channel), so that each lookup is one read; a message once, in its conversation.
 */
export function createConversationWrites(ctx: Context & { writes: WriteSet }): ConversationWrites {
  const { writes } = ctx;
  const conflict = (message: string) => new CasekitError('conflict', message);

  async function requireCase(ws: string, caseId: string, of: string): Promise<void> {
    if (!(await getItem(ctx, casePk(ws, caseId), CASE_SK))) throw new CasekitError('not_found', `Case "${caseId}" of ${of} was not found.`);
  }

  /** Writes `conversation` and its copies, removing the copies and thread lookup `old` had elsewhere. */
  async function writeConversation(conversation: Conversation, old: Item | null): Promise<void> {
    const ws = conversation.workspaceId;
    const at = toMs(conversation.lastMessageAt, 'lastMessageAt');
    const ord = old ? (old.ord as number) : tick();
    const before = docOf<Conversation>(old);
    const doc = JSON.stringify(conversation);
    const exists = `A conversation with id "${conversation.id}" already exists.`;
    writes.put(conversationItem(ws, conversation.id, doc, ord), old ? PRESENT(`Conversation "${conversation.id}" was removed meanwhile.`) : ABSENT(exists));
    if (before && before.caseId !== conversation.caseId) writes.delete(caseConversationsPk(ws, before.caseId), conversation.id);
    writes.put({ pk: caseConversationsPk(ws, conversation.caseId), sk: conversation.id, doc, ord, customerId: conversation.customerId });
    if (before && (before.customerId !== conversation.customerId || before.channelId !== conversation.channelId)) {
      writes.delete(customerChannelPk(ws, before.customerId, before.channelId), conversation.id);
    }
    writes.put({ pk: customerChannelPk(ws, conversation.customerId, conversation.channelId), sk: conversation.id, ord, at, doc });
    const thread = (c: Conversation) => (c.externalThreadId ? uniquePk(ws, 'thread', c.channelId, c.externalThreadId) : null);
    const [oldThread, newThread] = [before && thread(before), thread(conversation)];
    if (oldThread === newThread) return;
    if (oldThread && (await getItem(ctx, oldThread, UNIQUE_SK))?.owner === conversation.id) writes.delete(oldThread, UNIQUE_SK);
    // A thread key names the conversation that took it last.
    if (newThread) writes.put({ pk: newThread, sk: UNIQUE_SK, owner: conversation.id });
  }

  return {
    async insertConversation(conversation) {
      const ws = conversation.workspaceId;
      toMs(conversation.lastMessageAt, 'lastMessageAt');
      if (heldHere(ctx, conversationPk(ws, conversation.id), CONVERSATION_SK)) throw conflict(`A conversation with id "${conversation.id}" already exists.`);
      await requireCase(ws, conversation.caseId, `conversation "${conversation.id}"`);
      await writeConversation(conversation, null);
    },

    async updateConversation(conversation) {
      const ws = conversation.workspaceId;
      toMs(conversation.lastMessageAt, 'lastMessageAt');
      const old = await getItem(ctx, conversationPk(ws, conversation.id), CONVERSATION_SK);
      if (!old) throw new CasekitError('not_found', `Conversation "${conversation.id}" was not found.`);
      await requireCase(ws, conversation.caseId, `conversation "${conversation.id}"`);
      await writeConversation(conversation, old);
    },

    async moveCaseContents(ws, sourceCaseId, targetCaseId) {
      await requireCase(ws, targetCaseId, 'the move');
      // Conversations move; their messages follow them, as a message's case is its conversation's.
      for (const entry of await queryPrefix(ctx, caseConversationsPk(ws, sourceCaseId), '')) {
        const old = await getItem(ctx, conversationPk(ws, entry.sk), CONVERSATION_SK);
        if (old) await writeConversation({ ...docOf<Conversation>(old)!, caseId: targetCaseId }, old);
      }
    },

    async insertMessage(message) {
      const ws = message.workspaceId;
      const taken = (what: string) => `A message with ${what} is already stored.`;
      const byId = taken(`id "${message.id}"`);
      // A new id: its `attribute_not_exists` conditions below guard against a stored one at commit.
      if (heldHere(ctx, uniquePk(ws, 'message', message.id), UNIQUE_SK)) throw conflict(byId);
      const provider = message.providerMessageId === null ? null : uniquePk(ws, 'provider', message.channelId, message.providerMessageId);
      const byProvider = taken(`provider message id "${message.providerMessageId}" on channel "${message.channelId}"`);
      if (provider && (await getItem(ctx, provider, UNIQUE_SK))) throw conflict(byProvider);
      const byClient = taken(`client message id "${message.clientMessageId}" from the same sender`);
      if (message.clientMessageId !== null) {
        // A retry from a merged-away profile is still the same sender.
        for (const scope of await familyOf(ctx, ws, clientScope(message))) {
          if (await getItem(ctx, uniquePk(ws, 'client', scope, message.clientMessageId), UNIQUE_SK)) throw conflict(byClient);
        }
      }
      await requireCase(ws, message.caseId, `message "${message.id}"`);
      if (!(await getItem(ctx, conversationPk(ws, message.conversationId), CONVERSATION_SK))) {
        throw new CasekitError('not_found', `Conversation "${message.conversationId}" of message "${message.id}" was not found.`);
      }
      const pk = conversationPk(ws, message.conversationId);
      const sk = messageSk(tick(), message.id);
      writes.put({ pk, sk, doc: JSON.stringify(message), internal: message.internal, customerId: message.customerId, gsi2pk: customerPk(ws, message.customerId), gsi2sk: sk }, ABSENT(byId));
      writes.put({ pk: uniquePk(ws, 'message', message.id), sk: UNIQUE_SK, owner: message.id, conversationPk: pk, messageSk: sk }, ABSENT(byId));
      const place = { owner: message.id, conversationPk: pk, messageSk: sk };
      // Taken by another node since they were read (a provider's retry that reached two nodes at
      // once): run again, and the engine's fresh look finds the stored message, a duplicate.
      if (provider) writes.put({ pk: provider, sk: UNIQUE_SK, ...place }, { ...ABSENT(byProvider), retryable: true });
      if (message.clientMessageId !== null) writes.put({ pk: uniquePk(ws, 'client', clientScope(message), message.clientMessageId), sk: UNIQUE_SK, ...place }, { ...ABSENT(byClient), retryable: true });
    },

    async updateMessageDelivery(ws, messageId, delivery) {
      const item = await messageItem(ctx, ws, messageId);
      if (!item) throw new CasekitError('not_found', `Message "${messageId}" was not found.`);
      const stored = docOf<Message>(item)!;
      const { status, providerMessageId, headers, deliveryError } = delivery;
      if (providerMessageId !== undefined && providerMessageId !== stored.providerMessageId) {
        if (providerMessageId !== null) {
          const pk = uniquePk(ws, 'provider', stored.channelId, providerMessageId);
          const byProvider = `A message with provider message id "${providerMessageId}" on channel "${stored.channelId}" is already stored.`;
          if (await getItem(ctx, pk, UNIQUE_SK)) throw conflict(byProvider);
          writes.put({ pk, sk: UNIQUE_SK, owner: messageId, conversationPk: item.pk, messageSk: item.sk }, ABSENT(byProvider));
        }
        if (stored.providerMessageId !== null) writes.delete(uniquePk(ws, 'provider', stored.channelId, stored.providerMessageId), UNIQUE_SK);
      }
      const { deliveryError: _cleared, ...kept } = stored;
      const base = deliveryError === null ? kept : stored;
      const updated: Message = {
        ...base,
        status,
        ...(providerMessageId !== undefined && { providerMessageId }),
        ...(headers && { headers }),
        ...(deliveryError && { deliveryError }),
      };
      writes.put({ ...item, doc: JSON.stringify(updated) }, PRESENT(`Message "${messageId}" was removed meanwhile.`));
    },
  };
}
