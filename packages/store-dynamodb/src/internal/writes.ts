import { sealedDoc } from './secrets.ts';
import { checkRecordInput, checkTimerInput, IDEMPOTENCY_KEY_TTL_MS, idempotentKeyHeld, isPublicEvent, type AgentRecord, type ChannelRecord, type IdempotentResponse, type StoreTx } from '@casekit/core';
import type { CaseEvent } from '@casekit/protocol';
import { CasekitError } from '@casekit/protocol';
import {
  agentEmailSk,
  agentSk,
  CASE_NUMBER_SK,
  caseReadPk,
  channelSk,
  customerPk,
  eventPk,
  eventSk,
  IDEMPOTENCY_SK,
  idempotencyPk,
  OUTBOX_SK,
  outboxPk,
  outboxQueueSk,
  queueOf,
  recordCountSk,
  recordPk,
  SEQ_COUNTER_SK,
  TIMER_SK,
  timerPk,
  timerQueueSk,
  workspacePk,
  WORKSPACE_SK,
} from './keys.ts';
import { docOf, getItem, type Context } from './table.ts';
import { itemKey, type Condition, type WriteSet } from './write-set.ts';

/** The key is still free: for anything new or unique. */
export const ABSENT = (conflict: string): Condition => ({ expression: 'attribute_not_exists(pk)', conflict });
/** The item is still there: for a replace of what was read. */
export const PRESENT = (conflict: string): Condition => ({ expression: 'attribute_exists(pk)', conflict });
const AT_VERSION = (version: number, conflict: string): Condition => ({ expression: 'version = :version', values: { ':version': version }, conflict });

let lastTick = 0;
/**
 * A number that grows on every call in this process and across processes whose clocks agree
 * (microseconds since 1970): creation order of channels, agents, customers, conversations and
 * messages; timer and customer versions.
 */
export function tick(after = 0): number {
  lastTick = Math.max(Date.now() * 1000, lastTick + 1, after + 1);
  return lastTick;
}

/** An ISO-8601 time in ms; `validation_failed` naming `path` when it is not one. */
export function toMs(iso: string, path: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new CasekitError('validation_failed', `${path} must be an ISO-8601 timestamp.`, { details: { issues: [{ path, message: 'must be an ISO-8601 timestamp' }] } });
  return ms;
}

type ImplementedWrites = Pick<
  StoreTx,
  | 'appendEvent'
  | 'nextCaseNumber'
  | 'markCaseRead'
  | 'putWorkspace'
  | 'insertChannel'
  | 'updateChannel'
  | 'insertAgent'
  | 'updateAgent'
  | 'enqueueOutbox'
  | 'putIdempotent'
  | 'setTimer'
  | 'clearTimer'
  | 'putRecord'
  | 'deleteRecord'
>;

