import type {
  Agent,
  Attachment,
  BillingAccount,
  SyncLogEntry,
  Bot,
  BotSettings,
  CollectedFields,
  HandoffReason,
  AuthorKind,
  Case,
  CaseUpdateRequest,
  Channel,
  ChannelIdentity,
  Customer,
  DeliveryStatus,
  Message,
  Presence,
  QueueResponse,
  ReplyChannel,
  Workspace,
  WorkspaceSettings,
} from '@casekit/protocol';
import type { Assignment, QueuedCase } from '@casekit/routing';
import type { AgentRecord, MessageDelivery, RevokedToken } from './ports.ts';

/** A message from a customer (or a bot speaking for one), already normalized by its channel adapter. */
export interface InboundMessage {
  workspaceId: string;
  channelId: string;
  /** The provider's own id; a repeat of it is a duplicate and changes nothing. */
  providerMessageId?: string;
  /** The sender's own id for the message (web chat); repeats are duplicates too. */
  clientMessageId?: string;
  /** Who wrote: their id on this channel, and what the channel tells about them. */
  from: { externalId: string; name?: string; email?: string; phone?: string };
  /** Set when the caller already knows the customer (a web-chat visitor's session). */
  customerId?: string;
  /**
   * With `customerId`: write nothing new when that profile was merged into another (an
   * unverified session, see `sessionFollowsMerge`); a repeat of a message stored before is
   * still answered as the duplicate it is.
   */
  requireCurrentCustomer?: boolean;
  /** The provider's thread key (a group chat's id), when it has one. */
  threadKey?: string;
  /**
   * Provider ids of earlier messages this one answers, nearest first (email `In-Reply-To`, then
   * `References`): the first one stored on this channel threads it into that conversation.
   */
  references?: string[];
  /** A conversation id from a reply-to address, tried when no reference threads the message. */
  replyToken?: string;
  /** A new topic (email with a subject of its own): when nothing threads it, it opens a case of its own. */
  newTopic?: boolean;
  /** An auto-reply or a bounce: it joins its thread but never reopens a case. */
  automated?: boolean;
  subject?: string;
  text: string;
  /** Email: sanitized HTML beside the text. */
  html?: string;
  /** Headers kept for threading and display, names in lower case. */
  headers?: Record<string, string>;
  attachments?: Attachment[];
  authorKind?: Extract<AuthorKind, 'customer' | 'bot'>;
}

export interface IngestResult {
  message: Message;
  case: Case;
  customer: Customer;
  /** True when this message had been stored before; nothing was written this time. */
  duplicate: boolean;
}

/** A signed-in agent (or bot) acting through the API. */
export interface AgentActor {
  workspaceId: string;
  agent: Pick<Agent, 'id' | 'name' | 'role' | 'kind'>;
}
/** A verified visitor acting on their own profile. */
export interface CustomerActor {
  workspaceId: string;
  customerId: string;
}
/** The server itself: setup, seeds, workers, integrations. Not limited by roles. */
export interface SystemActor {
  workspaceId: string;
  /** What acts, for logs (`setup`, `seed`, `presence`, `outbox`…). */
  system: string;
}
/** Who asks for a change; the engine checks what each may do. */
export type Actor = AgentActor | CustomerActor | SystemActor;

/**
 * An `Idempotency-Key` of a create call: the engine stores the answer in the same transaction
 * as the change, so a retry gets the first answer even if the first caller never saw it.
 */
export interface IdempotencyKey {
  /** Whose keys these are (`agent:<id>`); keys of different scopes never meet. */
  scope: string;
  key: string;
  /** Hash of the request; the same key with another request is refused with `conflict`. */
  requestHash: string;
  /** Status stored with the answer (HTTP status of a create). */
  status: number;
  /** Called when the answer is the stored one of an earlier call. */
  onReplay?: () => void;
}

/** Options of the engine's create calls. */
export interface CreateOptions {
  idempotency?: IdempotencyKey;
}

export interface ReplyInput {
  caseId: string;
  /** Free text; or `template` instead. */
  text?: string;
  /** One of the channel's approved templates, with the values of its `{{1}}`… in order. */
  template?: { name: string; variables?: string[] | undefined };
  conversationId?: string;
  /** Reply on this channel: the case's conversation on it, or a new one to the customer's address there. */
  channelId?: string;
  attachments?: Attachment[];
  clientMessageId?: string;
}

