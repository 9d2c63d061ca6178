import { checkRecordInput, checkTimerInput, customerSearchText, foldDiacritics, idempotentKeyHeld, isPublicEvent, searchTerms, type DurableTimer, type OutboxItem, type StoreReader, type StoreTx } from '@casekit/core';
import { CasekitError, type Case, type CaseEvent, type Customer } from '@casekit/protocol';
import type { Journal } from './journal.ts';
import type { Sync } from './reads.ts';
import { key, type CaseRow, type CustomerKeyRow, type Tables } from './tables.ts';
import { conflict, copy, frozen, notFound, toIso, toMs, withFields } from './values.ts';

export type TxWrites = Sync<Omit<StoreTx, keyof StoreReader>>;

/** The outbox and timer calls of the port, each run on its own as a write. */
export interface WorkerWrites {
  claimOutbox(now: Date, leaseMs: number, limit: number): OutboxItem[];
  completeOutbox(workspaceId: string, itemId: string): void;
  failOutbox(workspaceId: string, itemId: string, error: string, retryAt: Date | null): void;
  claimTimers(now: Date, leaseMs: number, limit: number): DurableTimer[];
  completeTimer(workspaceId: string, key: string, version: number): void;
  failTimer(workspaceId: string, key: string, version: number, error: string, retryAt: Date | null): void;
}

const MAX_MERGE_HOPS = 64;
const MAX_ERROR_LENGTH = 2000;

function customerKeyRows(customer: Customer): Map<string, CustomerKeyRow> {
  const rows = new Map<string, CustomerKeyRow>();
  const ws = customer.workspaceId;
  const add = (kind: CustomerKeyRow['kind'], lookup: string) => rows.set(key(ws, kind, lookup, customer.id), { ws, kind, key: lookup, customerId: customer.id });
  for (const identity of customer.identities) add('identity', key(identity.channelId, identity.externalId));
  for (const email of customer.emails) add('email', email.toLowerCase());
  for (const phone of customer.phones) add('phone', phone);
  return rows;
}

const caseTerms = (kase: Case): readonly string[] => Object.freeze([...new Set(searchTerms(`${kase.subject} ${kase.preview}`))]);

/**
 * Every write of the port, on the transaction's copy of the tables through `journal`. Each one
 * checks before it writes, so a write that throws has changed nothing.
 */