/** The transaction writes this store implements: each reads what it checks, then adds to `writes`. */
export function createWrites(ctx: Context & { writes: WriteSet }): ImplementedWrites {
  const { writes } = ctx;
  const stored = (pk: string, sk: string) => getItem(ctx, pk, sk);
  // Numbers are taken in turn, even when a caller does not await one before the next.
  let numbering: Promise<unknown> = Promise.resolve();
  /**
   * The next number of a workspace counter. The commit checks the counter still holds what was
   * read, so numbers are never handed out twice and commit in order; a lost race re-runs the transaction.
   */
  function takeNumber(ws: string, sk: string, what: string): Promise<number> {
    const take = async () => {
      const pk = workspacePk(ws);
      // This process's other writers of the workspace wait until this commit ends (`CounterTurns`).
      await ctx.turns?.enter(ws);
      const key = itemKey(pk, sk);
      // In turn, the value this process committed last needs no read: the condition checks it.
      const known = writes.pending(pk, sk) === undefined ? ctx.turns?.known(key) : undefined;
      const counter = known === undefined ? await stored(pk, sk) : { n: known };
      const read = (counter?.n as number | undefined) ?? 0;
      const raced = `${what} ${read + 1} of workspace "${ws}" was taken by another transaction.`;
      const condition: Condition = counter
        ? { expression: 'n = :n', values: { ':n': read }, conflict: raced, retryable: true }
        : { ...ABSENT(raced), retryable: true };
      writes.put({ pk, sk, n: read + 1 }, condition);
      ctx.turns?.wrote(key, read + 1);
      return read + 1;
    };
    const result = numbering.then(take);
    numbering = result.catch(() => undefined);
    return result;
  }

  return {
    async appendEvent(event) {
      const seq = await takeNumber(event.workspaceId, SEQ_COUNTER_SK, 'Event seq');
      const json = JSON.stringify({ seq, ...event });
      const value = JSON.parse(json) as CaseEvent;
      const customerId = event.customerId ?? null;
      // On gsi2 beside the customer's messages: their timeline.
      const history = customerId === null ? {} : { gsi2pk: customerPk(event.workspaceId, customerId), gsi2sk: `ev#${eventSk(seq)}` };
      writes.put({ pk: eventPk(event.workspaceId), sk: eventSk(seq), doc: json, public: isPublicEvent(value), customerId, ...history });
      return value;
    },

    nextCaseNumber: (ws) => takeNumber(ws, CASE_NUMBER_SK, 'Case number'),

    async markCaseRead(ws, agentId, caseId, at) {
      const ms = toMs(at, 'at');
      const pk = caseReadPk(ws, agentId);
      const old = await stored(pk, caseId);
      if (old && (old.at as number) >= ms) return;
      const raced = `Agent "${agentId}" read case "${caseId}" again meanwhile.`;
      writes.put({ pk, sk: caseId, at: ms }, old ? { expression: '#at = :at', names: { '#at': 'at' }, values: { ':at': old.at }, conflict: raced, retryable: true } : { ...ABSENT(raced), retryable: true });
    },

    async putWorkspace(workspace) {
      writes.put({ pk: workspacePk(workspace.id), sk: WORKSPACE_SK, doc: JSON.stringify(workspace) });
    },

    async insertChannel(channel: ChannelRecord) {
      const pk = workspacePk(channel.workspaceId);
      const conflict = `A channel with id "${channel.id}" already exists.`;
      if (await stored(pk, channelSk(channel.id))) throw new CasekitError('conflict', conflict);
      writes.put({ pk, sk: channelSk(channel.id), ord: tick(), doc: sealedDoc(ctx, channel) }, ABSENT(conflict));
    },

    async updateChannel(channel: ChannelRecord) {
      const pk = workspacePk(channel.workspaceId);
      const old = await stored(pk, channelSk(channel.id));
      if (!old) throw new CasekitError('not_found', `Channel "${channel.id}" was not found.`);
      writes.put({ ...old, doc: sealedDoc(ctx, channel) }, PRESENT(`Channel "${channel.id}" was deleted meanwhile.`));
    },

    async insertAgent(agent: AgentRecord) {
      const pk = workspacePk(agent.workspaceId);
      const byId = `An agent with id "${agent.id}" already exists.`;
      const byEmail = `An agent with email "${agent.email}" already exists.`;
      if (await stored(pk, agentSk(agent.id))) throw new CasekitError('conflict', byId);
      if (await stored(pk, agentEmailSk(agent.email))) throw new CasekitError('conflict', byEmail);
      writes.put({ pk, sk: agentSk(agent.id), ord: tick(), doc: sealedDoc(ctx, agent) }, ABSENT(byId));
      writes.put({ pk, sk: agentEmailSk(agent.email), agentId: agent.id }, ABSENT(byEmail));
    },

    async updateAgent(agent: AgentRecord) {
      const pk = workspacePk(agent.workspaceId);
      const old = await stored(pk, agentSk(agent.id));
      if (!old) throw new CasekitError('not_found', `Agent "${agent.id}" was not found.`);
      const oldEmail = (JSON.parse(old.doc as string) as AgentRecord).email;
      const byEmail = `An agent with email "${agent.email}" already exists.`;
      if (agentEmailSk(oldEmail) !== agentEmailSk(agent.email)) {
        const holder = await stored(pk, agentEmailSk(agent.email));
        if (holder && holder.agentId !== agent.id) throw new CasekitError('conflict', byEmail);
        writes.put({ pk, sk: agentEmailSk(agent.email), agentId: agent.id }, ABSENT(byEmail));
        writes.delete(pk, agentEmailSk(oldEmail));
      }
      writes.put({ ...old, doc: sealedDoc(ctx, agent) }, PRESENT(`Agent "${agent.id}" was deleted meanwhile.`));
    },

    async enqueueOutbox(item) {
      const due = toMs(item.nextAttemptAt, 'nextAttemptAt');
      const leaseUntil = item.leaseUntil === null ? null : toMs(item.leaseUntil, 'leaseUntil');
      const conflict = `An outbox item with id "${item.id}" already exists.`;
      const pk = outboxPk(item.workspaceId, item.id);
      if (await stored(pk, OUTBOX_SK)) throw new CasekitError('conflict', conflict);
      const runAt = Math.max(due, leaseUntil ?? due);
      writes.put(
        {
          pk,
          sk: OUTBOX_SK,
          gsi1pk: queueOf('outbox', item.workspaceId, item.id),
          gsi1sk: outboxQueueSk(runAt, due, item.workspaceId, item.id),
          workspaceId: item.workspaceId,
          id: item.id,
          messageId: item.messageId,
          channelId: item.channelId,
          attempts: item.attempts,
          due,
          leaseUntil,
          runAt,
          lastError: item.lastError,
        },
        ABSENT(conflict),
      );
    },

    async putIdempotent(ws, scope, key, response) {
      const conflict = `A response for Idempotency-Key "${key}" is already stored.`;
      const pk = idempotencyPk(ws, scope, key);
      const before = await stored(pk, IDEMPOTENCY_SK);
      if (idempotentKeyHeld(docOf<IdempotentResponse>(before), response)) throw new CasekitError('conflict', conflict);
      // An expired answer is replaced on condition it is still the one read.
      const condition: Condition = before ? { expression: '#doc = :doc', names: { '#doc': 'doc' }, values: { ':doc': before.doc }, conflict } : ABSENT(conflict);
      // DynamoDB's TTL deletes it a day after it was written (by this node's clock: a replay is judged by the engine's).
      const expiresAt = Math.ceil((Date.now() + IDEMPOTENCY_KEY_TTL_MS) / 1000);
      writes.put({ pk, sk: IDEMPOTENCY_SK, doc: JSON.stringify(response), expiresAt }, condition);
    },

    async setTimer(timer) {
      const { dueAt, payload } = checkTimerInput(timer);
      const { workspaceId, key, kind } = timer;
      const pk = timerPk(workspaceId, key);
      const old = await stored(pk, TIMER_SK);
      const conflict = `Timer "${key}" was changed by another transaction meanwhile.`;
      writes.put(
        {
          pk,
          sk: TIMER_SK,
          gsi1pk: queueOf('timers', workspaceId, key),
          gsi1sk: timerQueueSk(dueAt, workspaceId, key),
          workspaceId,
          key,
          kind,
          dueAt,
          payload,
          version: tick((old?.version as number | undefined) ?? 0),
          runAt: dueAt,
          attempts: 0,
          leaseUntil: null,
          lastError: null,
        },
        old ? AT_VERSION(old.version as number, conflict) : ABSENT(conflict),
      );
    },

    async clearTimer(ws, key) {
      if (await stored(timerPk(ws, key), TIMER_SK)) writes.delete(timerPk(ws, key), TIMER_SK);
    },

    async putRecord(ws, collection, key, value, at) {
      const json = checkRecordInput(ws, collection, key, value);
      const updatedAt = new Date(toMs(at, 'at')).toISOString();
      const pk = recordPk(ws, collection);
      const old = await stored(pk, key);
      const conflict = `Record "${key}" of "${collection}" was written by another transaction meanwhile.`;
      // The condition keeps the counter right: the +1 commits only if the key is still new.
      writes.put({ pk, sk: key, json, updatedAt }, old ? PRESENT(conflict) : ABSENT(conflict));
      if (!old) writes.add(workspacePk(ws), recordCountSk(collection), 1);
    },

    async deleteRecord(ws, collection, key) {
      const pk = recordPk(ws, collection);
      if (!(await stored(pk, key))) return;
      writes.delete(pk, key, PRESENT(`Record "${key}" of "${collection}" was deleted by another transaction meanwhile.`));
      writes.add(workspacePk(ws), recordCountSk(collection), -1);
    },
  };
}
