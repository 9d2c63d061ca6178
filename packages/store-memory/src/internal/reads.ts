import { ACTIVE_STATUSES, checkMessageQuery, customerSearchQuery, foldDiacritics, type IntegrationRecord, type CustomerSearch, type StoreReader } from '@casekit/core';
import type { Case, CaseEvent, Conversation, Customer, Message } from '@casekit/protocol';
import { listCases } from './case-list.ts';
import { decodePositionCursor, encodeCursor } from './cursor.ts';
import { lowerBound } from './table.ts';
import { key, type ConversationRow, type CustomerKeyRow, type CustomerRow, type MessageRow, type RecordRow, type Tables } from './tables.ts';
import { assertLimit, compareCodePoints, copy, pageOf, toIso } from './values.ts';

/** The same methods, without the promise: this store answers synchronously. */
export type Sync<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never };

const MAX_MERGE_HOPS = 64;


/** The surviving id of a possibly merged-away customer (the id itself when unknown). */
function canonicalCustomerId(db: Tables, ws: string, id: string): string {
  let current = id;
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const row = db.customers.get(key(ws, current));
    if (!row || row.mergedInto === null) return current;
    current = row.mergedInto;
  }
  return current;
}

/** The first of `rows` in `compare` order, or null. */
function first<R>(rows: Iterable<R>, compare: (a: R, b: R) => number): R | null {
  let best: R | null = null;
  for (const row of rows) if (best === null || compare(row, best) < 0) best = row;
  return best;
}

/** A stored record as the caller's own copy. */
const recordOf = (row: RecordRow): IntegrationRecord => ({ key: row.key, value: JSON.parse(row.json) as unknown, updatedAt: toIso(row.updatedAt) });

function rowsOf<R>(table: { get(pk: string): R | undefined }, pks: Iterable<string>): R[] {
  const rows: R[] = [];
  for (const pk of pks) rows.push(table.get(pk)!);
  return rows;
}

