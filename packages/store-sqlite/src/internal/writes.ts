import { checkRecordInput, checkTimerInput, customerSearchText, IDEMPOTENCY_KEY_TTL_MS, idempotentKeyHeld, isPublicEvent, searchTerms } from '@casekit/core';
import type { AgentRecord, IdempotentResponse, MessageDelivery, OutboxItem, StoreReader, StoreTx } from '@casekit/core';
import { CasekitError, type Case, type CaseEvent, type Conversation, type Customer, type Message, type NewCaseEvent } from '@casekit/protocol';
import { channelMask, FTS_KEY_SPAN } from './case-list.ts';
import { clientKey, identityKey, isConstraint, MAX_MERGE_HOPS, NUL, parse, providerKey, toMs, type Prepare, type Sync } from './rows.ts';
import type { SecretBox } from '@casekit/core';

type Writes = Sync<Omit<StoreTx, keyof StoreReader>>;

/**
 * Words known to be in `case_terms`. A transaction's new words wait in `pending` and join
 * `known` only after its commit, so a rolled-back transaction leaves nothing behind.
 */
export interface TermCache {
  known: Set<string>;
  pending: string[];
}
/** Past this many, `known` is emptied and filled again as words recur. */
export const MAX_KNOWN_TERMS = 100_000;

