import type {
  Attachment,
  AuthorKind,
  Case,
  CaseEvent,
  CaseUpdateRequest,
  Customer,
  DeliveryStatus,
  Message,
  Presence,
  Agent,
} from '@casekit/protocol';

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
  /** Set when the caller already knows the customer (a verified web-chat visitor). */
  customerId?: string;
  /** The provider's thread key (email `References` root, chat id), when it has one. */
  threadKey?: string;
  subject?: string;
  text: string;
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

/** Who does an agent action. */
export interface Actor {
  workspaceId: string;
  agent: Pick<Agent, 'id' | 'name' | 'role' | 'kind'>;
}

export interface ReplyInput {
  caseId: string;
  text: string;
  conversationId?: string;
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

export interface CreateCustomerInput {
  workspaceId: string;
  name: string;
  emails?: string[];
  phones?: string[];
  identities?: Customer['identities'];
  attributes?: Customer['attributes'];
}

/** What the engine offers; every method is one store transaction followed by one publish. */
export interface CaseEngine {
  ingest(input: InboundMessage): Promise<IngestResult>;
  reply(actor: Actor, input: ReplyInput): Promise<Message>;
  addNote(actor: Actor, input: NoteInput): Promise<Message>;
  /** Records that the agent has read the case up to now (for unread markers); returns that time. */
  markCaseRead(actor: Actor, caseId: string): Promise<string>;
  updateCase(actor: Actor, caseId: string, update: CaseUpdate): Promise<Case>;
  mergeCases(actor: Actor, sourceCaseId: string, targetCaseId: string): Promise<Case>;
  mergeCustomers(actor: Actor, targetId: string, sourceId: string): Promise<Customer>;
  updateCustomer(actor: Actor, customerId: string, patch: Partial<Pick<Customer, 'name' | 'emails' | 'phones' | 'attributes'>>): Promise<Customer>;
  createCustomer(input: CreateCustomerInput): Promise<Customer>;
  setPresence(workspaceId: string, agentId: string, presence: Presence): Promise<Agent>;
  /** Moves a message's delivery status forward; a stale or backward status is ignored. */
  updateDeliveryStatus(workspaceId: string, messageId: string, status: DeliveryStatus): Promise<Message | null>;
}

export type { CaseEvent };
