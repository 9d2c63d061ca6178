import type Database from 'better-sqlite3';
import { CasekitError } from '@casekit/protocol';

/**
 * The schema, one migration per entry, applied in order and recorded in `PRAGMA user_version`.
 * Never edit a shipped entry: append a new one.
 *
 * Every table keeps the full entity as JSON plus the columns its indexes need. Times used for
 * ordering are integer milliseconds. `pos` (the rowid) is insertion order.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: initial schema */ `
  CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL
  );

  -- Per-workspace sequences: 'seq' for events, 'case_number' for cases.
  CREATE TABLE counters (
    ws TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (ws, name)
  ) WITHOUT ROWID;

  CREATE TABLE channels (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    secret TEXT,
    json TEXT NOT NULL,
    UNIQUE (ws, id)
  );

  CREATE TABLE agents (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT,
    json TEXT NOT NULL,
    UNIQUE (ws, id),
    UNIQUE (ws, email)
  );

  CREATE TABLE customers (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    merged_into TEXT,
    search TEXT NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (ws, id)
  );
  CREATE INDEX customers_by_ws ON customers (ws);

  -- How a customer is found: kind 'identity' (channelId NUL externalId, unique), 'email'
  -- (lower-cased) or 'phone' (E.164). Merges re-point these to the surviving profile.
  CREATE TABLE customer_keys (
    ws TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (ws, kind, key, customer_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX customer_keys_identity ON customer_keys (ws, key) WHERE kind = 'identity';
  CREATE INDEX customer_keys_by_customer ON customer_keys (ws, customer_id);

  CREATE TABLE cases (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    assignee_id TEXT,
    team TEXT,
    channel_mask INTEGER NOT NULL,
    activity INTEGER NOT NULL,
    version INTEGER NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (ws, id),
    UNIQUE (ws, number),
    FOREIGN KEY (ws, customer_id) REFERENCES customers (ws, id)
  );
  -- The list indexes: a driving column, then the sort key, then the columns other filters
  -- test, so that a filtered scan never has to read the row itself.
  CREATE INDEX cases_by_status ON cases (ws, status, activity, id, priority, channel_mask, assignee_id, team);
  CREATE INDEX cases_by_assignee ON cases (ws, assignee_id, status, activity, id, priority, channel_mask, team);
  CREATE INDEX cases_by_team ON cases (ws, team, status, activity, id, priority, channel_mask, assignee_id);
  CREATE INDEX cases_by_customer ON cases (ws, customer_id, activity, id);

  CREATE TABLE case_tags (
    ws TEXT NOT NULL,
    tag TEXT NOT NULL,
    activity INTEGER NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (ws, tag, activity, case_id)
  ) WITHOUT ROWID;

  -- Free text over subject and preview (re-keyed by migration 2).
  CREATE VIRTUAL TABLE cases_fts USING fts5 (
    subject, preview,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  );

  CREATE TABLE conversations (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    thread_key TEXT,
    last_message_at INTEGER NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (ws, id),
    FOREIGN KEY (ws, case_id) REFERENCES cases (ws, id)
  );
  CREATE INDEX conversations_by_case ON conversations (ws, case_id);
  CREATE INDEX conversations_by_customer ON conversations (ws, customer_id, channel_id, last_message_at);
  CREATE INDEX conversations_by_thread ON conversations (ws, channel_id, thread_key) WHERE thread_key IS NOT NULL;

  CREATE TABLE messages (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    internal INTEGER NOT NULL,
    provider_key TEXT,
    client_key TEXT,
    json TEXT NOT NULL,
    UNIQUE (ws, id),
    FOREIGN KEY (ws, case_id) REFERENCES cases (ws, id),
    FOREIGN KEY (ws, conversation_id) REFERENCES conversations (ws, id)
  );
  CREATE UNIQUE INDEX messages_by_provider_key ON messages (ws, provider_key) WHERE provider_key IS NOT NULL;
  CREATE UNIQUE INDEX messages_by_client_key ON messages (ws, client_key) WHERE client_key IS NOT NULL;
  CREATE INDEX messages_by_case ON messages (ws, case_id);
  CREATE INDEX messages_by_conversation ON messages (ws, conversation_id);
  CREATE INDEX messages_by_customer ON messages (ws, customer_id);

  -- public = 1: what a visitor may see (message.created / message.status of non-internal messages).
  CREATE TABLE events (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    case_id TEXT,
    customer_id TEXT,
    public INTEGER NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (ws, seq)
  );
  CREATE INDEX events_by_customer ON events (ws, customer_id, seq) WHERE customer_id IS NOT NULL;

  CREATE TABLE outbox (
    pos INTEGER PRIMARY KEY,
    ws TEXT NOT NULL,
    id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    UNIQUE (ws, id)
  );
  CREATE INDEX outbox_due ON outbox (next_attempt_at);

  CREATE TABLE idempotency (
    ws TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (ws, scope, key)
  ) WITHOUT ROWID;
  `,

  /* 2: the text index keyed by recency, so a search walks matches newest first */ `
  -- fts_key = activity * 2^21 + a tie-break: ordering by it is ordering by lastActivityAt.
  ALTER TABLE cases ADD COLUMN fts_key INTEGER;
  UPDATE cases SET fts_key = activity * 2097152 + (pos & 2097151);
  CREATE UNIQUE INDEX cases_by_fts_key ON cases (fts_key);
  DROP TABLE cases_fts;
  CREATE VIRTUAL TABLE cases_fts USING fts5 (
    subject, preview,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO cases_fts (rowid, subject, preview)
    SELECT fts_key, json_extract(json, '$.subject'), json_extract(json, '$.preview') FROM cases;
  `,

  /* 3: every word ever indexed, so a search can expand a prefix into a few exact words */ `
  CREATE TABLE case_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE VIRTUAL TABLE temp.cases_vocab USING fts5vocab (main, cases_fts, row);
  INSERT OR IGNORE INTO case_terms (term) SELECT term FROM temp.cases_vocab;
  DROP TABLE temp.cases_vocab;
  `,

  /* 4: when each agent last read each case, for unread markers on every device */ `
  CREATE TABLE case_reads (
    ws TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (ws, agent_id, case_id)
  ) WITHOUT ROWID;
  `,

  /* 5: customer search by any part of a name, email, phone or id, through a trigram index */ `
  CREATE VIRTUAL TABLE customers_search USING fts5 (
    search,
    content = '', contentless_delete = 1,
    tokenize = 'trigram remove_diacritics 1'
  );
  INSERT INTO customers_search (rowid, search) SELECT pos, search FROM customers WHERE merged_into IS NULL;
  -- Kept by triggers: every write of a customer's search text or merge state goes through them.
  CREATE TRIGGER customers_search_insert AFTER INSERT ON customers WHEN new.merged_into IS NULL BEGIN
    INSERT INTO customers_search (rowid, search) VALUES (new.pos, new.search);
  END;
  CREATE TRIGGER customers_search_update AFTER UPDATE OF search, merged_into ON customers BEGIN
    DELETE FROM customers_search WHERE rowid = old.pos;
    INSERT INTO customers_search (rowid, search) SELECT new.pos, new.search WHERE new.merged_into IS NULL;
  END;
  `,

  /* 6: a channel names its provider (kind) apart from its medium, and has settings and an on/off switch */ `
  UPDATE channels SET json = json_set(json,
    '$.kind', CASE json_extract(json, '$.kind') WHEN 'sms' THEN 'twilio-sms' WHEN 'whatsapp' THEN 'twilio-whatsapp' ELSE json_extract(json, '$.kind') END,
    '$.medium', json_extract(json, '$.kind'),
    '$.enabled', json('true'),
    '$.config', json('{}'),
    '$.secretNames', CASE WHEN secret IS NULL THEN json('[]') WHEN json_extract(json, '$.kind') = 'webchat' THEN json('["identitySecret"]') ELSE json('["secret"]') END,
    '$.updatedAt', json_extract(json, '$.createdAt'))
  WHERE json_extract(json, '$.medium') IS NULL;
  `,

  /* 7: agents can be deactivated; every agent stored before is active */ `
  UPDATE agents SET json = json_set(json, '$.active', json('true')) WHERE json_extract(json, '$.active') IS NULL;
  `,

  /* 8: durable timers, one per (ws, key); run_at is when a claim may take one (due, retry or lease end) */ `
  -- version is the rowid: a reschedule replaces the row, and AUTOINCREMENT never reuses a value.
  CREATE TABLE timers (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    ws TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    lease_until INTEGER,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    payload TEXT NOT NULL,
    UNIQUE (ws, key)
  );
  CREATE INDEX timers_by_run_at ON timers (run_at);
  `,

  /* 9: integration records (billing accounts, links, sync cursors and logs), one JSON value per (ws, collection, key) */ `
  -- A rowid table, not WITHOUT ROWID: values run to KBs, and a count or key range then reads
  -- the small primary key index rather than the rows. BINARY keys sort in UTF-8 byte order.
  CREATE TABLE integration_records (
    ws TEXT NOT NULL,
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (ws, collection, key)
  );
  `,

  /* 10: answers to Idempotency-Keys are dropped a day after they were stored, oldest first */ `
  CREATE INDEX idempotency_age ON idempotency (created_at);
  `,
];

/**
 * Brings the file up to the latest schema, one transaction per migration. A file written by a
 * newer casekit is refused rather than guessed at.
 */
export function migrate(db: Database.Database, migrations: readonly string[] = MIGRATIONS): number {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  for (;;) {
    const applied = db
      .transaction(() => {
        // Read inside the write lock: another process may have migrated meanwhile.
        const current = version();
        if (current > migrations.length) {
          throw new CasekitError(
            'internal',
            `The database is at schema version ${current}, newer than this @casekit/store-sqlite knows (${migrations.length}); upgrade the package.`,
          );
        }
        if (current === migrations.length) return false;
        db.exec(migrations[current]!);
        db.pragma(`user_version = ${current + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return version();
  }
}