/** The store's writes, run inside a transaction on the write connection. */
export function createWrites(s: Prepare, terms: TermCache, box: SecretBox): Writes {
  function assertIdentitiesFree(customer: Customer): void {
    for (const identity of customer.identities) {
      const holder = s(`SELECT customer_id FROM customer_keys WHERE ws = ? AND kind = 'identity' AND key = ?`).get(
        customer.workspaceId,
        identityKey(identity.channelId, identity.externalId),
      );
      if (holder && holder.customer_id !== customer.id) {
        throw new CasekitError(
          'conflict',
          `Customer "${holder.customer_id as string}" already has the identity "${identity.externalId}" on channel "${identity.channelId}"; merge the profiles instead.`,
          { details: { field: 'identities', customerId: holder.customer_id } },
        );
      }
    }
  }

  function writeCustomerKeys(customer: Customer): void {
    s('DELETE FROM customer_keys WHERE ws = ? AND customer_id = ?').run(customer.workspaceId, customer.id);
    const insert = s('INSERT OR IGNORE INTO customer_keys (ws, kind, key, customer_id) VALUES (?, ?, ?, ?)');
    for (const [kind, key] of customerKeys(customer)) insert.run(customer.workspaceId, kind, key, customer.id);
  }

  function caseTags(ws: string, id: string, tags: readonly string[], activity: number, add: boolean): void {
    const statement = add
      ? s('INSERT OR IGNORE INTO case_tags (ws, tag, activity, case_id) VALUES (?, ?, ?, ?)')
      : s('DELETE FROM case_tags WHERE ws = ? AND tag = ? AND activity = ? AND case_id = ?');
    for (const tag of tags) statement.run(ws, tag, activity, id);
  }

  function notFound(what: string, id: string): CasekitError {
    return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
  }

  function rename(table: 'cases' | 'conversations' | 'messages' | 'events', column: 'customer_id' | 'case_id', ws: string, from: string, to: string): void {
    const field = column === 'customer_id' ? '$.customerId' : '$.caseId';
    s(`UPDATE ${table} SET ${column} = ?, json = json_set(json, '${field}', ?) WHERE ws = ? AND ${column} = ?`).run(to, to, ws, from);
  }

  /** SQL for a case's text-index key: activity, then a tie-break. It stays in SQL: it does not fit a JS number. */
  const FTS_KEY = (activity: string, tie: string) =>
    `min(max(CAST(${activity} AS INTEGER), -4398046511104), 4398046511103) * ${FTS_KEY_SPAN} + (CAST(${tie} AS INTEGER) & ${FTS_KEY_SPAN - 1})`;

  /**
   * Keys the case in the text index by its activity (see FTS_KEY_SPAN). The row position is the
   * tie-break; one already taken (two cases active in the same millisecond whose positions agree
   * in their low bits) is retried with a random one.
   */
  function assignFtsKey(pos: number, activity: number): void {
    for (let attempt = 0; ; attempt++) {
      const tie = attempt === 0 ? pos : Math.floor(Math.random() * FTS_KEY_SPAN);
      try {
        s(`UPDATE cases SET fts_key = ${FTS_KEY('?', '?')} WHERE pos = ?`).run(activity, tie, pos);
        return;
      } catch (error) {
        if (!isConstraint(error, 'UNIQUE') || attempt >= 16) throw error;
      }
    }
  }

  /**
   * Adds the case's words to the vocabulary that prefix searches expand against. Words this
   * store has already added are skipped: a preview changes with every message, its words rarely.
   */
  function rememberTerms(kase: Case): void {
    const fresh = [...new Set(searchTerms(`${kase.subject} ${kase.preview}`))].filter((term) => !terms.known.has(term));
    if (fresh.length === 0) return;
    s('INSERT OR IGNORE INTO case_terms (term) SELECT value FROM json_each(?)').run(JSON.stringify(fresh));
    terms.pending.push(...fresh);
  }

  /** The next value of a per-workspace sequence. (An upsert with RETURNING measured 3× slower here.) */
  function counter(ws: string, name: 'seq' | 'case_number'): number {
    if (s('UPDATE counters SET value = value + 1 WHERE ws = ? AND name = ?').run(ws, name).changes === 0) {
      s('INSERT INTO counters (ws, name, value) VALUES (?, ?, 1)').run(ws, name);
    }
    return s('SELECT value FROM counters WHERE ws = ? AND name = ?').get(ws, name)!.value as number;
  }

  /** A channel's secrets as the `secret` column keeps them: one sealed JSON object, or NULL for none. */
  const sealSecrets = (secrets: Record<string, string>) => (Object.keys(secrets).length === 0 ? null : box.seal(JSON.stringify(secrets)));
  /** An agent as its row keeps it: the password hash apart, a bot's secrets sealed inside the JSON. */
  const agentRow = ({ passwordHash, secrets, ...rest }: AgentRecord) => {
    const sealed = secrets && sealSecrets(secrets);
    return { passwordHash, agent: sealed ? { ...rest, sealedSecrets: sealed } : rest };
  };

  return {
    putWorkspace(workspace) {
      s('INSERT INTO workspaces (id, json) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json').run(workspace.id, JSON.stringify(workspace));
    },

    insertChannel(record) {
      const { secrets, ...channel } = record;
      try {
        s('INSERT INTO channels (ws, id, secret, json) VALUES (?, ?, ?, ?)').run(channel.workspaceId, channel.id, sealSecrets(secrets), JSON.stringify(channel));
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) throw new CasekitError('conflict', `A channel with id "${channel.id}" already exists.`, { cause: error });
        throw error;
      }
    },

    updateChannel(record) {
      const { secrets, ...channel } = record;
      const { changes } = s('UPDATE channels SET secret = ?, json = ? WHERE ws = ? AND id = ?').run(sealSecrets(secrets), JSON.stringify(channel), channel.workspaceId, channel.id);
      if (changes === 0) throw notFound('channel', channel.id);
    },

    insertAgent(record) {
      const { passwordHash, agent } = agentRow(record);
      try {
        s('INSERT INTO agents (ws, id, email, password_hash, json) VALUES (?, ?, ?, ?, ?)').run(
          agent.workspaceId,
          agent.id,
          agent.email.toLowerCase(),
          passwordHash,
          JSON.stringify(agent),
        );
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) throw agentConflict(error, agent.id, agent.email);
        throw error;
      }
    },

    updateAgent(record) {
      const { passwordHash, agent } = agentRow(record);
      let changes: number;
      try {
        changes = s('UPDATE agents SET email = ?, password_hash = ?, json = ? WHERE ws = ? AND id = ?').run(
          agent.email.toLowerCase(),
          passwordHash,
          JSON.stringify(agent),
          agent.workspaceId,
          agent.id,
        ).changes;
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) throw agentConflict(error, agent.id, agent.email);
        throw error;
      }
      if (changes === 0) throw notFound('agent', agent.id);
    },

    insertCustomer(customer) {
      assertIdentitiesFree(customer);
      try {
        s('INSERT INTO customers (ws, id, merged_into, search, json) VALUES (?, ?, NULL, ?, ?)').run(
          customer.workspaceId,
          customer.id,
          customerSearchText(customer),
          JSON.stringify(customer),
        );
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) throw new CasekitError('conflict', `A customer with id "${customer.id}" already exists.`, { cause: error });
        throw error;
      }
      writeCustomerKeys(customer);
    },

    updateCustomer(customer) {
      assertIdentitiesFree(customer);
      const { changes } = s('UPDATE customers SET search = ?, json = ? WHERE ws = ? AND id = ?').run(
        customerSearchText(customer),
        JSON.stringify(customer),
        customer.workspaceId,
        customer.id,
      );
      if (changes === 0) throw notFound('customer', customer.id);
      writeCustomerKeys(customer);
    },

    mergeCustomer(ws, sourceId, targetId) {
      const source = s('SELECT merged_into FROM customers WHERE ws = ? AND id = ?').get(ws, sourceId);
      if (!source) throw notFound('customer', sourceId);
      if (source.merged_into !== null) throw new CasekitError('conflict', `Customer "${sourceId}" was already merged into "${source.merged_into as string}".`);
      let target = targetId;
      for (let hop = 0; ; hop++) {
        const row = s('SELECT merged_into FROM customers WHERE ws = ? AND id = ?').get(ws, target);
        if (!row) throw notFound('customer', targetId);
        if (row.merged_into === null || hop >= MAX_MERGE_HOPS) break;
        target = row.merged_into as string;
      }
      if (target === sourceId) throw new CasekitError('bad_request', `Customer "${sourceId}" cannot be merged into itself.`);
      for (const table of ['cases', 'conversations', 'messages', 'events'] as const) rename(table, 'customer_id', ws, sourceId, target);
      // What the customer sent with a client id moves to the survivor's scope, so a retry after
      // the merge is still found; an id both profiles used stays with the message it names.
      const scope = clientKey(sourceId, '');
      const rekey = s('UPDATE OR IGNORE messages SET client_key = ? WHERE pos = ?');
      for (const row of s('SELECT pos, client_key FROM messages WHERE ws = ? AND client_key >= ? AND client_key < ?').all(ws, scope, `${sourceId}\u0001`)) {
        rekey.run(clientKey(target, (row.client_key as string).slice(scope.length)), row.pos);
      }
      // A key both profiles hold stays once, with the target.
      s('UPDATE OR IGNORE customer_keys SET customer_id = ? WHERE ws = ? AND customer_id = ?').run(target, ws, sourceId);
      s('DELETE FROM customer_keys WHERE ws = ? AND customer_id = ?').run(ws, sourceId);
      s('UPDATE customers SET merged_into = ? WHERE ws = ? AND id = ?').run(target, ws, sourceId);
    },

    nextCaseNumber: (ws) => counter(ws, 'case_number'),

    insertCase(kase) {
      const activity = toMs(kase.lastActivityAt, 'lastActivityAt');
      let pos: number;
      try {
        pos = Number(
          s(
            `INSERT INTO cases (ws, id, number, status, priority, customer_id, assignee_id, team, channel_mask, activity, version, json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(kase.workspaceId, kase.id, kase.number, ...caseColumns(kase, activity)).lastInsertRowid,
        );
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) {
          const what = (error as Error).message.includes('number') ? `number ${kase.number}` : `id "${kase.id}"`;
          throw new CasekitError('conflict', `A case with ${what} already exists in this workspace.`, { cause: error });
        }
        if (isConstraint(error, 'FOREIGNKEY')) throw new CasekitError('not_found', `No customer with id "${kase.customerId}" for case "${kase.id}"; insert the customer first.`, { cause: error });
        throw error;
      }
      assignFtsKey(pos, activity);
      s('INSERT INTO cases_fts (rowid, subject, preview) SELECT fts_key, ?, ? FROM cases WHERE pos = ?').run(kase.subject, kase.preview, pos);
      rememberTerms(kase);
      caseTags(kase.workspaceId, kase.id, kase.tags, activity, true);
    },

    updateCase(kase, expectedVersion) {
      const old = s(
        `SELECT pos, version, activity, json_extract(json, '$.subject') AS subject, json_extract(json, '$.preview') AS preview,
                json_extract(json, '$.tags') AS tags
         FROM cases WHERE ws = ? AND id = ?`,
      ).get(kase.workspaceId, kase.id);
      if (!old) throw notFound('case', kase.id);
      if (old.version !== expectedVersion) {
        throw new CasekitError('version_conflict', `Case #${kase.number} is at version ${old.version as number}, not ${expectedVersion}; reload it and try again.`, {
          details: { currentVersion: old.version },
        });
      }
      const pos = old.pos as number;
      const activity = toMs(kase.lastActivityAt, 'lastActivityAt');
      const moved = old.activity !== activity;
      const textChanged = old.subject !== kase.subject || old.preview !== kase.preview;
      if (moved || textChanged) s('DELETE FROM cases_fts WHERE rowid = (SELECT fts_key FROM cases WHERE pos = ?)').run(pos);
      const update = `UPDATE cases SET status = ?, priority = ?, customer_id = ?, assignee_id = ?, team = ?, channel_mask = ?, activity = ?, version = ?, json = ?`;
      try {
        // New activity, new text-index key, written with the row; a key already taken is retried.
        if (moved) s(`${update}, fts_key = ${FTS_KEY('?', 'pos')} WHERE pos = ?`).run(...caseColumns(kase, activity), activity, pos);
        else s(`${update} WHERE pos = ?`).run(...caseColumns(kase, activity), pos);
      } catch (error) {
        if (isConstraint(error, 'FOREIGNKEY')) throw new CasekitError('not_found', `No customer with id "${kase.customerId}" for case "${kase.id}".`, { cause: error });
        if (!moved || !isConstraint(error, 'UNIQUE')) throw error;
        s(`${update} WHERE pos = ?`).run(...caseColumns(kase, activity), pos);
        assignFtsKey(pos, activity);
      }
      if (moved || textChanged) {
        s('INSERT INTO cases_fts (rowid, subject, preview) SELECT fts_key, ?, ? FROM cases WHERE pos = ?').run(kase.subject, kase.preview, pos);
        if (textChanged) rememberTerms(kase);
      }
      const oldTags = parse<string[]>(old.tags ?? '[]');
      if (moved || JSON.stringify(oldTags) !== JSON.stringify(kase.tags)) {
        caseTags(kase.workspaceId, kase.id, oldTags, old.activity as number, false);
        caseTags(kase.workspaceId, kase.id, kase.tags, activity, true);
      }
    },

    moveCaseContents(ws, sourceCaseId, targetCaseId) {
      if (!s('SELECT 1 FROM cases WHERE ws = ? AND id = ?').get(ws, targetCaseId)) throw notFound('case', targetCaseId);
      rename('conversations', 'case_id', ws, sourceCaseId, targetCaseId);
      rename('messages', 'case_id', ws, sourceCaseId, targetCaseId);
    },

    insertConversation(conversation) {
      try {
        s(
          `INSERT INTO conversations (ws, id, case_id, customer_id, channel_id, thread_key, last_message_at, json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(conversation.workspaceId, conversation.id, ...conversationLinks(conversation), toMs(conversation.lastMessageAt, 'lastMessageAt'), JSON.stringify(conversation));
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) throw new CasekitError('conflict', `A conversation with id "${conversation.id}" already exists.`, { cause: error });
        if (isConstraint(error, 'FOREIGNKEY')) throw new CasekitError('not_found', `No case with id "${conversation.caseId}" for conversation "${conversation.id}"; insert the case first.`, { cause: error });
        throw error;
      }
    },

    updateConversation(conversation) {
      const lastMessageAt = toMs(conversation.lastMessageAt, 'lastMessageAt');
      const json = JSON.stringify(conversation);
      // Usually only the time moved (a new message): then only the index on time is rewritten.
      const touched = s(
        `UPDATE conversations SET last_message_at = ?, json = ?
         WHERE ws = ? AND id = ? AND case_id = ? AND customer_id = ? AND channel_id = ? AND thread_key IS ?`,
      ).run(lastMessageAt, json, conversation.workspaceId, conversation.id, ...conversationLinks(conversation));
      if (touched.changes === 1) return;
      const { changes } = s(
        `UPDATE conversations SET case_id = ?, customer_id = ?, channel_id = ?, thread_key = ?, last_message_at = ?, json = ?
         WHERE ws = ? AND id = ?`,
      ).run(...conversationLinks(conversation), lastMessageAt, json, conversation.workspaceId, conversation.id);
      if (changes === 0) throw notFound('conversation', conversation.id);
    },

    insertMessage(message) {
      const byProvider = message.providerMessageId !== null ? providerKey(message.channelId, message.providerMessageId) : null;
      // The client id is scoped to who sent it: the agent, or the customer.
      const bySender = message.clientMessageId !== null ? clientKey(message.authorId ?? message.customerId, message.clientMessageId) : null;
      try {
        s(
          `INSERT INTO messages (ws, id, case_id, conversation_id, customer_id, internal, provider_key, client_key, json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          message.workspaceId,
          message.id,
          message.caseId,
          message.conversationId,
          message.customerId,
          message.internal ? 1 : 0,
          byProvider,
          bySender,
          JSON.stringify(message),
        );
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) {
          const text = (error as Error).message;
          const what = text.includes('provider_key')
            ? `provider message id "${message.providerMessageId}" on channel "${message.channelId}"`
            : text.includes('client_key')
              ? `client message id "${message.clientMessageId}" from the same sender`
              : `id "${message.id}"`;
          throw new CasekitError('conflict', `A message with ${what} is already stored.`, { cause: error, details: { messageId: message.id } });
        }
        if (isConstraint(error, 'FOREIGNKEY')) {
          throw new CasekitError('not_found', `Message "${message.id}" points at case "${message.caseId}" / conversation "${message.conversationId}", which do not exist.`, { cause: error });
        }
        throw error;
      }
    },

    updateMessageDelivery(ws, messageId, delivery: MessageDelivery) {
      const row = s('SELECT json FROM messages WHERE ws = ? AND id = ?').get(ws, messageId);
      if (!row) throw notFound('message', messageId);
      const { deliveryError: cleared, ...kept } = parse<Message>(row.json);
      const message: Message = delivery.deliveryError === null ? kept : { ...kept, ...(cleared && { deliveryError: cleared }) };
      const { status, providerMessageId, headers, deliveryError } = delivery;
      const next: Message = {
        ...message,
        status,
        ...(providerMessageId !== undefined && { providerMessageId }),
        ...(headers && { headers }),
        ...(deliveryError && { deliveryError }),
      };
      const byProvider = next.providerMessageId !== null ? providerKey(next.channelId, next.providerMessageId) : null;
      try {
        s('UPDATE messages SET provider_key = ?, json = ? WHERE ws = ? AND id = ?').run(byProvider, JSON.stringify(next), ws, messageId);
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) {
          throw new CasekitError('conflict', `A message with provider message id "${providerMessageId}" on channel "${next.channelId}" is already stored.`, { cause: error });
        }
        throw error;
      }
    },

    appendEvent(event: NewCaseEvent): CaseEvent {
      const seq = counter(event.workspaceId, 'seq');
      const stored = { seq, ...event } as CaseEvent;
      s('INSERT INTO events (ws, seq, type, case_id, customer_id, public, json) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        event.workspaceId,
        seq,
        event.type,
        event.caseId,
        event.customerId,
        isPublicEvent(event) ? 1 : 0,
        JSON.stringify(stored),
      );
      return stored;
    },

    enqueueOutbox(item: OutboxItem) {
      try {
        s(
          `INSERT INTO outbox (ws, id, message_id, channel_id, attempts, next_attempt_at, lease_until, last_error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          item.workspaceId,
          item.id,
          item.messageId,
          item.channelId,
          item.attempts,
          toMs(item.nextAttemptAt, 'nextAttemptAt'),
          item.leaseUntil === null ? null : toMs(item.leaseUntil, 'leaseUntil'),
          item.lastError,
        );
      } catch (error) {
        if (isConstraint(error, 'UNIQUE')) throw new CasekitError('conflict', `An outbox item with id "${item.id}" already exists.`, { cause: error });
        throw error;
      }
    },

    markCaseRead(ws, agentId, caseId, at) {
      s(
        `INSERT INTO case_reads (ws, agent_id, case_id, read_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (ws, agent_id, case_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)`,
      ).run(ws, agentId, caseId, toMs(at, 'at'));
    },

    putIdempotent(ws, scope, key, response: IdempotentResponse) {
      const row = s('SELECT json FROM idempotency WHERE ws = ? AND scope = ? AND key = ?').get(ws, scope, key) as { json: string } | undefined;
      if (idempotentKeyHeld(row ? (JSON.parse(row.json) as IdempotentResponse) : null, response)) {
        throw new CasekitError('conflict', `A response for Idempotency-Key "${key}" is already stored.`);
      }
      const now = Date.now();
      s('INSERT OR REPLACE INTO idempotency (ws, scope, key, created_at, json) VALUES (?, ?, ?, ?, ?)').run(ws, scope, key, now, JSON.stringify(response));
      // Answers are replayed for a day: older ones only take room (by the time they were written).
      s('DELETE FROM idempotency WHERE created_at < ?').run(now - IDEMPOTENCY_KEY_TTL_MS);
    },

    setTimer(timer) {
      const { dueAt, payload } = checkTimerInput(timer);
      // REPLACE deletes the earlier row, so the timer gets a new version (rowid).
      s(
        `INSERT OR REPLACE INTO timers (ws, key, kind, due_at, run_at, lease_until, attempts, last_error, payload)
         VALUES (?, ?, ?, ?, ?, NULL, 0, NULL, ?)`,
      ).run(timer.workspaceId, timer.key, timer.kind, dueAt, dueAt, payload);
    },

    clearTimer(ws, key) {
      s('DELETE FROM timers WHERE ws = ? AND key = ?').run(ws, key);
    },

    putRecord(ws, collection, key, value, at) {
      const json = checkRecordInput(ws, collection, key, value);
      s(
        `INSERT INTO integration_records (ws, collection, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (ws, collection, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ).run(ws, collection, key, json, toMs(at, 'at'));
    },

    deleteRecord(ws, collection, key) {
      s('DELETE FROM integration_records WHERE ws = ? AND collection = ? AND key = ?').run(ws, collection, key);
    },
  };
}

// ---- helpers ----

/** The indexed columns of a case row, in the order the insert and the update name them. */
function caseColumns(kase: Case, activity: number): unknown[] {
  return [kase.status, kase.priority, kase.customerId, kase.assigneeId, kase.team, channelMask(kase.channels), activity, kase.version, JSON.stringify(kase)];
}

/** The indexed links of a conversation row: case_id, customer_id, channel_id, thread_key. */
function conversationLinks(conversation: Conversation): unknown[] {
  return [conversation.caseId, conversation.customerId, conversation.channelId, conversation.externalThreadId];
}

function customerKeys(customer: Customer): [kind: string, key: string][] {
  const keys = new Map<string, [string, string]>();
  const add = (kind: string, key: string) => keys.set(`${kind}${NUL}${key}`, [kind, key]);
  for (const identity of customer.identities) add('identity', identityKey(identity.channelId, identity.externalId));
  for (const email of customer.emails) add('email', email.toLowerCase());
  for (const phone of customer.phones) add('phone', phone);
  return [...keys.values()];
}

function agentConflict(error: unknown, id: string, email: string): CasekitError {
  const byEmail = (error as Error).message.includes('email');
  return new CasekitError('conflict', byEmail ? `Another agent already signs in with "${email}".` : `An agent with id "${id}" already exists.`, {
    cause: error,
    details: { field: byEmail ? 'email' : 'id' },
  });
}
