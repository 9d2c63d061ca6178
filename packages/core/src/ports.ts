import type {
  Agent,
  BotSettings,
  Case,
  CaseEvent,
  CaseListFilter,
  Channel,
  Conversation,
  Customer,
  DeliveryStatus,
  Message,
  NewCaseEvent,
  Page,
  Workspace,
  WorkspaceSettings,
} from '@casekit/protocol';
import type { AgentVisibilityFields } from './visibility.ts';

/** A channel with its secrets, as the server keeps it (encrypted at rest). Secrets never go on the wire. */
export interface ChannelRecord extends Channel {
  secrets: Record<string, string>;
}

/** A change to a message's delivery: its status, and what the provider said about it. */
export interface MessageDelivery {
  status: DeliveryStatus;
  /** The provider's id, learned when the message was sent; later receipts find the message by it. Null clears it (a retry). */
  providerMessageId?: string | null;
  /** Headers it went out with (email `message-id`). */
  headers?: Record<string, string>;
  /** Why it failed; null clears it (a retry). */
  deliveryError?: { code: string; reason: string } | null;
}
/** A token signed out before it expired: refused until then, forgotten after. */
export interface RevokedToken {
  id: string;
  expiresAt: string;
}

/** An agent with the hash of its password (null: signs in through an external issuer). */
export interface AgentRecord extends Agent {
  passwordHash: string | null;
  /**
   * Tokens signed here carry the generation they were signed in; a password change or reset and
   * a deactivation move it on, so every earlier token is refused. Absent: 0.
   */
  tokenGeneration?: number;
  /** Tokens signed out before they expire (absent: none). */
  revokedTokens?: RevokedToken[];
  /**
   * True when a person set the presence (the agent, a supervisor), false or absent when the
   * system did (following the agent's connections): a chosen offline is not undone by the next
   * connection.
   */
  presenceChosen?: boolean;
  /** When routing last gave them a case: least-loaded ties go to who waited longest. */
  lastAssignedAt?: string;
  /** A bot agent's settings: the channels it takes new cases of, and its rules or external bot. */
  bot?: BotSettings;
  /** SHA-256 (hex) of a bot's API token; absent: it has none. The token itself is never stored. */
  botTokenHash?: string;
  /** Secrets of a bot (an external bot's `signingSecret`), stored like channel secrets and never returned. */
  secrets?: Record<string, string>;
}

/** Case list filter with `assignee: "me"` already resolved to an id. */
export type CaseQuery = Omit<CaseListFilter, 'assignee'> & { assignee?: string | 'unassigned' };

/** Which messages to list: by `conversationId`, `caseId` or `customerId` (at least one; see `checkMessageQuery`). */
export interface MessageQuery {
  caseId?: string;
  conversationId?: string;
  customerId?: string;
  /** Leave out internal notes (what a visitor may see). */
  publicOnly?: boolean;
  limit: number;
  cursor?: string;
}

export interface EventQuery {
  after: number;
  limit: number;
  /** Only events about this customer. */
  customerId?: string;
  /** Only events a visitor may see: public messages and their statuses. */
  publicOnly?: boolean;
}

/** An event's JSON as the store keeps it, beside its seq and what the agents' visibility rule reads. */
export interface StoredEventJson extends AgentVisibilityFields {
  seq: number;
  /** The event `listEvents` would return, as JSON text. */
  json: string;
}

/** One delivery job of an outbound message, claimed by one worker at a time through a lease. */
export interface OutboxItem {
  id: string;
  workspaceId: string;
  messageId: string;
  channelId: string;
  attempts: number;
  nextAttemptAt: string;
  leaseUntil: string | null;
  lastError: string | null;
}

/** What a caller schedules: at `dueAt`, the timer worker runs the handler named `kind` with `payload`. */
export interface TimerInput {
  workspaceId: string;
  /** One timer per key in a workspace, e.g. `sla:<caseId>`; setting it again reschedules it. */
  key: string;
  /** The handler that runs it, e.g. `sla`. */
  kind: string;
  /** ISO-8601 time it is due. */
  dueAt: string;
  /** Small JSON the handler reads (at most 8 KB serialized). */
  payload: Record<string, unknown>;
}