export interface NoteInput {
  caseId: string;
  text: string;
  /** Files for colleagues (screenshots, logs); never sent to the customer. */
  attachments?: Attachment[];
  clientMessageId?: string;
}

export type CaseUpdate = CaseUpdateRequest;

export interface MergeCasesOptions {
  /**
   * Cases of two customers merge only with this: the source case's customer is then merged into
   * the target case's customer first (needs `PERMISSIONS.mergeCustomers`).
   */
  mergeCustomers?: boolean;
}

export interface CreateCustomerInput {
  /** A chosen id (imports, seeds); default: a new one. */
  id?: string;
  name: string;
  emails?: string[];
  phones?: string[];
  identities?: ChannelIdentity[];
  attributes?: Customer['attributes'];
  /** The customer's id in Splynx, for a profile imported from it. */
  splynxId?: string | null;
}

/** Who a web-chat visitor is, as a session start learns it. */
export interface IdentifyVisitorInput {
  channel: Pick<Channel, 'id' | 'medium'>;
  /** `user:<id>` for a visitor the host site vouches for, `anon:<random>` for anyone else. */
  externalId: string;
  /** The profile of the visitor's earlier anonymous session: it gains the user id instead of a new profile being made. */
  resumeCustomerId?: string;
  /** For a new profile. */
  name: string;
  /** For a new profile: what the visitor said about themselves (see `visitorFacts`). */
  attributes?: Customer['attributes'];
}

/**
 * A change to a profile. `attributes` is merged key by key and a key set to null is removed
 * (JSON Merge Patch); `emails` and `phones` replace the lists. A visitor changing their own
 * profile may set only `name` and `attributes`, which land under `visitor.`.
 */
export interface CustomerPatch {
  name?: string;
  emails?: string[];
  phones?: string[];
  attributes?: Customer['attributes'];
  /** What a visitor typed as their email: kept as `attributes.contactEmail`, never as a matching key. */
  contactEmail?: string;
}

/** A new agent; the password is hashed by the caller (the engine never sees it). */
export interface CreateAgentInput {
  id?: string;
  kind?: Agent['kind'];
  email: string;
  name: string;
  role: Agent['role'];
  teams?: string[];
  skills?: Agent['skills'];
  languages?: string[];
  capacity?: Agent['capacity'];
  passwordHash: string | null;
}

/** An admin's change to an agent; fields left out stay as they are. */
export interface AgentPatch {
  name?: string;
  role?: Agent['role'];
  teams?: string[];
  skills?: Agent['skills'];
  languages?: string[];
  capacity?: Agent['capacity'];
}

/** A new channel, its settings already checked by the kind's adapter. */
export interface CreateChannelInput {
  id?: string;
  kind: Channel['kind'];
  medium: Channel['medium'];
  name: string;
  enabled?: boolean;
  config?: Channel['config'];
  secrets?: Record<string, string>;
}

/** A change to a channel; `config` and `secrets` replace the stored ones whole (checked by the caller). */
export interface ChannelPatch {
  name?: string;
  enabled?: boolean;
  config?: Channel['config'];
  secrets?: Record<string, string>;
}

/** A receipt from a provider for a message we sent, found by the id `send` returned. */
export interface DeliveryReceipt {
  channelId: string;
  providerMessageId: string;
  status: DeliveryStatus;
  error?: { code: string; reason: string };
}

/**
 * What the engine offers. It is the only writer of state: every method is one store
 * transaction with the engine's clock, whose events are published after the commit.
 */
