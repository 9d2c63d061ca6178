import { ACTIVE_STATUSES, checkMessageQuery } from '@casekit/core';
import type { AgentRecord, CaseQuery, ChannelRecord, EventQuery, IdempotentResponse, IntegrationRecord, MessageQuery, RecordQuery, StoreReader, StoredEventJson } from '@casekit/core';
import type { Case, CaseEvent, Conversation, Customer, Message, Page, Workspace, WorkspaceSettings } from '@casekit/protocol';
import { CUSTOMER_MATCH, MAX_CUSTOMER_WALKS, MAX_EXPANSION, planCaseList } from './case-list.ts';
import { decodePositionCursor, encodeCursor } from './cursor.ts';
import { assertLimit, clientKey, identityKey, MAX_MERGE_HOPS, pageOf, parse, providerKey, timerOf, type Prepare, type Row, type Sync } from './rows.ts';
import type { SecretBox } from '@casekit/core';

type WorkspaceRecord = Workspace & { settings: WorkspaceSettings };

/** A channel's secrets: a JSON object, or the single secret a channel kept before schema 6. */
function openSecrets(text: string, kind: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
      return parsed as Record<string, string>;
    }
  } catch {
    // an earlier plain secret
  }
  return { [kind === 'webchat' ? 'identitySecret' : 'secret']: text };
}

/** An `integration_records` row as the port's record. */
const recordOf = (row: Row): IntegrationRecord => ({ key: row.key as string, value: parse<unknown>(row.value), updatedAt: new Date(row.updated_at as number).toISOString() });

/**
 * The least string above every string that starts with `prefix`, in code point (UTF-8 byte)
 * order: its last code point below U+10FFFF, one up. Null when there is none.
 */
function prefixEnd(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return null;
}

/** The engine's sets of statuses as SQL lists (they are constants, so the statements stay cached). */
const sqlList = (statuses: ReadonlySet<string>) => [...statuses].map((status) => `'${status}'`).join(', ');
const ACTIVE_SQL = sqlList(ACTIVE_STATUSES);

/**
 * The store's reads over the statements of one connection. `snapshot` runs a function that
 * makes several reads inside one consistent view of the database.
 */
