import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { openedDoc } from './secrets.ts';
import type { AgentRecord, ChannelRecord, DurableTimer, EventQuery, IdempotentResponse, IntegrationRecord, RecordQuery, StoreReader } from '@casekit/core';
import type { CaseEvent, Page } from '@casekit/protocol';
import {
  agentEmailSk,
  agentSk,
  caseReadPk,
  channelSk,
  compareUtf8,
  customerPk,
  eventPk,
  eventSk,
  IDEMPOTENCY_SK,
  idempotencyPk,
  recordCountSk,
  recordPk,
  SEQ_COUNTER_SK,
  TIMER_SK,
  timerPk,
  workspacePk,
  WORKSPACE_SK,
} from './keys.ts';
import { customerResolver, familyOf } from './customers.ts';
import { checkLimit, decodeCursor, encodeCursor, mergedPage } from './lists.ts';
import { docOf, getItem, getItems, queryPages, queryPrefix, type Context } from './table.ts';
import type { Item } from './write-set.ts';

/** The longest key a record may have, so that `prefix + U+10FFFF…` bounds every key with that prefix. */
const MAX_RECORD_KEY_LENGTH = 256;

const byOrd = (a: Item, b: Item) => (a.ord as number) - (b.ord as number);

export function timerOf(item: Item | null): DurableTimer | null {
  if (!item) return null;
  const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(ms as number).toISOString());
  return {
    workspaceId: item.workspaceId as string,
    key: item.key as string,
    kind: item.kind as string,
    dueAt: iso(item.dueAt)!,
    payload: JSON.parse(item.payload as string) as Record<string, unknown>,
    version: item.version as number,
    runAt: iso(item.runAt)!,
    attempts: item.attempts as number,
    leaseUntil: iso(item.leaseUntil),
    lastError: (item.lastError as string | null | undefined) ?? null,
  };
}

const recordOf = (item: Item): IntegrationRecord => ({ key: item.sk, value: JSON.parse(item.json as string), updatedAt: item.updatedAt as string });


/**
 * The key condition of a record page: keys with `prefix`, after (or before, reversed) `after`.
 * Null when no key can match. Record keys hold no NUL, so `after + U+0001` is the first key after `after`.
 */
function recordRange(query: RecordQuery): { expression: string; values: Record<string, string> } | null {
  const { prefix = '', after, reverse = false } = query;
  if (after === undefined) {
    return prefix === '' ? { expression: '', values: {} } : { expression: ' AND begins_with(sk, :lo)', values: { ':lo': prefix } };
  }
  if (prefix === '') return { expression: reverse ? ' AND sk < :after' : ' AND sk > :after', values: { ':after': after } };
  const top = prefix + '\u{10FFFF}'.repeat(Math.max(0, MAX_RECORD_KEY_LENGTH - [...prefix].length));
  const [lo, hi] = reverse ? [prefix, after] : [`${after}\u0001`, top];
  const low = compareUtf8(lo, prefix) < 0 ? prefix : lo;
  const high = compareUtf8(hi, top) > 0 ? top : hi;
  if (compareUtf8(low, high) > 0) return null;
  return { expression: ' AND sk BETWEEN :lo AND :hi', values: { ':lo': low, ':hi': high } };
}

async function listRecords(ctx: Context, ws: string, collection: string, query: RecordQuery): Promise<IntegrationRecord[]> {
  checkLimit(query.limit);
  const range = recordRange(query);
  if (!range) return [];
  const pk = recordPk(ws, collection);
  const { prefix = '', after, reverse = false, limit } = query;
  const inRange = (key: string) =>
    key.startsWith(prefix) && (after === undefined || (reverse ? compareUtf8(key, after) < 0 : compareUtf8(key, after) > 0));
  const pending = (ctx.writes?.pendingIn(pk) ?? []).filter(({ sk }) => inRange(sk));
  // Read enough to fill the page even when this transaction deleted some of what is stored.
  const want = limit + pending.length;
  const items = new Map<string, Item>();
  const pages = queryPages(ctx, {
    KeyConditionExpression: `pk = :pk${range.expression}`,
    ExpressionAttributeValues: { ':pk': pk, ...range.values },
    ScanIndexForward: !reverse,
    Limit: want,
  });
  for await (const page of pages) {
    for (const item of page) if (inRange(item.sk)) items.set(item.sk, item);
    if (items.size >= want) break;
  }
  for (const { sk, item } of pending) {
    if (item) items.set(sk, item);
    else items.delete(sk);
  }
  const sorted = [...items.values()].sort((a, b) => compareUtf8(a.sk, b.sk) * (reverse ? -1 : 1));
  return sorted.slice(0, limit).map(recordOf);
}

/** Events with `seq > after`, oldest first: one partition, filtered by customer (and the profiles merged into it) and visibility. */
async function listEvents(ctx: Context, ws: string, query: EventQuery): Promise<CaseEvent[]> {
  const { after, limit, publicOnly = false } = query;
  const pk = eventPk(ws);
  const family = query.customerId === undefined ? null : await familyOf(ctx, ws, query.customerId);
  const customers = family?.map((_, i) => `:c${i}`) ?? [];
  const filters = [...(family ? [`customerId IN (${customers.join(', ')})`] : []), ...(publicOnly ? ['#public = :true'] : [])];
  const matches = (item: Item) => item.sk > eventSk(after) && (!family || family.includes(item.customerId as string)) && (!publicOnly || item.public === true);
  const found: Item[] = [];
  const pages = queryPages(ctx, {
    KeyConditionExpression: 'pk = :pk AND sk > :after',
    ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
    ...(publicOnly && { ExpressionAttributeNames: { '#public': 'public' } }),
    ExpressionAttributeValues: {
      ':pk': pk,
      ':after': eventSk(after),
      ...Object.fromEntries(customers.map((name, i) => [name, family![i]])),
      ...(publicOnly && { ':true': true }),
    },
    Limit: limit,
  });
  for await (const page of pages) {
    found.push(...page);
    if (found.length >= limit) break;
  }
  // This transaction's own events come after every committed one.
  for (const { item } of ctx.writes?.pendingIn(pk) ?? []) if (item && matches(item)) found.push(item);
  return presentEvents(ctx, ws, found.slice(0, limit));
}