/** A scheduled timer as stored, claimed by one worker at a time through a lease. */
export interface DurableTimer extends TimerInput {
  /** New on every `setTimer`, never reused for the key: completing a claim with an older one leaves a rescheduled timer alone. */
  version: number;
  /** When a claim may take it next: `dueAt`, a retry's time, or the end of the lease it is under. */
  runAt: string;
  /** Failed runs so far. */
  attempts: number;
  leaseUntil: string | null;
  lastError: string | null;
}

/**
 * Seals channel and bot secrets before a store writes them and opens them when read
 * (`createSecretBox` of `@casekit/store-sqlite`: AES-256-GCM under `CASEKIT_SECRET_KEY`).
 */
export interface SecretBox {
  /** True when a key is set and new secrets are stored encrypted. */
  readonly encrypts: boolean;
  seal(plain: string): string;
  /** The plain text of what `seal` made (a value stored before a key was set comes back as it is). */
  open(stored: string): string;
  /** True for a value `seal` produced with a key. */
  isSealed(stored: string): boolean;
}

/**
 * A JSON document an integration keeps in the store, by collection and key: billing accounts,
 * links between casekit and another system's records, sync cursors, runs and log lines.
 */
export interface IntegrationRecord {
  key: string;
  /** Any JSON value (at most 256 KB serialized); readers get their own copy. */
  value: unknown;
  /** When it was last written (ISO-8601). */
  updatedAt: string;
}

/** Which records of a collection to read, in key order (byte order of the UTF-8 keys). */
export interface RecordQuery {
  /** Only keys that start with this. */
  prefix?: string;
  /** Only keys after this one in the order read (before it when `reverse`): a page's last key. */
  after?: string;
  limit: number;
  /** Descending key order. */
  reverse?: boolean;
}

/** A stored answer to a create call, replayed for a repeated `Idempotency-Key`. */
export interface IdempotentResponse {
  status: number;
  body: unknown;
  /** Hash of the request that produced it; the same key with another body is refused. */
  requestHash: string;
  /** When it was stored (the engine's clock); past `IDEMPOTENCY_KEY_TTL_MS` the key runs as new. */
  storedAt?: string;
}

/**
 * Reads; outside a transaction they see committed data. What they return is the caller's own:
 * changing it changes nothing stored.
 */
export interface StoreReader {
  getWorkspace(workspaceId: string): Promise<(Workspace & { settings: WorkspaceSettings }) | null>;
  getChannel(workspaceId: string, channelId: string): Promise<ChannelRecord | null>;
  listChannels(workspaceId: string): Promise<ChannelRecord[]>;
  getAgent(workspaceId: string, agentId: string): Promise<AgentRecord | null>;
  getAgentByEmail(workspaceId: string, email: string): Promise<AgentRecord | null>;
  listAgents(workspaceId: string): Promise<AgentRecord[]>;
  /** Follows merges: the id of a merged-away profile returns the surviving one. */
  getCustomer(workspaceId: string, customerId: string): Promise<Customer | null>;
  findCustomerByIdentity(workspaceId: string, channelId: string, externalId: string): Promise<Customer | null>;
  findCustomerByEmail(workspaceId: string, email: string): Promise<Customer | null>;
  findCustomerByPhone(workspaceId: string, phone: string): Promise<Customer | null>;
  getCase(workspaceId: string, caseId: string): Promise<Case | null>;
  /** Most recent activity first; throws `invalid_cursor` for a cursor it did not issue. */
  listCases(workspaceId: string, query: CaseQuery): Promise<Page<Case>>;
  getConversation(workspaceId: string, conversationId: string): Promise<Conversation | null>;
  listConversations(workspaceId: string, caseId: string): Promise<Conversation[]>;
  /** The customer's most recent conversation on a channel, whatever its case's status. */
  findLatestConversation(workspaceId: string, customerId: string, channelId: string): Promise<Conversation | null>;
  findConversationByThread(workspaceId: string, channelId: string, externalThreadId: string): Promise<Conversation | null>;
  /** The customer's most recently active case that is not solved or closed. */
  findActiveCase(workspaceId: string, customerId: string): Promise<Case | null>;
  getMessage(workspaceId: string, messageId: string): Promise<Message | null>;
  findMessageByProviderId(workspaceId: string, channelId: string, providerMessageId: string): Promise<Message | null>;
  /**
   * `scope` is who sent it: a customer id for visitors, an agent id for agents. A customer's
   * client ids follow merges: the surviving id and the merged-away one both find them.
   */
  findMessageByClientId(workspaceId: string, scope: string, clientMessageId: string): Promise<Message | null>;
  /** Oldest first; with no conversation, case or customer named, `validation_failed` naming `caseId`. */
  listMessages(workspaceId: string, query: MessageQuery): Promise<Page<Message>>;
  /** Events with `seq > after`, oldest first. */
  listEvents(workspaceId: string, query: EventQuery): Promise<CaseEvent[]>;
  /**
   * The events `listEvents` returns, each as its stored JSON: for replays, which pass events on
   * without parsing and serializing each again. Optional; without it, replay serializes `listEvents`.
   */
  listEventsJson?(workspaceId: string, query: EventQuery): Promise<StoredEventJson[]>;
  /** A customer's events across all cases and channels, newest first. */
  timeline(workspaceId: string, customerId: string, limit: number, cursor?: string): Promise<Page<CaseEvent>>;
  lastSeq(workspaceId: string): Promise<number>;
  /** When the agent last read each of these cases; cases never read are left out. */
  getCaseReads(workspaceId: string, agentId: string, caseIds: readonly string[]): Promise<Record<string, string>>;
  getIdempotent(workspaceId: string, scope: string, key: string): Promise<IdempotentResponse | null>;
  getTimer(workspaceId: string, key: string): Promise<DurableTimer | null>;
  getRecord(workspaceId: string, collection: string, key: string): Promise<IntegrationRecord | null>;
  listRecords(workspaceId: string, collection: string, query: RecordQuery): Promise<IntegrationRecord[]>;
  /** How many records a collection holds. */
  countRecords(workspaceId: string, collection: string): Promise<number>;
}

