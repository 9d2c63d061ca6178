// Every key of the single table, in one place: docs/dynamodb.md describes each.

/** Workspace settings, channels, agents and their email index, record counters: one small partition. */
export const workspacePk = (ws: string) => `W#${ws}`;
export const WORKSPACE_SK = 'workspace';
export const channelSk = (id: string) => `channel#${id}`;
export const agentSk = (id: string) => `agent#${id}`;
export const agentEmailSk = (email: string) => `agent-email#${email.toLowerCase()}`;
export const recordCountSk = (collection: string) => `record-count#${collection}`;

/** Integration records: one partition per workspace and collection, sorted by key (UTF-8 byte order). */
export const recordPk = (ws: string, collection: string) => `R#${ws}#${collection}`;
export const timerPk = (ws: string) => `T#${ws}`;
export const outboxPk = (ws: string) => `O#${ws}`;
export const idempotencyPk = (ws: string) => `I#${ws}`;
export const idempotencySk = (scope: string, key: string) => JSON.stringify([scope, key]);

/** The work queues on GSI1: every workspace's due timers and outbox items, ordered by when a claim may take them. */
export const TIMER_QUEUE = 'queue#timers';
export const OUTBOX_QUEUE = 'queue#outbox';
/** Milliseconds as a fixed-width string, so that text order is time order. */
export const sortableMs = (ms: number) => String(Math.max(0, Math.trunc(ms))).padStart(15, '0');
export const timerQueueSk = (runAt: number, ws: string, key: string) => `${sortableMs(runAt)}#${ws}#${key}`;
export const outboxQueueSk = (runAt: number, due: number, ws: string, id: string) => `${sortableMs(runAt)}#${sortableMs(due)}#${ws}#${id}`;

/** Compares two strings in UTF-8 byte order, the order DynamoDB sorts string keys in. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