/** Events as a read returns them: about the surviving profile of their customer. */
async function presentEvents(ctx: Context, ws: string, items: readonly Item[]): Promise<CaseEvent[]> {
  const resolve = customerResolver(ctx, ws);
  await resolve.prime(items.flatMap((item) => (item.customerId ? [item.customerId as string] : [])));
  return Promise.all(
    items.map(async (item) => {
      const event = docOf<CaseEvent>(item)!;
      return event.customerId ? { ...event, customerId: await resolve(event.customerId) } : event;
    }),
  );
}

const TIMELINE_CURSOR = /^ev#\d{12}$/;

/** A customer's events newest first: gsi2 of the customer and of each profile merged into it. */
async function timeline(ctx: Context, ws: string, customerId: string, limit: number, cursor: string | undefined): Promise<Page<CaseEvent>> {
  checkLimit(limit);
  const after = cursor === undefined ? undefined : decodeCursor('timeline', cursor, TIMELINE_CURSOR);
  const sources = (await familyOf(ctx, ws, customerId)).map((id) => ({ pk: customerPk(ws, id), index: 'gsi2' as const, prefix: 'ev#' }));
  const page = await mergedPage(ctx, sources, { descending: true, ...(after !== undefined && { after }), limit });
  return { items: await presentEvents(ctx, ws, page.items), nextCursor: page.resumeAt === null ? null : encodeCursor('timeline', page.resumeAt) };
}

type ImplementedReads = Pick<
  StoreReader,
  'getWorkspace' | 'getChannel' | 'listChannels' | 'getAgent' | 'getAgentByEmail' | 'listAgents' | 'getIdempotent' | 'getTimer' | 'getRecord' | 'listRecords' | 'countRecords' | 'listEvents' | 'timeline' | 'lastSeq' | 'getCaseReads'
>;

/** The reads this store implements, outside a transaction or (with `ctx.writes`) inside one. */
export function createReads(ctx: Context): ImplementedReads {
  const getAgent = async (ws: string, agentId: string) => openedDoc<AgentRecord>(ctx, await getItem(ctx, workspacePk(ws), agentSk(agentId)));
  return {
    getWorkspace: async (ws) => docOf(await getItem(ctx, workspacePk(ws), WORKSPACE_SK)),
    async getChannel(ws, channelId) {
      // A transaction that reads a channel (an inbound message, a send) reads the workspace's settings next: one BatchGetItem for both.
      if (ctx.writes) getItem(ctx, workspacePk(ws), WORKSPACE_SK).catch(() => undefined);
      return openedDoc<ChannelRecord>(ctx, await getItem(ctx, workspacePk(ws), channelSk(channelId)));
    },
    listChannels: async (ws) => (await queryPrefix(ctx, workspacePk(ws), channelSk(''))).sort(byOrd).map((item) => openedDoc<ChannelRecord>(ctx, item)!),
    getAgent,
    async getAgentByEmail(ws, email) {
      const holder = await getItem(ctx, workspacePk(ws), agentEmailSk(email));
      return holder ? getAgent(ws, holder.agentId as string) : null;
    },
    listAgents: async (ws) => (await queryPrefix(ctx, workspacePk(ws), agentSk(''))).sort(byOrd).map((item) => openedDoc<AgentRecord>(ctx, item)!),
    getIdempotent: async (ws, scope, key) => docOf<IdempotentResponse>(await getItem(ctx, idempotencyPk(ws, scope, key), IDEMPOTENCY_SK)),
    getTimer: async (ws, key) => timerOf(await getItem(ctx, timerPk(ws, key), TIMER_SK)),
    async getRecord(ws, collection, key) {
      const item = await getItem(ctx, recordPk(ws, collection), key);
      return item ? recordOf(item) : null;
    },
    listRecords: (ws, collection, query) => listRecords(ctx, ws, collection, query),
    listEvents: (ws, query) => listEvents(ctx, ws, query),
    timeline: (ws, customerId, limit, cursor) => timeline(ctx, ws, customerId, limit, cursor),
    async getCaseReads(ws, agentId, caseIds) {
      const pk = caseReadPk(ws, agentId);
      const found = await getItems(ctx, caseIds.map((sk) => ({ pk, sk })));
      const reads: Record<string, string> = {};
      for (const item of found.values()) if (item) reads[item.sk] = new Date(item.at as number).toISOString();
      return reads;
    },
    lastSeq: async (ws) => ((await getItem(ctx, workspacePk(ws), SEQ_COUNTER_SK))?.n as number | undefined) ?? 0,
    async countRecords(ws, collection) {
      const pk = workspacePk(ws);
      const sk = recordCountSk(collection);
      const { Item } = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: { pk, sk }, ConsistentRead: true }));
      return ((Item?.n as number | undefined) ?? 0) + (ctx.writes?.added(pk, sk) ?? 0);
    },
  };
}
