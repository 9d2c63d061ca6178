// Every key of the single table, in one place: docs/dynamodb.md describes each.

/** Workspace settings, channels, agents and their email index, record counters: one small partition. */
export const workspacePk = (ws: string) => `W#${ws}`;
export const WORKSPACE_SK = 'workspace';
export const channelSk = (id: string) => `channel#${id}`;
export const agentSk = (id: string) => `agent#${id}`;
export const agentEmailSk = (email: string) => `agent-email#${email.toLowerCase()}`;
export const recordCountSk = (collection: string) => `record-count#${collection}`;
/** The last event seq handed out in the workspace (`n`). */
export const SEQ_COUNTER_SK = 'counter#seq';
/** The last case number handed out in the workspace (`n`). */
export const CASE_NUMBER_SK = 'counter#case-number';

/** When an agent last read each case: one partition per agent, one item per case. */
export const caseReadPk = (ws: string, agentId: string) => `RD#${ws}#${agentId}`;

/** A workspace's event log, in seq order (12 digits: text order is number order). */
export const eventPk = (ws: string) => `E#${ws}`;
export const eventSk = (seq: number) => String(seq).padStart(12, '0');

/** Integration records: one partition per workspace and collection, sorted by key (UTF-8 byte order). */
export const recordPk = (ws: string, collection: string) => `R#${ws}#${collection}`;
/** Timers, outbox items and idempotent responses: one partition each, so no workspace is a hot key. */
export const timerPk = (ws: string, key: string) => `T#${ws}#${key}`;
export const TIMER_SK = 'timer';
export const outboxPk = (ws: string, id: string) => `O#${ws}#${id}`;
export const OUTBOX_SK = 'outbox';
export const idempotencyPk = (ws: string, scope: string, key: string) => `I#${ws}#${JSON.stringify([scope, key])}`;
export const IDEMPOTENCY_SK = 'idempotency';

/**
 * The work queues on GSI1: every workspace's due timers and outbox items, ordered by when a
 * claim may take them, spread over shards so that no GSI partition takes all the writes.
 */
const QUEUE_SHARDS = 8;
export type QueueKind = 'timers' | 'outbox';

/** FNV-1a: a stable shard for an item, the same on every node. */
function shardOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % QUEUE_SHARDS;
}

export const queueOf = (kind: QueueKind, ws: string, id: string) => `queue#${kind}#${shardOf(`${ws}#${id}`)}`;
export const queuesOf = (kind: QueueKind) => Array.from({ length: QUEUE_SHARDS }, (_, shard) => `queue#${kind}#${shard}`);
/** Milliseconds as a fixed-width string, so that text order is time order. */
export const sortableMs = (ms: number) => String(Math.max(0, Math.trunc(ms))).padStart(15, '0');
export const timerQueueSk = (runAt: number, ws: string, key: string) => `${sortableMs(runAt)}#${ws}#${key}`;
export const outboxQueueSk = (runAt: number, due: number, ws: string, id: string) => `${sortableMs(runAt)}#${sortableMs(due)}#${ws}#${id}`;

/** Compares two strings in UTF-8 byte order, the order DynamoDB sorts string keys in. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A customer profile (`mergedInto` / `mergedIds` make a merge a redirect). */
export const customerPk = (ws: string, id: string) => `CU#${ws}#${id}`;
export const CUSTOMER_SK = 'customer';
/** The workspace's customer directory, newest first: what `searchCustomers` pages through. */
export const customerDirectoryPk = (ws: string) => `CS#${ws}`;
/** Who holds an email or a phone (shared values: one item per holder, sort key the customer id). */
export const contactPk = (ws: string, kind: 'email' | 'phone', value: string) => `CK#${ws}#${kind}#${kind === 'email' ? value.toLowerCase() : value}`;
/** The unique indexes: one item per value, `owner` the id that holds it. */
export const uniquePk = (ws: string, kind: 'identity' | 'provider' | 'client' | 'message' | 'thread' | 'case-number', ...parts: string[]) => `U#${ws}#${kind}#${parts.join('#')}`;
export const UNIQUE_SK = 'unique';

/** A case, and the conversations it holds (sort key the conversation id, a copy of each). */
export const casePk = (ws: string, id: string) => `CA#${ws}#${id}`;
export const CASE_SK = 'case';
export const caseConversationsPk = (ws: string, caseId: string) => `CX#${ws}#${caseId}`;
/** A conversation and its messages, in the order they were stored. */
export const conversationPk = (ws: string, id: string) => `CV#${ws}#${id}`;
export const CONVERSATION_SK = 'conversation';
export const messageSk = (ord: number, id: string) => `msg#${String(ord).padStart(20, '0')}#${id}`;
/** A customer's conversations on one channel (sort key the conversation id): the latest is the one `findLatestConversation` returns. */
export const customerChannelPk = (ws: string, customerId: string, channelId: string) => `CC#${ws}#${customerId}#${channelId}`;
/** A case list: one partition per facet, newest activity first (`<lastActivityAt ms>#<caseId>`), each entry a copy of the case. */
export const caseListPk = (ws: string, facet: string) => `CL#${ws}#${facet}`;