export function createReads(s: Prepare, box: SecretBox, snapshot: <T>(fn: () => T) => T): Sync<StoreReader> {
  /** The surviving id of a possibly merged-away customer (the id itself when unknown). */
  function canonicalCustomerId(ws: string, id: string): string {
    let current = id;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const row = s('SELECT merged_into FROM customers WHERE ws = ? AND id = ?').get(ws, current);
      if (!row || row.merged_into === null) return current;
      current = row.merged_into as string;
    }
    return current;
  }

  function customerById(ws: string, id: string): Customer | null {
    let current = id;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const row = s('SELECT merged_into, json FROM customers WHERE ws = ? AND id = ?').get(ws, current);
      if (!row) return null;
      if (row.merged_into === null) return parse<Customer>(row.json);
      current = row.merged_into as string;
    }
    return null;
  }

  function customerByKey(ws: string, kind: 'identity' | 'email' | 'phone', key: string): Customer | null {
    // An identity has one holder; an email or phone may have several: take the first by id.
    const row =
      kind === 'identity'
        ? s(`SELECT customer_id FROM customer_keys WHERE ws = ? AND kind = 'identity' AND key = ?`).get(ws, key)
        : s('SELECT customer_id FROM customer_keys WHERE ws = ? AND kind = ? AND key = ? ORDER BY customer_id LIMIT 1').get(ws, kind, key);
    return row ? customerById(ws, row.customer_id as string) : null;
  }

  const agent = (row: Row | undefined): AgentRecord | null => {
    if (!row) return null;
    // A bot's secrets are sealed inside its JSON, like a channel's in their column.
    const { sealedSecrets, ...record } = parse<AgentRecord & { sealedSecrets?: string }>(row.json);
    return { ...record, ...(sealedSecrets !== undefined && { secrets: openSecrets(box.open(sealedSecrets), 'bot') }), passwordHash: (row.password_hash as string | null) ?? null };
  };
  const channel = (row: Row | undefined): ChannelRecord | null => {
    if (!row) return null;
    const record = parse<Omit<ChannelRecord, 'secrets'>>(row.json);
    return { ...record, secrets: row.secret == null ? {} : openSecrets(box.open(row.secret as string), record.kind) };
  };
  const one = <T>(row: Row | undefined): T | null => (row ? parse<T>(row.json) : null);

  /** The `columns` of the events `listEvents` lists. */
  function eventRows(ws: string, query: EventQuery, columns: string): Row[] {
    assertLimit(query.limit);
    const after = Math.max(0, Math.floor(query.after));
    const pub = query.publicOnly ? ' AND public = 1' : '';
    if (query.customerId !== undefined) {
      return s(`SELECT ${columns} FROM events INDEXED BY events_by_customer WHERE ws = ? AND customer_id = ? AND seq > ?${pub} ORDER BY seq LIMIT ?`).all(
        ws,
        canonicalCustomerId(ws, query.customerId),
        after,
        query.limit,
      );
    }
    return s(`SELECT ${columns} FROM events WHERE ws = ? AND seq > ?${pub} ORDER BY seq LIMIT ?`).all(ws, after, query.limit);
  }

  return {
    getWorkspace: (ws) => one<WorkspaceRecord>(s('SELECT json FROM workspaces WHERE id = ?').get(ws)),
    getChannel: (ws, id) => channel(s('SELECT json, secret FROM channels WHERE ws = ? AND id = ?').get(ws, id)),
    listChannels: (ws) => s('SELECT json, secret FROM channels WHERE ws = ? ORDER BY pos').all(ws).map((row) => channel(row)!),
    getAgent: (ws, id) => agent(s('SELECT json, password_hash FROM agents WHERE ws = ? AND id = ?').get(ws, id)),
    getAgentByEmail: (ws, email) => agent(s('SELECT json, password_hash FROM agents WHERE ws = ? AND email = ?').get(ws, email.toLowerCase())),
    listAgents: (ws) => s('SELECT json, password_hash FROM agents WHERE ws = ? ORDER BY pos').all(ws).map((row) => agent(row)!),

    getCustomer: (ws, id) => customerById(ws, id),
    findCustomerByIdentity: (ws, channelId, externalId) => customerByKey(ws, 'identity', identityKey(channelId, externalId)),
    findCustomerByEmail: (ws, email) => customerByKey(ws, 'email', email.toLowerCase()),
    findCustomerByPhone: (ws, phone) => customerByKey(ws, 'phone', phone),

    getCase: (ws, id) => one<Case>(s('SELECT json FROM cases WHERE ws = ? AND id = ?').get(ws, id)),

    listCases(ws, query: CaseQuery): Page<Case> {
      assertLimit(query.limit);
      const resolved = query.customerId !== undefined ? { ...query, customerId: canonicalCustomerId(ws, query.customerId) } : query;
      const arms = planCaseList(ws, resolved, (prefix) => {
        const terms = s('SELECT term FROM case_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?')
          .all(prefix, `${prefix}\u{10FFFF}`, MAX_EXPANSION + 1)
          .map((row) => row.term as string);
        return terms.length > MAX_EXPANSION ? null : terms;
      }, (phrase) => {
        const ids = s(`${CUSTOMER_MATCH} LIMIT ?`).all(phrase, ws, MAX_CUSTOMER_WALKS + 1).map((row) => row.id as string);
        return ids.length > MAX_CUSTOMER_WALKS ? null : ids;
      });
      if (!arms) return { items: [], nextCursor: null };
      const take = query.limit + 1;
      const rows = snapshot(() => {
        const all: Row[] = [];
        const seen = new Set<unknown>();
        for (const arm of arms) {
          let got = s(arm.sql).all(...arm.params);
          if (arm.ties && got.length >= take) {
            // The walk stopped inside a group of equal activity: take that whole group.
            const last = got[got.length - 1]!.activity as number;
            const ties = arm.ties(last);
            got = got.filter((row) => row.activity !== last).concat(s(ties.sql).all(...ties.params));
          }
          for (const row of got) if (!seen.has(row.id)) (seen.add(row.id), all.push(row));
        }
        return all;
      });
      rows.sort((a, b) => (b.activity as number) - (a.activity as number) || (a.id! < b.id! ? 1 : a.id! > b.id! ? -1 : 0));
      return pageOf(rows, query.limit, (row) => parse<Case>(row.json), (row) => encodeCursor('case', [row.activity as number, row.id as string]));
    },

    getConversation: (ws, id) => one<Conversation>(s('SELECT json FROM conversations WHERE ws = ? AND id = ?').get(ws, id)),
    listConversations: (ws, caseId) =>
      s('SELECT json FROM conversations WHERE ws = ? AND case_id = ? ORDER BY pos').all(ws, caseId).map((row) => parse<Conversation>(row.json)),
    findLatestConversation(ws, customerId, channelId) {
      // A customer has few conversations on a channel: read their times from the index and take
      // the latest here. The same lookup as ORDER BY … DESC LIMIT 1 measured several times slower.
      const rows = s(
        'SELECT pos, last_message_at FROM conversations INDEXED BY conversations_by_customer WHERE ws = ? AND customer_id = ? AND channel_id = ?',
      ).all(ws, canonicalCustomerId(ws, customerId), channelId);
      let latest: Row | undefined;
      for (const row of rows) {
        if (!latest || (row.last_message_at as number) > (latest.last_message_at as number) || (row.last_message_at === latest.last_message_at && (row.pos as number) > (latest.pos as number))) latest = row;
      }
      return latest ? one<Conversation>(s('SELECT json FROM conversations WHERE pos = ?').get(latest.pos)) : null;
    },
    findConversationByThread: (ws, channelId, externalThreadId) =>
      one<Conversation>(
        s('SELECT json FROM conversations WHERE ws = ? AND channel_id = ? AND thread_key = ? ORDER BY pos DESC LIMIT 1').get(ws, channelId, externalThreadId),
      ),
    findActiveCase: (ws, customerId) =>
      one<Case>(
        s(
          `SELECT json FROM cases INDEXED BY cases_by_customer WHERE ws = ? AND customer_id = ? AND status IN (${ACTIVE_SQL})
           ORDER BY activity DESC, id DESC LIMIT 1`,
        ).get(ws, canonicalCustomerId(ws, customerId)),
      ),
    getMessage: (ws, id) => one<Message>(s('SELECT json FROM messages WHERE ws = ? AND id = ?').get(ws, id)),
    findMessageByProviderId: (ws, channelId, providerMessageId) =>
      one<Message>(s('SELECT json FROM messages WHERE ws = ? AND provider_key = ?').get(ws, providerKey(channelId, providerMessageId))),
    findMessageByClientId(ws, scope, clientMessageId) {
      const find = (sender: string) => one<Message>(s('SELECT json FROM messages WHERE ws = ? AND client_key = ?').get(ws, clientKey(sender, clientMessageId)));
      // A merged-away customer's id also finds what the surviving profile sent (looked up on a miss only).
      const found = find(scope);
      if (found) return found;
      const survivor = canonicalCustomerId(ws, scope);
      return survivor === scope ? null : find(survivor);
    },

    listMessages(ws, query: MessageQuery): Page<Message> {
      assertLimit(query.limit);
      checkMessageQuery(query);
      const where = ['ws = ?'];
      const params: unknown[] = [ws];
      if (query.conversationId !== undefined) (where.push('conversation_id = ?'), params.push(query.conversationId));
      if (query.caseId !== undefined) (where.push('case_id = ?'), params.push(query.caseId));
      if (query.customerId !== undefined) (where.push('customer_id = ?'), params.push(canonicalCustomerId(ws, query.customerId)));
      if (query.publicOnly) where.push('internal = 0');
      if (query.cursor !== undefined) (where.push('pos > ?'), params.push(decodePositionCursor('message', query.cursor)));
      const rows = s(`SELECT pos, json FROM messages WHERE ${where.join(' AND ')} ORDER BY pos LIMIT ?`).all(...params, query.limit + 1);
      return pageOf(rows, query.limit, (row) => parse<Message>(row.json), (row) => encodeCursor('message', [row.pos as number]));
    },

    listEvents(ws, query: EventQuery): CaseEvent[] {
      return eventRows(ws, query, 'json').map((row) => parse<CaseEvent>(row.json));
    },

    listEventsJson(ws, query: EventQuery): StoredEventJson[] {
      // The actor is parsed out only when asked for: the visibility rule reads it for few types,
      // and reading it for every row (in SQL or here) would double the time of a replay page.
      return eventRows(ws, query, 'seq, type, json').map((row) => ({
        seq: row.seq as number,
        type: row.type as CaseEvent['type'],
        json: row.json as string,
        get actorId() {
          return parse<CaseEvent>(this.json).actorId;
        },
      }));
    },

    timeline(ws, customerId, limit, cursor): Page<CaseEvent> {
      assertLimit(limit);
      const before = cursor !== undefined ? decodePositionCursor('event', cursor) : Number.MAX_SAFE_INTEGER;
      const rows = s('SELECT seq, json FROM events INDEXED BY events_by_customer WHERE ws = ? AND customer_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(
        ws,
        canonicalCustomerId(ws, customerId),
        before,
        limit + 1,
      );
      return pageOf(rows, limit, (row) => parse<CaseEvent>(row.json), (row) => encodeCursor('event', [row.seq as number]));
    },

    lastSeq: (ws) => (s(`SELECT value FROM counters WHERE ws = ? AND name = 'seq'`).get(ws)?.value as number | undefined) ?? 0,

    getCaseReads(ws, agentId, caseIds) {
      const reads: Record<string, string> = {};
      if (caseIds.length === 0) return reads;
      const rows = s(
        `SELECT case_id, read_at FROM case_reads WHERE ws = ? AND agent_id = ? AND case_id IN (SELECT value FROM json_each(?))`,
      ).all(ws, agentId, JSON.stringify(caseIds));
      for (const row of rows) reads[row.case_id as string] = new Date(row.read_at as number).toISOString();
      return reads;
    },

    getIdempotent: (ws, scope, key) => one<IdempotentResponse>(s('SELECT json FROM idempotency WHERE ws = ? AND scope = ? AND key = ?').get(ws, scope, key)),
    getTimer: (ws, key) => {
      const row = s('SELECT * FROM timers WHERE ws = ? AND key = ?').get(ws, key);
      return row ? timerOf(row) : null;
    },

    getRecord(ws, collection, key) {
      const row = s('SELECT key, value, updated_at FROM integration_records WHERE ws = ? AND collection = ? AND key = ?').get(ws, collection, key);
      return row ? recordOf(row) : null;
    },
    listRecords(ws, collection, query: RecordQuery) {
      assertLimit(query.limit);
      const where = ['ws = ?', 'collection = ?'];
      const params: unknown[] = [ws, collection];
      // A key range, not LIKE: LIKE ignores case and reads % and _ as wildcards.
      if (query.prefix) {
        const end = prefixEnd(query.prefix);
        (where.push('key >= ?'), params.push(query.prefix));
        if (end !== null) (where.push('key < ?'), params.push(end));
      }
      if (query.after !== undefined) (where.push(query.reverse ? 'key < ?' : 'key > ?'), params.push(query.after));
      const order = query.reverse ? 'DESC' : 'ASC';
      return s(`SELECT key, value, updated_at FROM integration_records WHERE ${where.join(' AND ')} ORDER BY key ${order} LIMIT ?`)
        .all(...params, query.limit)
        .map(recordOf);
    },
    countRecords: (ws, collection) => s('SELECT count(*) AS n FROM integration_records WHERE ws = ? AND collection = ?').get(ws, collection)!.n as number,
  };
}