export function createWrites(db: Tables, journal: Journal, nextPos: () => number): TxWrites & WorkerWrites {
  function assertIdentitiesFree(customer: Customer): void {
    for (const identity of customer.identities) {
      for (const pk of db.customerKeys.by.lookup.get(key(customer.workspaceId, 'identity', key(identity.channelId, identity.externalId)))) {
        const holder = db.customerKeys.get(pk)!.customerId;
        if (holder === customer.id) continue;
        throw new CasekitError(
          'conflict',
          `Customer "${holder}" already has the identity "${identity.externalId}" on channel "${identity.channelId}"; merge the profiles instead.`,
          { details: { field: 'identities', customerId: holder } },
        );
      }
    }
  }

  function writeCustomer(customer: Customer, pos: number, mergedInto: string | null): void {
    const value = frozen(customer);
    journal.write('customers', key(customer.workspaceId, customer.id), { pos, mergedInto, search: foldDiacritics(customerSearchText(value)), value });
    const wanted = customerKeyRows(value);
    for (const pk of [...db.customerKeys.by.customer.get(key(customer.workspaceId, customer.id))]) if (!wanted.has(pk)) journal.write('customerKeys', pk, undefined);
    for (const [pk, row] of wanted) if (!db.customerKeys.get(pk)) journal.write('customerKeys', pk, row);
  }

  /** The next value of a per-workspace sequence. */
  function counter(ws: string, name: 'seq' | 'case_number'): number {
    const value = (db.counters.get(key(ws, name)) ?? 0) + 1;
    journal.write('counters', key(ws, name), value);
    return value;
  }

  function requireCustomerRow(ws: string, customerId: string, caseId: string): void {
    if (!db.customers.get(key(ws, customerId))) throw notFound(`customer for case "${caseId}"`, customerId);
  }

  function agentConflict(field: 'id' | 'email', id: string, email: string): CasekitError {
    return conflict(field === 'email' ? `Another agent already signs in with "${email}".` : `An agent with id "${id}" already exists.`, { field });
  }

  return {
    putWorkspace(workspace) {
      journal.write('workspaces', workspace.id, frozen(workspace));
    },

    insertChannel(record) {
      const pk = key(record.workspaceId, record.id);
      if (db.channels.get(pk)) throw conflict(`A channel with id "${record.id}" already exists.`);
      journal.write('channels', pk, { pos: nextPos(), value: frozen(record) });
    },

    updateChannel(record) {
      const pk = key(record.workspaceId, record.id);
      const row = db.channels.get(pk);
      if (!row) throw notFound('channel', record.id);
      journal.write('channels', pk, { ...row, value: frozen(record) });
    },

    insertAgent(record) {
      const pk = key(record.workspaceId, record.id);
      if (db.agents.get(pk)) throw agentConflict('id', record.id, record.email);
      if (db.agents.by.email.get(key(record.workspaceId, record.email.toLowerCase())) !== undefined) throw agentConflict('email', record.id, record.email);
      journal.write('agents', pk, { pos: nextPos(), value: frozen(record) });
    },

    updateAgent(record) {
      const pk = key(record.workspaceId, record.id);
      const old = db.agents.get(pk);
      if (!old) throw notFound('agent', record.id);
      const holder = db.agents.by.email.get(key(record.workspaceId, record.email.toLowerCase()));
      if (holder !== undefined && holder !== pk) throw agentConflict('email', record.id, record.email);
      journal.write('agents', pk, { pos: old.pos, value: frozen(record) });
    },

    insertCustomer(customer) {
      assertIdentitiesFree(customer);
      if (db.customers.get(key(customer.workspaceId, customer.id))) throw conflict(`A customer with id "${customer.id}" already exists.`);
      writeCustomer(customer, nextPos(), null);
    },

    updateCustomer(customer) {
      assertIdentitiesFree(customer);
      const old = db.customers.get(key(customer.workspaceId, customer.id));
      if (!old) throw notFound('customer', customer.id);
      writeCustomer(customer, old.pos, old.mergedInto);
    },

    mergeCustomer(ws, sourceId, targetId) {
      const source = db.customers.get(key(ws, sourceId));
      if (!source) throw notFound('customer', sourceId);
      if (source.mergedInto !== null) throw conflict(`Customer "${sourceId}" was already merged into "${source.mergedInto}".`);
      let target = targetId;
      for (let hop = 0; ; hop++) {
        const row = db.customers.get(key(ws, target));
        if (!row) throw notFound('customer', targetId);
        if (row.mergedInto === null || hop >= MAX_MERGE_HOPS) break;
        target = row.mergedInto;
      }
      if (target === sourceId) throw new CasekitError('bad_request', `Customer "${sourceId}" cannot be merged into itself.`);
      const moved = { customerId: target };
      for (const row of [...db.cases.by.customer.list(key(ws, sourceId))]) {
        journal.write('cases', key(ws, row.value.id), { ...row, value: withFields(row.value, moved) });
      }
      for (const pk of [...db.conversations.by.customer.get(key(ws, sourceId))]) {
        const row = db.conversations.get(pk)!;
        journal.write('conversations', pk, { ...row, value: withFields(row.value, moved) });
      }
      // What the customer sent with a client id moves to the survivor's scope, so a retry after
      // the merge is still found; an id both profiles used stays with the message it names.
      const scope = key(sourceId, '');
      for (const row of [...db.messages.by.customer.list(key(ws, sourceId))]) {
        let clientKey = row.clientKey;
        if (clientKey?.startsWith(scope)) {
          const rekeyed = key(target, clientKey.slice(scope.length));
          if (db.messages.by.client.get(key(ws, rekeyed)) === undefined) clientKey = rekeyed;
        }
        journal.write('messages', key(ws, row.value.id), { ...row, clientKey, value: withFields(row.value, moved) });
      }
      for (const row of [...db.events.by.customer.list(key(ws, sourceId))]) {
        journal.write('events', key(ws, row.value.seq), { ...row, value: withFields<CaseEvent>(row.value, moved) });
      }
      // A key both profiles hold stays once, with the target.
      for (const pk of [...db.customerKeys.by.customer.get(key(ws, sourceId))]) {
        const row = db.customerKeys.get(pk)!;
        journal.write('customerKeys', pk, undefined);
        const survivor = key(ws, row.kind, row.key, target);
        if (!db.customerKeys.get(survivor)) journal.write('customerKeys', survivor, { ...row, customerId: target });
      }
      journal.write('customers', key(ws, sourceId), { ...source, mergedInto: target });
    },

    nextCaseNumber: (ws) => counter(ws, 'case_number'),

    insertCase(kase) {
      const activity = toMs(kase.lastActivityAt, 'lastActivityAt');
      const pk = key(kase.workspaceId, kase.id);
      if (db.cases.get(pk)) throw conflict(`A case with id "${kase.id}" already exists in this workspace.`);
      if (db.cases.by.number.get(key(kase.workspaceId, kase.number)) !== undefined) throw conflict(`A case with number ${kase.number} already exists in this workspace.`);
      requireCustomerRow(kase.workspaceId, kase.customerId, kase.id);
      const value = frozen(kase);
      journal.write('cases', pk, { pos: nextPos(), activity, terms: caseTerms(value), value });
    },

    updateCase(kase, expectedVersion) {
      const pk = key(kase.workspaceId, kase.id);
      const old = db.cases.get(pk);
      if (!old) throw notFound('case', kase.id);
      if (old.value.version !== expectedVersion) {
        throw new CasekitError('version_conflict', `Case #${kase.number} is at version ${old.value.version}, not ${expectedVersion}; reload it and try again.`, {
          details: { currentVersion: old.value.version },
        });
      }
      const activity = toMs(kase.lastActivityAt, 'lastActivityAt');
      requireCustomerRow(kase.workspaceId, kase.customerId, kase.id);
      const value = frozen(kase);
      const sameText = old.value.subject === value.subject && old.value.preview === value.preview;
      const row: CaseRow = { pos: old.pos, activity, terms: sameText ? old.terms : caseTerms(value), value };
      journal.write('cases', pk, row);
    },

    moveCaseContents(ws, sourceCaseId, targetCaseId) {
      if (!db.cases.get(key(ws, targetCaseId))) throw notFound('case', targetCaseId);
      const moved = { caseId: targetCaseId };
      for (const row of [...db.conversations.by.case.list(key(ws, sourceCaseId))]) {
        journal.write('conversations', key(ws, row.value.id), { ...row, value: withFields(row.value, moved) });
      }
      for (const row of [...db.messages.by.case.list(key(ws, sourceCaseId))]) {
        journal.write('messages', key(ws, row.value.id), { ...row, value: withFields(row.value, moved) });
      }
    },

    insertConversation(conversation) {
      const lastMessageAt = toMs(conversation.lastMessageAt, 'lastMessageAt');
      const pk = key(conversation.workspaceId, conversation.id);
      if (db.conversations.get(pk)) throw conflict(`A conversation with id "${conversation.id}" already exists.`);
      if (!db.cases.get(key(conversation.workspaceId, conversation.caseId))) {
        throw notFound(`case for conversation "${conversation.id}"`, conversation.caseId);
      }
      journal.write('conversations', pk, { pos: nextPos(), lastMessageAt, value: frozen(conversation) });
    },

    updateConversation(conversation) {
      const lastMessageAt = toMs(conversation.lastMessageAt, 'lastMessageAt');
      const pk = key(conversation.workspaceId, conversation.id);
      const old = db.conversations.get(pk);
      if (!old) throw notFound('conversation', conversation.id);
      if (!db.cases.get(key(conversation.workspaceId, conversation.caseId))) {
        throw notFound(`case for conversation "${conversation.id}"`, conversation.caseId);
      }
      journal.write('conversations', pk, { pos: old.pos, lastMessageAt, value: frozen(conversation) });
    },

    insertMessage(message) {
      const ws = message.workspaceId;
      const pk = key(ws, message.id);
      // The client id is scoped to who sent it: the agent, or the customer.
      const clientKey = message.clientMessageId === null ? null : key(message.authorId ?? message.customerId, message.clientMessageId);
      const taken = (what: string) => conflict(`A message with ${what} is already stored.`, { messageId: message.id });
      if (db.messages.get(pk)) throw taken(`id "${message.id}"`);
      if (message.providerMessageId !== null && db.messages.by.provider.get(key(ws, message.channelId, message.providerMessageId)) !== undefined) {
        throw taken(`provider message id "${message.providerMessageId}" on channel "${message.channelId}"`);
      }
      if (clientKey !== null && db.messages.by.client.get(key(ws, clientKey)) !== undefined) {
        throw taken(`client message id "${message.clientMessageId}" from the same sender`);
      }
      if (!db.cases.get(key(ws, message.caseId)) || !db.conversations.get(key(ws, message.conversationId))) {
        throw new CasekitError('not_found', `Message "${message.id}" points at case "${message.caseId}" / conversation "${message.conversationId}", which do not exist.`);
      }
      journal.write('messages', pk, { pos: nextPos(), clientKey, value: frozen(message) });
    },

    updateMessageDelivery(ws, messageId, delivery) {
      const row = db.messages.get(key(ws, messageId));
      if (!row) throw notFound('message', messageId);
      const { status, providerMessageId, headers, deliveryError } = delivery;
      if (providerMessageId !== undefined && providerMessageId !== null) {
        const holder = db.messages.by.provider.get(key(ws, row.value.channelId, providerMessageId));
        if (holder !== undefined && holder !== key(ws, messageId)) {
          throw conflict(`A message with provider message id "${providerMessageId}" on channel "${row.value.channelId}" is already stored.`, { messageId });
        }
      }
      const { deliveryError: _cleared, ...kept } = row.value;
      const base = deliveryError === null ? kept : row.value;
      const fields = {
        status,
        ...(providerMessageId !== undefined && { providerMessageId }),
        ...(headers && { headers }),
        ...(deliveryError && { deliveryError }),
      };
      journal.write('messages', key(ws, messageId), { ...row, value: frozen({ ...base, ...fields }) });
    },

    appendEvent(event) {
      const seq = counter(event.workspaceId, 'seq');
      const value = frozen({ seq, ...event } as CaseEvent);
      journal.write('events', key(event.workspaceId, seq), { public: isPublicEvent(value), value });
      return copy(value);
    },

    enqueueOutbox(item) {
      const pk = key(item.workspaceId, item.id);
      const due = toMs(item.nextAttemptAt, 'nextAttemptAt');
      const leaseUntil = item.leaseUntil === null ? null : toMs(item.leaseUntil, 'leaseUntil');
      if (db.outbox.get(pk)) throw conflict(`An outbox item with id "${item.id}" already exists.`);
      const value = frozen({ ...item, nextAttemptAt: toIso(due), leaseUntil: leaseUntil === null ? null : toIso(leaseUntil) });
      journal.write('outbox', pk, { pos: nextPos(), due, leaseUntil, value });
    },

    markCaseRead(ws, agentId, caseId, at) {
      const ms = toMs(at, 'at');
      const pk = key(ws, agentId, caseId);
      const stored = db.caseReads.get(pk);
      if (stored === undefined || ms > stored) journal.write('caseReads', pk, ms);
    },

    putIdempotent(ws, scope, idempotencyKey, response) {
      const pk = key(ws, scope, idempotencyKey);
      if (idempotentKeyHeld(db.idempotency.get(pk) ?? null, response)) throw conflict(`A response for Idempotency-Key "${idempotencyKey}" is already stored.`);
      journal.write('idempotency', pk, frozen(response));
    },

    setTimer(timer) {
      const { dueAt } = checkTimerInput(timer);
      const { workspaceId, key: timerKey, kind, payload } = timer;
      const value = frozen({ workspaceId, key: timerKey, kind, dueAt: toIso(dueAt), payload, version: nextPos(), runAt: toIso(dueAt), attempts: 0, leaseUntil: null, lastError: null });
      journal.write('timers', key(workspaceId, timerKey), { runAt: dueAt, value });
    },

    clearTimer(ws, timerKey) {
      if (db.timers.get(key(ws, timerKey))) journal.write('timers', key(ws, timerKey), undefined);
    },

    putRecord(ws, collection, recordKey, value, at) {
      const json = checkRecordInput(ws, collection, recordKey, value);
      const updatedAt = toMs(at, 'at');
      journal.write('records', key(ws, collection, recordKey), Object.freeze({ ws, collection, key: recordKey, json, updatedAt }));
    },

    deleteRecord(ws, collection, recordKey) {
      const pk = key(ws, collection, recordKey);
      if (db.records.get(pk)) journal.write('records', pk, undefined);
    },

    claimOutbox(now, leaseMs, limit) {
      const at = now.getTime();
      const leaseUntil = at + leaseMs;
      const claimed: OutboxItem[] = [];
      const due = db.outbox.by.due.list('');
      // A claim keeps each item's place in the list, so the walk goes on over the same array.
      for (let i = 0; i < due.length && due[i]!.due <= at && claimed.length < limit; i++) {
        const row = due[i]!;
        if (row.leaseUntil !== null && row.leaseUntil > at) continue;
        const value = withFields(row.value, { leaseUntil: toIso(leaseUntil) });
        journal.write('outbox', key(value.workspaceId, value.id), { ...row, leaseUntil, value });
        claimed.push(copy(value));
      }
      return claimed;
    },

    completeOutbox(ws, itemId) {
      if (db.outbox.get(key(ws, itemId))) journal.write('outbox', key(ws, itemId), undefined);
    },

    failOutbox(ws, itemId, error, retryAt) {
      const pk = key(ws, itemId);
      const row = db.outbox.get(pk);
      if (!row) return;
      if (retryAt === null) {
        journal.write('outbox', pk, undefined);
        return;
      }
      const due = retryAt.getTime();
      const value = withFields(row.value, { attempts: row.value.attempts + 1, lastError: error.slice(0, MAX_ERROR_LENGTH), nextAttemptAt: toIso(due), leaseUntil: null });
      journal.write('outbox', pk, { ...row, due, leaseUntil: null, value });
    },

    claimTimers(now, leaseMs, limit) {
      const at = now.getTime();
      const leaseUntil = at + leaseMs;
      // Claimable timers are exactly the head of the list; a claim moves each past `at`.
      const list = db.timers.by.runAt.list('');
      const due = [];
      for (let i = 0; i < list.length && list[i]!.runAt <= at && due.length < limit; i++) due.push(list[i]!);
      return due.map((row) => {
        const value = withFields(row.value, { runAt: toIso(leaseUntil), leaseUntil: toIso(leaseUntil) });
        journal.write('timers', key(value.workspaceId, value.key), { runAt: leaseUntil, value });
        return copy(value);
      });
    },

    completeTimer(ws, timerKey, version) {
      const pk = key(ws, timerKey);
      if (db.timers.get(pk)?.value.version === version) journal.write('timers', pk, undefined);
    },

    failTimer(ws, timerKey, version, error, retryAt) {
      const pk = key(ws, timerKey);
      const row = db.timers.get(pk);
      if (row?.value.version !== version) return;
      if (retryAt === null) {
        journal.write('timers', pk, undefined);
        return;
      }
      const runAt = retryAt.getTime();
      const value = withFields(row.value, { attempts: row.value.attempts + 1, lastError: error.slice(0, MAX_ERROR_LENGTH), runAt: toIso(runAt), leaseUntil: null });
      journal.write('timers', pk, { runAt, value });
    },
  };
}