export interface CaseEngine {
  ingest(input: InboundMessage): Promise<IngestResult>;
  reply(actor: AgentActor, input: ReplyInput, options?: CreateOptions): Promise<Message>;
  /**
   * Where a reply on the case can go: every channel that reaches its customer, with the case's
   * conversation on it, whether free text may go now, and the templates that may go otherwise.
   */
  replyChannels(actor: AgentActor, caseId: string): Promise<ReplyChannel[]>;
  addNote(actor: AgentActor, input: NoteInput, options?: CreateOptions): Promise<Message>;
  /** Records that the agent has read the case up to now (for unread markers); returns that time. */
  markCaseRead(actor: AgentActor, caseId: string): Promise<string>;
  updateCase(actor: AgentActor | SystemActor, caseId: string, update: CaseUpdate): Promise<Case>;
  mergeCases(actor: AgentActor | SystemActor, sourceCaseId: string, targetCaseId: string, options?: MergeCasesOptions): Promise<Case>;
  mergeCustomers(actor: AgentActor | SystemActor, targetId: string, sourceId: string): Promise<Customer>;
  createCustomer(actor: AgentActor | SystemActor, input: CreateCustomerInput): Promise<Customer>;
  updateCustomer(actor: Actor, customerId: string, patch: CustomerPatch): Promise<Customer>;
  /** Gives a profile one more channel identity; `conflict` when another profile holds it. */
  linkIdentity(actor: SystemActor, customerId: string, identity: ChannelIdentity): Promise<Customer>;
  /**
   * The profile of a web-chat visitor, in one transaction: the one holding the identity, else
   * the resumed anonymous one (which gains it), else a new one. Two session starts at once for
   * one user end on one profile.
   */
  identifyVisitor(actor: SystemActor, input: IdentifyVisitorInput): Promise<Customer>;
  /**
   * Sets an agent's presence. An agent's call is a person's choice; the system's (presence that
   * follows connections) is not (see `AgentRecord.presenceChosen`).
   */
  setPresence(actor: AgentActor | SystemActor, agentId: string, presence: Presence): Promise<Agent>;
  /**
   * Moves a message's delivery status forward, with what the provider said (its id once sent, an
   * error when failed); a stale or backward status is ignored (null).
   */
  updateDeliveryStatus(actor: SystemActor, messageId: string, status: DeliveryStatus, details?: Omit<MessageDelivery, 'status'>): Promise<Message | null>;
  /** A provider's receipt: moves the message it names forward; null when unknown, stale or backward. */
  applyReceipt(actor: SystemActor, receipt: DeliveryReceipt): Promise<Message | null>;
  /** Queues a failed reply again, clearing its error; `conflict` for anything but a failed reply. */
  retryDelivery(actor: AgentActor, caseId: string, messageId: string): Promise<Message>;
  /** Creates the workspace when it does not exist yet; safe to call on every start. */
  ensureWorkspace(input: { id: string; name?: string; settings?: Partial<WorkspaceSettings> }): Promise<Workspace & { settings: WorkspaceSettings }>;
  updateSettings(actor: AgentActor | SystemActor, patch: Partial<WorkspaceSettings>): Promise<WorkspaceSettings>;
  createAgent(actor: AgentActor | SystemActor, input: CreateAgentInput, options?: CreateOptions): Promise<Agent>;
  /** An admin changes an agent's name, role, teams, skills, languages or capacity; never the last active admin's role. */
  updateAgent(actor: AgentActor | SystemActor, agentId: string, patch: AgentPatch): Promise<Agent>;
  /** An admin deactivates an agent: no sign-in, no token works, offline; their cases stay. Not oneself, nor the last active admin. */
  deactivateAgent(actor: AgentActor | SystemActor, agentId: string): Promise<Agent>;
  /** An admin lets a deactivated agent sign in again; tokens from before stay refused. */
  reactivateAgent(actor: AgentActor | SystemActor, agentId: string): Promise<Agent>;
  /**
   * Sets a new password hash (the agent's own change, or an admin's reset) and ends every token
   * of the agent; sign new ones with the returned record's `tokenGeneration`.
   */
  setAgentPassword(actor: AgentActor | SystemActor, agentId: string, passwordHash: string): Promise<AgentRecord>;
  /** Signs one token of the agent out until it expires, and sets them offline (their own, or the system's call). */
  revokeToken(actor: AgentActor | SystemActor, agentId: string, token: RevokedToken): Promise<Agent>;
  createChannel(actor: AgentActor | SystemActor, input: CreateChannelInput, options?: CreateOptions): Promise<Channel>;
  updateChannel(actor: AgentActor | SystemActor, channelId: string, patch: ChannelPatch): Promise<Channel>;
  /**
   * One routing pass: gives waiting cases to eligible agents with free slots under the
   * workspace's policies (see docs/routing.md). Run it whenever the queue, presence or load changed.
   */
  routeWaitingCases(actor: SystemActor): Promise<RoutingPass>;
  /** Where a waiting case stands (its place and a rough wait), for the customer; null when it is not waiting. */
  placeInQueue(workspaceId: string, caseId: string): Promise<QueuedCase | null>;
  /** The live queue and every agent's load, for supervisors. */
  queue(actor: AgentActor): Promise<QueueResponse>;
  /** Gives a case a bot holds to people (unassigned, with the bot's findings in a note); a repeat changes nothing. */
  handoff(actor: AgentActor | SystemActor, caseId: string, input: HandoffInput): Promise<HandoffResult>;
  /**
   * Starts the wait for an external bot's answer to a customer's message: a durable timer that
   * hands the case off at `dueAt` unless the bot answered. False (nothing set) when no bot holds the case.
   */
  awaitBotAnswer(actor: SystemActor, caseId: string, input: BotAnswerWait): Promise<boolean>;
  /** An admin adds a bot agent; the caller generates its token (passing only the hash) and secrets. */
  createBot(actor: AgentActor | SystemActor, input: CreateBotInput, options?: CreateOptions): Promise<Bot>;
  /** An admin changes a bot's name, channels or configuration. */
  updateBot(actor: AgentActor | SystemActor, agentId: string, patch: BotPatch): Promise<Bot>;
  /** An admin sets a bot's API token (its SHA-256 hash) or, with null, revokes it. */
  setBotToken(actor: AgentActor | SystemActor, agentId: string, tokenHash: string | null): Promise<Bot>;
  /**
   * What a case's SLA timer runs (docs/sla.md): announces each warning and breach its clocks reached
   * once (`case.sla`) and escalates a breach as its policy says. Null for an unknown case.
   */
  checkSla(actor: SystemActor, caseId: string): Promise<Case | null>;
  /**
   * Applies what a billing sync read in one transaction (docs/splynx.md): accounts, linked to a
   * customer found by the earlier link, email or phone, or created; the sync's cursors and links;
   * its log lines. Refuses a bad batch with `validation_failed` naming the field, writing nothing.
   */
  applyBilling(actor: SystemActor, batch: BillingBatch): Promise<BillingBatchResult>;
  /** Writes an internal note as the system (an integration saying what happened elsewhere); a repeated `clientMessageId` returns the first note. */
  addSystemNote(actor: SystemActor, caseId: string, input: SystemNoteInput): Promise<Message>;
}