/**
 * Reads and writes inside one atomic transaction; refused once its callback has ended. Each
 * call is all or nothing: a caller may catch its error and go on.
 */
export interface StoreTx extends StoreReader {
  putWorkspace(workspace: Workspace & { settings: WorkspaceSettings }): Promise<void>;
  insertChannel(channel: ChannelRecord): Promise<void>;
  updateChannel(channel: ChannelRecord): Promise<void>;
  insertAgent(agent: AgentRecord): Promise<void>;
  updateAgent(agent: AgentRecord): Promise<void>;
  /** Fails with `conflict` when another profile already holds one of its identities. */
  insertCustomer(customer: Customer): Promise<void>;
  updateCustomer(customer: Customer): Promise<void>;
  /**
   * Points `sourceId` at `targetId` (or at the profile a merged-away `targetId` resolves to). From
   * then on every read answers as if the source's cases, conversations, messages (with their
   * client ids) and events were the target's: SQLite and memory move them, DynamoDB redirects
   * reads (a bounded write set), and the contract holds both to the same answers.
   */
  mergeCustomer(workspaceId: string, sourceId: string, targetId: string): Promise<void>;
  nextCaseNumber(workspaceId: string): Promise<number>;
  insertCase(kase: Case): Promise<void>;
  /** Writes `kase` if the stored version is still `expectedVersion`, else throws `version_conflict`. */
  updateCase(kase: Case, expectedVersion: number): Promise<void>;
  /** Moves the conversations and messages of one case to another. */
  moveCaseContents(workspaceId: string, sourceCaseId: string, targetCaseId: string): Promise<void>;
  insertConversation(conversation: Conversation): Promise<void>;
  updateConversation(conversation: Conversation): Promise<void>;
  /** Fails with `conflict` on a repeated provider id or client id (callers look first). */
  insertMessage(message: Message): Promise<void>;
  /** Fails with `conflict` when another message of the channel already has the provider id. */
  updateMessageDelivery(workspaceId: string, messageId: string, delivery: MessageDelivery): Promise<void>;
  /** Gives the event the next per-workspace seq and stores it. */
  appendEvent(event: NewCaseEvent): Promise<CaseEvent>;
  enqueueOutbox(item: OutboxItem): Promise<void>;
  /** Records that the agent read the case at `at`; an earlier time than the stored one is ignored. */
  markCaseRead(workspaceId: string, agentId: string, caseId: string, at: string): Promise<void>;
  /**
   * Stores the answer to a key; fails with `conflict` while an earlier answer of the key is still
   * live at `response.storedAt` (`idempotentAnswerExpired`), and replaces one that expired.
   */
  putIdempotent(workspaceId: string, scope: string, key: string, response: IdempotentResponse): Promise<void>;
  /**
   * Schedules the timer of `key`, replacing any earlier one (a new version, no lease, no
   * attempts); refuses a bad field with `validation_failed` naming it.
   */
  setTimer(timer: TimerInput): Promise<void>;
  /** Removes the timer of `key`, if any; a claim of it still running then completes as a no-op. */
  clearTimer(workspaceId: string, key: string): Promise<void>;
  /**
   * Writes the record of `key` in `collection`, replacing any earlier one; refuses a bad
   * collection, key or value with `validation_failed` naming it (`checkRecordInput`).
   */
  putRecord(workspaceId: string, collection: string, key: string, value: unknown, at: string): Promise<void>;
  /** Removes the record, if any. */
  deleteRecord(workspaceId: string, collection: string, key: string): Promise<void>;
}

