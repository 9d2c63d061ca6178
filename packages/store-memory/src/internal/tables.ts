import type { AgentRecord, ChannelRecord, DurableTimer, IdempotentResponse, OutboxItem } from '@casekit/core';
import type { Case, CaseEvent, Conversation, Customer, Message, Workspace, WorkspaceSettings } from '@casekit/protocol';
import { GroupIndex, OrderedIndex, table, UniqueIndex } from './table.ts';
import { compareCodePoints } from './values.ts';

// Every table of one copy of the store's data. Rows are frozen: a write always stores a new
// row, so two copies (the committed one and a transaction's) can share them.

export type WorkspaceRecord = Workspace & { settings: WorkspaceSettings };

/** Joins the parts of a key; no id or email holds a NUL. */
export function key(a: string | number, b: string | number, c?: string | number, d?: string | number): string {
  const ab = `${a}\u0000${b}`;
  return c === undefined ? ab : d === undefined ? `${ab}\u0000${c}` : `${ab}\u0000${c}\u0000${d}`;
}

/** Insertion order: lists in creation order, cursors, the waiting queue. */
interface Positioned {
  readonly pos: number;
}
export interface ChannelRow extends Positioned {
  readonly value: ChannelRecord;
}
export interface AgentRow extends Positioned {
  readonly value: AgentRecord;
}
export interface CustomerRow extends Positioned {
  readonly mergedInto: string | null;
  /** `customerSearchText`, diacritics dropped. */
  readonly search: string;
  readonly value: Customer;
}
/** How a customer is found: kind 'identity' (channel id, external id: one holder), 'email' or 'phone'. */
export interface CustomerKeyRow {
  readonly ws: string;
  readonly kind: 'identity' | 'email' | 'phone';
  readonly key: string;
  readonly customerId: string;
}
export interface CaseRow extends Positioned {
  /** `lastActivityAt` in ms: the list order. */
  readonly activity: number;
  /** The words of subject and preview, for text search. */
  readonly terms: readonly string[];
  readonly value: Case;
}
export interface ConversationRow extends Positioned {
  readonly lastMessageAt: number;
  readonly value: Conversation;
}
export interface MessageRow extends Positioned {
  /** Who sent it (agent, or customer), then the client message id; moved along by customer merges. */
  readonly clientKey: string | null;
  readonly value: Message;
}
export interface EventRow {
  readonly public: boolean;
  readonly value: CaseEvent;
}
export interface OutboxRow extends Positioned {
  readonly due: number;
  readonly leaseUntil: number | null;
  readonly value: OutboxItem;
}

/** An integration record: its value as JSON text, so each read parses its own copy. */
export interface RecordRow {
  readonly ws: string;
  readonly collection: string;
  readonly key: string;
  readonly json: string;
  readonly updatedAt: number;
}

export interface TimerRow {
  /** `runAt` in ms: the claim order. */
  readonly runAt: number;
  readonly value: DurableTimer;
}

const byPos = (a: Positioned, b: Positioned) => a.pos - b.pos;
const bySeq = (a: EventRow, b: EventRow) => a.value.seq - b.value.seq;
/** Case list order, kept ascending: lastActivityAt, then id. Lists read it from the end. */
export const byActivity = (a: CaseRow, b: CaseRow) => a.activity - b.activity || (a.value.id < b.value.id ? -1 : a.value.id > b.value.id ? 1 : 0);

/** The assignee key of a case: its agent's id, or a key no id can take for none. */
export const assigneeKey = (ws: string, assigneeId: string | null) => (assigneeId === null ? `${ws}\u0001` : key(ws, assigneeId));