/** A note the system writes: its text, who it says it is from (`Splynx`), and a key that makes a retry safe. */
export interface SystemNoteInput {
  text: string;
  authorName: string;
  clientMessageId?: string;
}

/** One account as a billing sync read it, with the contact details its customer takes. */
export interface BillingAccountInput extends Omit<BillingAccount, 'workspaceId' | 'customerId' | 'syncedAt'> {
  /** Name, emails and phones as the billing system holds them; unusable ones are skipped. */
  contact: { name: string; emails: string[]; phones: string[] };
}

/** What `applyBilling` writes together. */
export interface BillingBatch {
  accounts?: BillingAccountInput[];
  /** The sync's own integration records (cursors, links, runs); a null value deletes the record. */
  records?: { collection: string; key: string; value: unknown }[];
  log?: Omit<SyncLogEntry, 'id' | 'workspaceId' | 'at'>[];
}

/** What `applyBilling` did with the accounts; `customers` maps each external id to its customer. */
export interface BillingBatchResult {
  created: number;
  updated: number;
  unchanged: number;
  customers: Record<string, string>;
}

/** What one routing pass did. */
export interface RoutingPass {
  /** The cases it gave out, in the order it did. */
  assignments: Assignment[];
  /** How many cases still wait. */
  waiting: number;
  /** When a waiting case's requirements widen next: run a pass then. */
  nextWideningAt?: string;
}


/** The customer's message an external bot was given, and when its answer is due (ISO 8601). */
export interface BotAnswerWait {
  messageId: string;
  dueAt: string;
}

/** What a handoff records: why, and what the bot learned. */
export interface HandoffInput {
  reason: HandoffReason;
  fields?: CollectedFields;
  /** A line for the agent from the bot. */
  summary?: string;
}

/** The case after a handoff; `handedOff` is false when no bot held it and nothing changed. */
export interface HandoffResult {
  case: Case;
  handedOff: boolean;
}

/** A new bot agent, its settings already checked against the protocol's schema. */
export interface CreateBotInput {
  id?: string;
  name: string;
  email: string;
  settings: BotSettings;
  /** SHA-256 (hex) of its API token, when it gets one. */
  tokenHash?: string;
  /** An external bot's `signingSecret`. */
  secrets?: Record<string, string>;
}

/** A change to a bot; `settings` fields given replace the stored ones (`rules` and `external` replace each other). */
export interface BotPatch {
  name?: string;
  settings?: Partial<BotSettings>;
  /** New secrets (a bot that became external gets a signing secret). */
  secrets?: Record<string, string>;
}