/**
 * The persistence port. Every adapter (`@casekit/store-memory`, `@casekit/store-sqlite`,
 * `@casekit/store-dynamodb`) passes the contract suite in `@casekit/testkit`.
 */
export interface Store extends StoreReader {
  /**
   * Runs `fn` atomically: all its writes commit together, or none if it throws. `fn` may run more
   * than once (after a lost race; only the last run commits), so it acts only through `tx`: pushes,
   * fetches and counters go after the commit. Its writes are bounded: `MAX_CASES_PER_TRANSACTION`
   * cases commit on every store; a store may refuse more with `payload_too_large`, writing nothing.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Claims up to `limit` due outbox items of any workspace for `leaseMs`; no other worker gets them meanwhile. */
  claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxItem[]>;
  /** Removes a delivered item. */
  completeOutbox(workspaceId: string, itemId: string): Promise<void>;
  /** Records a failed attempt; the item becomes due again at `retryAt` (its lease ends), or is dropped when null. */
  failOutbox(workspaceId: string, itemId: string, error: string, retryAt: Date | null): Promise<void>;
  /**
   * Claims up to `limit` timers of any workspace that are due and not leased (or whose lease ran
   * out), earliest first, and leases them for `leaseMs`; no other claim gets them meanwhile.
   */
  claimTimers(now: Date, leaseMs: number, limit: number): Promise<DurableTimer[]>;
  /** Removes a timer that ran, if it is still the `version` claimed; a rescheduled one stays. */
  completeTimer(workspaceId: string, key: string, version: number): Promise<void>;
  /** Records a failed run of `version`: due again at `retryAt` (its lease ends), or removed when null. */
  failTimer(workspaceId: string, key: string, version: number, error: string, retryAt: Date | null): Promise<void>;
  /** When the next claim may find a timer (a due time, or a lease's end), or null when none is stored. */
  nextTimerAt(): Promise<Date | null>;
  close(): Promise<void>;
}

/**
 * Finding customers by text, apart from the `Store`: a search index may lag the table it is fed
 * from, so it answers outside transactions only. Every casekit store answers it itself (memory by
 * scanning, SQLite with FTS5, DynamoDB by a bounded walk of its customer directory): pass
 * `search: store`, or a search service fed from the store. Case search (`listCases`'s `q`) stays
 * in the store, filtered together with the case list's other facets.
 */
export interface CustomerSearch {
  /**
   * Any part of a profile's name, emails, phones, channel ids or Splynx id, ignoring case,
   * newest profile first; merged-away profiles are left out. Any text is a query and none of
   * it is syntax; a blank one lists everyone. Throws `invalid_cursor` for a cursor it did not issue.
   */
  searchCustomers(workspaceId: string, q: string | undefined, limit: number, cursor?: string): Promise<Page<Customer>>;
}

/** Where committed events go next: realtime rooms, bots, integrations. */
export interface Publisher {
  publish(events: readonly CaseEvent[]): void;
}

export interface Clock {
  now(): Date;
}