export function createTables() {
  return {
    workspaces: table<WorkspaceRecord>()({}),
    /** Per-workspace sequences: 'seq' for events, 'case_number' for cases. */
    counters: table<number>()({}),
    channels: table<ChannelRow>()({ workspace: new OrderedIndex<ChannelRow>((r) => r.value.workspaceId, byPos) }),
    agents: table<AgentRow>()({
      email: new UniqueIndex<AgentRow>((r) => key(r.value.workspaceId, r.value.email.toLowerCase())),
      workspace: new OrderedIndex<AgentRow>((r) => r.value.workspaceId, byPos),
    }),
    customers: table<CustomerRow>()({
      /** Profiles that were not merged away, for search. */
      listed: new OrderedIndex<CustomerRow>((r) => (r.mergedInto === null ? r.value.workspaceId : null), byPos),
    }),
    customerKeys: table<CustomerKeyRow>()({
      lookup: new GroupIndex<CustomerKeyRow>((r) => key(r.ws, r.kind, r.key)),
      customer: new GroupIndex<CustomerKeyRow>((r) => key(r.ws, r.customerId)),
    }),
    cases: table<CaseRow>()({
      number: new UniqueIndex<CaseRow>((r) => key(r.value.workspaceId, r.value.number)),
      // One list per filter value, each in list order, so a filtered page reads back from its cursor.
      activity: new OrderedIndex<CaseRow>((r) => r.value.workspaceId, byActivity),
      customer: new OrderedIndex<CaseRow>((r) => key(r.value.workspaceId, r.value.customerId), byActivity),
      status: new OrderedIndex<CaseRow>((r) => key(r.value.workspaceId, r.value.status), byActivity),
      assignee: new OrderedIndex<CaseRow>((r) => assigneeKey(r.value.workspaceId, r.value.assigneeId), byActivity),
      team: new OrderedIndex<CaseRow>((r) => (r.value.team === null ? null : key(r.value.workspaceId, r.value.team)), byActivity),
      tag: new OrderedIndex<CaseRow>((r) => [...new Set(r.value.tags)].map((tag) => key(r.value.workspaceId, tag)), byActivity),
      term: new GroupIndex<CaseRow>((r) => r.terms.map((term) => key(r.value.workspaceId, term))),
      /** Unassigned new and open cases, in the order they were opened. */
    }),
    conversations: table<ConversationRow>()({
      case: new OrderedIndex<ConversationRow>((r) => key(r.value.workspaceId, r.value.caseId), byPos),
      customer: new GroupIndex<ConversationRow>((r) => key(r.value.workspaceId, r.value.customerId)),
      channel: new GroupIndex<ConversationRow>((r) => key(r.value.workspaceId, r.value.customerId, r.value.channelId)),
      thread: new GroupIndex<ConversationRow>((r) =>
        r.value.externalThreadId === null ? null : key(r.value.workspaceId, r.value.channelId, r.value.externalThreadId),
      ),
    }),
    messages: table<MessageRow>()({
      provider: new UniqueIndex<MessageRow>((r) =>
        r.value.providerMessageId === null ? null : key(r.value.workspaceId, r.value.channelId, r.value.providerMessageId),
      ),
      client: new UniqueIndex<MessageRow>((r) => (r.clientKey === null ? null : key(r.value.workspaceId, r.clientKey))),
      case: new OrderedIndex<MessageRow>((r) => key(r.value.workspaceId, r.value.caseId), byPos),
      conversation: new OrderedIndex<MessageRow>((r) => key(r.value.workspaceId, r.value.conversationId), byPos),
      customer: new OrderedIndex<MessageRow>((r) => key(r.value.workspaceId, r.value.customerId), byPos),
    }),
    events: table<EventRow>()({
      workspace: new OrderedIndex<EventRow>((r) => r.value.workspaceId, bySeq),
      customer: new OrderedIndex<EventRow>((r) => (r.value.customerId === null ? null : key(r.value.workspaceId, r.value.customerId)), bySeq),
    }),
    outbox: table<OutboxRow>()({
      /** Every workspace's items by due time. */
      due: new OrderedIndex<OutboxRow>(() => '', (a, b) => a.due - b.due || a.pos - b.pos),
    }),
    timers: table<TimerRow>()({
      /** Every workspace's timers by when a claim may take them; versions are unique, so the order is total. */
      runAt: new OrderedIndex<TimerRow>(() => '', (a, b) => a.runAt - b.runAt || a.value.version - b.value.version),
    }),
    records: table<RecordRow>()({
      /** Each collection's records by key, in UTF-8 byte order (as SQLite's BINARY collation); its length is the count. */
      collection: new OrderedIndex<RecordRow>((r) => key(r.ws, r.collection), (a, b) => compareCodePoints(a.key, b.key)),
    }),
    /** When an agent last read a case, in ms. */
    caseReads: table<number>()({}),
    idempotency: table<IdempotentResponse>()({}),
  };
}

export type Tables = ReturnType<typeof createTables>;
export type TableName = keyof Tables;
/** The row type of a table. */
export type RowOf<K extends TableName> = NonNullable<Parameters<Tables[K]['write']>[1]>;
