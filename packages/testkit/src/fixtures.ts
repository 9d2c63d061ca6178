import type { AgentRecord, ChannelRecord, OutboxItem } from '@casekit/core';
import type { Case, Conversation, Customer, Message, NewCaseEvent, Workspace, WorkspaceSettings } from '@casekit/protocol';

/** The workspace every fixture belongs to unless told otherwise. */
export const FIXTURE_WORKSPACE = 'ws_fixture';
/** The instant fixtures are stamped with unless told otherwise. */
export const FIXTURE_TIME = '2026-03-02T09:00:00.000Z';

let counter = 0;
/** A fresh fixture id: `prefix_0001`, `prefix_0002`, … (unique within the process). */
export function fixtureId(prefix: string): string {
  counter += 1;
  return `${prefix}_${String(counter).padStart(4, '0')}`;
}

/** `FIXTURE_TIME` plus `seconds`, as an ISO timestamp. */
export function fixtureTime(seconds: number): string {
  return new Date(Date.parse(FIXTURE_TIME) + seconds * 1000).toISOString();
}

/** A workspace with its settings. */
export function makeWorkspace(overrides: Partial<Workspace & { settings: WorkspaceSettings }> = {}): Workspace & { settings: WorkspaceSettings } {
  return {
    id: FIXTURE_WORKSPACE,
    name: 'Fixture ISP',
    createdAt: FIXTURE_TIME,
    settings: { reopenWindowHours: 72, displayName: 'Fixture ISP' },
    ...overrides,
  };
}

/** An enabled web-chat channel with no secrets; `secretNames` follows `secrets`. */
export function makeChannel(overrides: Partial<ChannelRecord> = {}): ChannelRecord {
  const channel: ChannelRecord = {
    id: fixtureId('ch'),
    workspaceId: FIXTURE_WORKSPACE,
    kind: 'webchat',
    medium: 'webchat',
    name: 'Website chat',
    enabled: true,
    config: {},
    secretNames: [],
    secrets: {},
    createdAt: FIXTURE_TIME,
    updatedAt: FIXTURE_TIME,
    ...overrides,
  };
  return { ...channel, secretNames: Object.keys(channel.secrets).sort() };
}

/** A human agent, online, in no team. */
export function makeAgent(overrides: Partial<AgentRecord> = {}): AgentRecord {
  const id = overrides.id ?? fixtureId('ag');
  return {
    id,
    workspaceId: FIXTURE_WORKSPACE,
    kind: 'human',
    email: `${id.toLowerCase()}@agents.example.com`,
    name: 'Alex Agent',
    role: 'agent',
    teams: [],
    skills: [],
    languages: ['en'],
    capacity: {},
    presence: 'online',
    active: true,
    createdAt: FIXTURE_TIME,
    passwordHash: null,
    ...overrides,
  };
}

/** A customer with no identities, emails or phones unless given. */
export function makeCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: fixtureId('cu'),
    workspaceId: FIXTURE_WORKSPACE,
    name: 'Dana Customer',
    emails: [],
    phones: [],
    identities: [],
    splynxId: null,
    attributes: {},
    createdAt: FIXTURE_TIME,
    updatedAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** A new, unassigned, normal-priority web-chat case; pass `number` and `customerId` for real use. */
export function makeCase(overrides: Partial<Case> = {}): Case {
  const at = overrides.lastActivityAt ?? FIXTURE_TIME;
  return {
    id: fixtureId('c'),
    workspaceId: FIXTURE_WORKSPACE,
    number: 1,
    subject: 'Internet is down',
    status: 'new',
    priority: 'normal',
    customerId: 'cu_missing',
    assigneeId: null,
    team: null,
    skills: [],
    tags: [],
    channels: ['webchat'],
    preview: 'My connection dropped this morning',
    messageCount: 0,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    solvedAt: null,
    version: 1,
    ...overrides,
  };
}

/** A web-chat conversation; pass `caseId` and `customerId` (and `channelId`) for real use. */
export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: fixtureId('cv'),
    workspaceId: FIXTURE_WORKSPACE,
    caseId: 'c_missing',
    customerId: 'cu_missing',
    channelId: 'ch_missing',
    channelKind: 'webchat',
    externalThreadId: null,
    createdAt: FIXTURE_TIME,
    lastMessageAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** An inbound customer message, delivered; pass the ids it belongs to for real use. */
export function makeMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: fixtureId('m'),
    workspaceId: FIXTURE_WORKSPACE,
    caseId: 'c_missing',
    conversationId: 'cv_missing',
    customerId: 'cu_missing',
    channelId: 'ch_missing',
    channelKind: 'webchat',
    direction: 'inbound',
    authorKind: 'customer',
    authorId: null,
    authorName: 'Dana Customer',
    internal: false,
    text: 'Hello, my internet is down',
    attachments: [],
    providerMessageId: null,
    clientMessageId: null,
    status: 'delivered',
    createdAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** The `message.created` event of `message` (public unless the message is internal). */
export function makeMessageEvent(message: Message, overrides: Partial<NewCaseEvent> = {}): NewCaseEvent {
  return {
    type: 'message.created',
    workspaceId: message.workspaceId,
    at: message.createdAt,
    actorId: message.authorId,
    caseId: message.caseId,
    customerId: message.customerId,
    data: { message },
    ...overrides,
  } as NewCaseEvent;
}

/** An `agent.presence` event: about no case or customer, never shown to visitors. */
export function makePresenceEvent(overrides: Partial<NewCaseEvent> & { agentId?: string } = {}): NewCaseEvent {
  const { agentId = 'ag_fixture', ...rest } = overrides;
  return {
    type: 'agent.presence',
    workspaceId: FIXTURE_WORKSPACE,
    at: FIXTURE_TIME,
    actorId: agentId,
    caseId: null,
    customerId: null,
    data: { agentId, presence: 'away' },
    ...rest,
  } as NewCaseEvent;
}

/** A due, unclaimed outbox item. */
export function makeOutboxItem(overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id: fixtureId('ob'),
    workspaceId: FIXTURE_WORKSPACE,
    messageId: 'm_missing',
    channelId: 'ch_missing',
    attempts: 0,
    nextAttemptAt: FIXTURE_TIME,
    leaseUntil: null,
    lastError: null,
    ...overrides,
  };
}