/** Every read of the port over one copy of the tables. */
export function createReads(db: Tables): Sync<StoreReader> {
  const canonical = (ws: string, id: string) => canonicalCustomerId(db, ws, id);

  function customerById(ws: string, id: string): Customer | null {
    const row = db.customers.get(key(ws, canonical(ws, id)));
    return row && row.mergedInto === null ? copy(row.value) : null;
  }

  function customerByKey(ws: string, kind: CustomerKeyRow['kind'], lookup: string): Customer | null {
    // An identity has one holder; an email or phone may have several: take the first by id.
    const holder = first(
      rowsOf(db.customerKeys, db.customerKeys.by.lookup.get(key(ws, kind, lookup))).map((row) => row.customerId),
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    );
    return holder === null ? null : customerById(ws, holder);
  }

  /** The shortest of the lists that a filter may drive; each holds what the filter lets through. */
  const shortest = <R>(lists: readonly (readonly R[])[]): readonly R[] => lists.reduce((a, b) => (b.length < a.length ? b : a));

  return {
    getWorkspace: (ws) => {
      const workspace = db.workspaces.get(ws);
      return workspace ? copy(workspace) : null;
    },
    getChannel: (ws, id) => {
      const row = db.channels.get(key(ws, id));
      return row ? copy(row.value) : null;
    },
    listChannels: (ws) => db.channels.by.workspace.list(ws).map((row) => copy(row.value)),
    getAgent: (ws, id) => {
      const row = db.agents.get(key(ws, id));
      return row ? copy(row.value) : null;
    },
    getAgentByEmail: (ws, email) => {
      const pk = db.agents.by.email.get(key(ws, email.toLowerCase()));
      return pk === undefined ? null : copy(db.agents.get(pk)!.value);
    },
    listAgents: (ws) => db.agents.by.workspace.list(ws).map((row) => copy(row.value)),

    getCustomer: customerById,
    findCustomerByIdentity: (ws, channelId, externalId) => customerByKey(ws, 'identity', key(channelId, externalId)),
    findCustomerByEmail: (ws, email) => customerByKey(ws, 'email', email.toLowerCase()),
    findCustomerByPhone: (ws, phone) => customerByKey(ws, 'phone', phone),

    getCase: (ws, id) => {
      const row = db.cases.get(key(ws, id));
      return row ? copy(row.value) : null;
    },
    listCases: (ws, query) => listCases(db, ws, query.customerId === undefined ? query : { ...query, customerId: canonical(ws, query.customerId) }),

    getConversation: (ws, id) => {
      const row = db.conversations.get(key(ws, id));
      return row ? copy(row.value) : null;
    },
    listConversations: (ws, caseId) => db.conversations.by.case.list(key(ws, caseId)).map((row) => copy(row.value)),
    findLatestConversation(ws, customerId, channelId): Conversation | null {
      const rows = rowsOf(db.conversations, db.conversations.by.channel.get(key(ws, canonical(ws, customerId), channelId)));
      const latest = first<ConversationRow>(rows, (a, b) => b.lastMessageAt - a.lastMessageAt || b.pos - a.pos);
      return latest ? copy(latest.value) : null;
    },
    findConversationByThread(ws, channelId, externalThreadId): Conversation | null {
      const rows = rowsOf(db.conversations, db.conversations.by.thread.get(key(ws, channelId, externalThreadId)));
      const latest = first<ConversationRow>(rows, (a, b) => b.pos - a.pos);
      return latest ? copy(latest.value) : null;
    },
    findActiveCase(ws, customerId): Case | null {
      const cases = db.cases.by.customer.list(key(ws, canonical(ws, customerId)));
      for (let i = cases.length - 1; i >= 0; i--) if (ACTIVE_STATUSES.has(cases[i]!.value.status)) return copy(cases[i]!.value);
      return null;
    },

    getMessage: (ws, id) => {
      const row = db.messages.get(key(ws, id));
      return row ? copy(row.value) : null;
    },
    findMessageByProviderId(ws, channelId, providerMessageId): Message | null {
      const pk = db.messages.by.provider.get(key(ws, channelId, providerMessageId));
      return pk === undefined ? null : copy(db.messages.get(pk)!.value);
    },
    findMessageByClientId(ws, scope, clientMessageId): Message | null {
      const find = (sender: string) => db.messages.by.client.get(key(ws, sender, clientMessageId));
      // A merged-away customer's id also finds what the surviving profile sent.
      let pk = find(scope);
      if (pk === undefined) {
        const survivor = canonical(ws, scope);
        if (survivor !== scope) pk = find(survivor);
      }
      return pk === undefined ? null : copy(db.messages.get(pk)!.value);
    },

    listMessages(ws, query) {
      assertLimit(query.limit);
      checkMessageQuery(query);
      const customerId = query.customerId === undefined ? undefined : canonical(ws, query.customerId);
      const by = db.messages.by;
      const lists: (readonly MessageRow[])[] = [];
      if (query.conversationId !== undefined) lists.push(by.conversation.list(key(ws, query.conversationId)));
      if (query.caseId !== undefined) lists.push(by.case.list(key(ws, query.caseId)));
      if (customerId !== undefined) lists.push(by.customer.list(key(ws, customerId)));
      const list = shortest(lists);
      const after = query.cursor === undefined ? 0 : decodePositionCursor('message', query.cursor);
      const rows: MessageRow[] = [];
      for (let i = lowerBound(list, (row) => row.pos <= after); i < list.length && rows.length <= query.limit; i++) {
        const m = list[i]!.value;
        if (query.conversationId !== undefined && m.conversationId !== query.conversationId) continue;
        if (query.caseId !== undefined && m.caseId !== query.caseId) continue;
        if (customerId !== undefined && m.customerId !== customerId) continue;
        if (query.publicOnly && m.internal) continue;
        rows.push(list[i]!);
      }
      return pageOf(rows, query.limit, (row) => copy(row.value), (row) => encodeCursor('message', [row.pos]));
    },

    listEvents(ws, query): CaseEvent[] {
      assertLimit(query.limit);
      const after = Math.max(0, Math.floor(query.after));
      const list = query.customerId === undefined ? db.events.by.workspace.list(ws) : db.events.by.customer.list(key(ws, canonical(ws, query.customerId)));
      const events: CaseEvent[] = [];
      for (let i = lowerBound(list, (row) => row.value.seq <= after); i < list.length && events.length < query.limit; i++) {
        if (!query.publicOnly || list[i]!.public) events.push(copy(list[i]!.value));
      }
      return events;
    },

    timeline(ws, customerId, limit, cursor) {
      assertLimit(limit);
      const before = cursor === undefined ? Number.POSITIVE_INFINITY : decodePositionCursor('event', cursor);
      const list = db.events.by.customer.list(key(ws, canonical(ws, customerId)));
      const end = lowerBound(list, (row) => row.value.seq < before);
      const rows = list.slice(Math.max(0, end - limit - 1), end).reverse();
      return pageOf(rows, limit, (row) => copy(row.value), (row) => encodeCursor('event', [row.value.seq]));
    },

    lastSeq: (ws) => db.counters.get(key(ws, 'seq')) ?? 0,

    getCaseReads(ws, agentId, caseIds) {
      const reads: Record<string, string> = {};
      for (const caseId of caseIds) {
        const at = db.caseReads.get(key(ws, agentId, caseId));
        if (at !== undefined) reads[caseId] = toIso(at);
      }
      return reads;
    },

    getIdempotent: (ws, scope, idempotencyKey) => {
      const response = db.idempotency.get(key(ws, scope, idempotencyKey));
      return response ? copy(response) : null;
    },

    getTimer: (ws, timerKey) => {
      const row = db.timers.get(key(ws, timerKey));
      return row ? copy(row.value) : null;
    },

    getRecord: (ws, collection, recordKey) => {
      const row = db.records.get(key(ws, collection, recordKey));
      return row ? recordOf(row) : null;
    },
    listRecords(ws, collection, query) {
      assertLimit(query.limit);
      const { prefix = '', after, limit, reverse = false } = query;
      const list = db.records.by.collection.list(key(ws, collection));
      const below = (bound: string) => (row: RecordRow) => compareCodePoints(row.key, bound) < 0;
      const belowPrefix = below(prefix);
      // The keys that start with the prefix are one run of the list, from the first key not below it.
      let start = lowerBound(list, belowPrefix);
      let end = lowerBound(list, (row) => belowPrefix(row) || row.key.startsWith(prefix));
      if (after !== undefined) {
        if (reverse) end = Math.min(end, lowerBound(list, below(after)));
        else start = Math.max(start, lowerBound(list, (row) => compareCodePoints(row.key, after) <= 0));
      }
      if (start >= end) return [];
      const rows = reverse ? list.slice(Math.max(start, end - limit), end).reverse() : list.slice(start, Math.min(end, start + limit));
      return rows.map(recordOf);
    },
    countRecords: (ws, collection) => db.records.by.collection.list(key(ws, collection)).length,
  };
}

/** Customer search over committed tables: a scan of each profile's folded text, newest first. */
export function createSearch(db: Tables): Sync<CustomerSearch> {
  return {
    searchCustomers(ws, q, limit, cursor) {
      assertLimit(limit);
      const text = foldDiacritics(customerSearchQuery(q));
      const before = cursor === undefined ? Number.POSITIVE_INFINITY : decodePositionCursor('customer', cursor);
      const list = db.customers.by.listed.list(ws);
      const rows: CustomerRow[] = [];
      // Newest first: walk back from the cursor, testing each profile's text.
      for (let i = lowerBound(list, (row) => row.pos < before) - 1; i >= 0 && rows.length <= limit; i--) {
        const row = list[i]!;
        if (row.search.includes(text)) rows.push(row);
      }
      return pageOf(rows, limit, (row) => copy(row.value), (row) => encodeCursor('customer', [row.pos]));
    },
  };
}
