// One worked example per operation for the OpenAPI document: a small ISP help desk, typed by the
// routes' own schemas (and parsed by them in openapi.test.ts), so an example cannot drift.
import {
  CHANNEL_CAPABILITIES,
  type Agent,
  type BillingAccount,
  type SyncRun,
  type Attachment,
  type Bot,
  type Case,
  type CaseEvent,
  type Channel,
  type ChannelDetails,
  type Conversation,
  type Customer,
  type Message,
  type ReplyChannel,
  type RouteName,
  type SlaSettings,
  type Routes,
} from '@casekit/protocol';
import type { z } from 'zod';

type BodyOf<K extends RouteName> = Routes[K] extends { body: z.ZodType } ? z.input<Routes[K]['body']> : never;
type ResponseOf<K extends RouteName> = Routes[K] extends { fileResponse: true } ? never : z.output<Routes[K]['response']>;

/** What an operation's example shows: its path and query values, the JSON it sends and the JSON it gets. */
export interface OperationExample<K extends RouteName> {
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  request?: BodyOf<K>;
  response?: ResponseOf<K>;
}

const ws = 'ws_fibrelink';
const opened = '2026-11-30T08:02:11.000Z';
const at = '2026-11-30T09:14:37.000Z';
const uploadId = 'up_Q3vY8nM2kP7xT1sL9wR4bA';

const agent: Agent = {
  id: 'ag_dana',
  workspaceId: ws,
  kind: 'human',
  email: 'dana@fibrelink.example',
  name: 'Dana Kim',
  role: 'agent',
  teams: ['support'],
  skills: [{ name: 'billing', level: 3 }],
  languages: ['en', 'es'],
  capacity: { webchat: 4, email: 10 },
  presence: 'online',
  active: true,
  createdAt: '2026-01-12T10:00:00.000Z',
};

const customer: Customer = {
  id: 'cu_maria',
  workspaceId: ws,
  name: 'Maria Lopez',
  emails: ['maria.lopez@mail.example'],
  phones: ['+14155550100'],
  identities: [{ channelId: 'ch_web', kind: 'webchat', externalId: 'v_91c2e7' }],
  splynxId: '1042',
  attributes: { plan: 'Fibre 500', 'visitor.page': '/account/billing' },
  createdAt: opened,
  updatedAt: at,
};

const kase: Case = {
  id: 'c_router1042',
  workspaceId: ws,
  number: 1042,
  subject: 'Router keeps dropping the connection',
  status: 'open',
  priority: 'high',
  customerId: customer.id,
  assigneeId: agent.id,
  team: 'support',
  skills: [],
  tags: ['outage'],
  channels: ['webchat'],
  preview: 'Could you unplug the router for 30 seconds and plug it back in?',
  messageCount: 3,
  createdAt: opened,
  updatedAt: at,
  lastActivityAt: at,
  solvedAt: null,
  // A high case under the standard policy (1 h first response, 8 h resolution), answered in 24 minutes.
  sla: {
    policyId: 'standard',
    computedAt: at,
    firstResponse: { state: 'met', targetSeconds: 3600, elapsedSeconds: 1451, dueAt: null, warnAt: null, breachedAt: null, metAt: '2026-11-30T08:26:22.000Z' },
    nextResponse: { state: 'running', targetSeconds: 1800, elapsedSeconds: 275, dueAt: '2026-11-30T09:40:02.000Z', warnAt: '2026-11-30T09:25:02.000Z', breachedAt: null, metAt: null },
    resolution: { state: 'running', targetSeconds: 28800, elapsedSeconds: 4346, dueAt: '2026-11-30T16:02:11.000Z', warnAt: '2026-11-30T15:47:11.000Z', breachedAt: null, metAt: null },
    basis: {
      startedAt: opened,
      priority: 'high',
      happenings: [
        { at: '2026-11-30T08:26:22.000Z', kind: 'status', status: 'open' },
        { at: '2026-11-30T08:26:22.000Z', kind: 'agent_reply' },
        { at: '2026-11-30T09:10:02.000Z', kind: 'customer_message' },
      ],
    },
    notified: {},
  },
  version: 4,
};

const conversation: Conversation = {
  id: 'cv_web1042',
  workspaceId: ws,
  caseId: kase.id,
  customerId: customer.id,
  channelId: 'ch_web',
  channelKind: 'webchat',
  externalThreadId: null,
  createdAt: opened,
  lastMessageAt: at,
  lastInboundAt: '2026-11-30T09:10:02.000Z',
};

const attachment: Attachment = { name: 'router-lights.jpg', contentType: 'image/jpeg', size: 182_044, url: `/api/v1/uploads/${uploadId}` };

const message: Message = {
  id: 'm_reply3',
  workspaceId: ws,
  caseId: kase.id,
  conversationId: conversation.id,
  customerId: customer.id,
  channelId: 'ch_web',
  channelKind: 'webchat',
  direction: 'outbound',
  authorKind: 'agent',
  authorId: agent.id,
  authorName: agent.name,
  internal: false,
  text: kase.preview,
  attachments: [],
  providerMessageId: null,
  clientMessageId: 'cm_7f3a2c',
  status: 'delivered',
  createdAt: at,
};

const visitorMessage: Message = {
  ...message,
  id: 'm_visitor2',
  direction: 'inbound',
  authorKind: 'customer',
  authorId: customer.id,
  authorName: customer.name,
  text: 'The light on the router is blinking red again.',
  attachments: [attachment],
  clientMessageId: 'cm_v81d0e',
  status: 'sent',
  createdAt: '2026-11-30T09:10:02.000Z',
};

const channel: Channel = {
  id: 'ch_sms',
  workspaceId: ws,
  kind: 'twilio-sms',
  medium: 'sms',
  name: 'Support SMS',
  enabled: true,
  config: { accountSid: 'AC00000000000000000000000000000001', from: '+14155550199' },
  secretNames: ['authToken'],
  createdAt: opened,
  updatedAt: opened,
};
const channelDetails: ChannelDetails = { ...channel, webhookUrl: 'https://support.fibrelink.example/webhooks/ch_sms', capabilities: CHANNEL_CAPABILITIES['twilio-sms'] };

const replyChannels: ReplyChannel[] = [
  {
    channelId: 'ch_web', name: 'Web chat', kind: 'webchat', medium: 'webchat', enabled: true, conversationId: conversation.id, address: 'v_91c2e7',
    freeForm: true, windowClosesAt: null, lastInboundAt: conversation.lastInboundAt ?? null, templates: [], capabilities: CHANNEL_CAPABILITIES.webchat,
  },
  {
    channelId: channel.id, name: channel.name, kind: channel.kind, medium: 'sms', enabled: true, conversationId: null, address: customer.phones[0]!,
    freeForm: true, windowClosesAt: null, lastInboundAt: null, templates: [], capabilities: CHANNEL_CAPABILITIES['twilio-sms'],
  },
];

const settings = { reopenWindowHours: 72, displayName: 'FibreLink Support' };
const botAgent: Agent = { ...agent, id: 'ag_faqbot', kind: 'bot', email: 'ag_faqbot@bots.casekit.invalid', name: 'FibreLink assistant', teams: [], skills: [], languages: [], capacity: {} };
const rulesBot: Bot = {
  agent: botAgent,
  settings: {
    channelIds: ['ch_web'],
    rules: {
      greeting: 'Hi! I am the FibreLink assistant.',
      faq: [{ keywords: ['hours', 'open'], answer: 'Our help desk answers 8:00–20:00, Monday to Saturday.' }],
      fields: [{ name: 'email', prompt: 'What is the email on your account?', kind: 'email' }],
      offerHuman: 'I cannot answer that myself; a person from our team will.',
      handoffKeywords: ['human', 'agent', 'person'],
    },
  },
  hasToken: false,
};
const externalBot: Bot = {
  agent: { ...botAgent, id: 'ag_orderbot', email: 'ag_orderbot@bots.casekit.invalid', name: 'Order bot' },
  settings: { channelIds: ['ch_web'], external: { url: 'https://bots.fibrelink.example/casekit', timeoutSeconds: 15 } },
  hasToken: true,
};
const slaSettings: SlaSettings = {
  calendars: [{ id: 'office', timeZone: 'Europe/Madrid', hours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '15:00']] }, holidays: ['2026-12-25'] }],
  policies: [
    {
      id: 'standard',
      calendarId: 'office',
      targets: { urgent: { firstResponseSeconds: 1800, resolutionSeconds: 14400 }, high: { firstResponseSeconds: 3600, nextResponseSeconds: 1800, resolutionSeconds: 28800 }, normal: { firstResponseSeconds: 14400 } },
      warnBeforeSeconds: 900,
      escalation: { raisePriority: true, reassign: true, notifyRole: 'supervisor' },
    },
  ],
  default: 'standard',
};
const event: CaseEvent = { seq: 1207, workspaceId: ws, at, actorId: agent.id, caseId: kase.id, customerId: customer.id, type: 'message.created', data: { message, case: kase } };
const page = { limit: 50 };
const billingAccount: BillingAccount = {
  workspaceId: ws,
  customerId: customer.id,
  source: 'splynx',
  externalId: '1042',
  status: 'active',
  login: 'jdoe',
  name: customer.name,
  category: 'person',
  partnerId: '1',
  partnerName: 'FibreLink',
  locationId: '2',
  locationName: 'Riverton',
  address: '1 Main St, 10001 Springfield',
  url: 'https://billing.fibrelink.example/admin/customers/view?id=1042',
  services: [{ id: '77', type: 'internet', description: 'Fibre 300 Mbps', status: 'active', tariffId: '3', unitPrice: '39.90', startDate: '2024-03-01', endDate: null, detail: 'jdoe' }],
  invoices: [
    { id: '5120', number: 'INV-005120', status: 'not_paid', total: '39.90', due: '39.90', createdOn: '2026-02-01', dueOn: '2026-02-15', paidOn: null },
    { id: '4980', number: 'INV-004980', status: 'paid', total: '39.90', due: '0.00', createdOn: '2026-01-01', dueOn: '2026-01-15', paidOn: '2026-01-09' },
  ],
  amountDue: '39.90',
  changedAt: '2026-02-01T00:05:00',
  syncedAt: at,
};
const syncRun: SyncRun = {
  id: 'sr_01hq3b2k8x',
  workspaceId: ws,
  source: 'splynx',
  kind: 'incremental',
  status: 'succeeded',
  startedAt: at,
  finishedAt: at,
  phase: 'done',
  done: 3,
  total: 3,
  counts: { created: 0, updated: 3, unchanged: 0, failed: 0 },
  requests: 5,
  error: null,
};
const caseParams = { caseId: kase.id };
const customerParams = { customerId: customer.id };

/** An example for every route of `ROUTES`, by name. */
export const OPERATION_EXAMPLES: { [K in RouteName]: OperationExample<K> } = {
  health: { response: { status: 'ok', uptimeSeconds: 86_400 } },
  login: {
    request: { email: agent.email, password: 'correct horse battery' },
    response: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ19kYW5hIn0.c2lnbmF0dXJl', expiresAt: '2026-11-30T21:14:37.000Z', agent },
  },
  me: { response: agent },
  listCases: { query: { status: 'new,open', assignee: 'me', limit: 50 }, response: { items: [kase], nextCursor: null, readAt: { [kase.id]: at }, customers: { [customer.id]: customer } } },
  getCase: { params: caseParams, response: { case: kase, customer, conversations: [conversation], replyChannels } },
  updateCase: { params: caseParams, request: { version: 4, status: 'pending', tags: ['outage', 'engineer-visit'] }, response: { ...kase, status: 'pending', tags: ['outage', 'engineer-visit'], version: 5 } },
  listMessages: { params: caseParams, query: page, response: { items: [visitorMessage, message], nextCursor: null } },
  reply: { params: caseParams, request: { text: message.text, clientMessageId: 'cm_7f3a2c' }, response: { ...message, status: 'pending' } },
  addNote: {
    params: caseParams,
    request: { text: 'Line test shows packet loss on port 14; booked an engineer.' },
    response: { ...message, id: 'm_note4', internal: true, text: 'Line test shows packet loss on port 14; booked an engineer.', clientMessageId: null, status: 'sent' },
  },
  mergeCase: { params: { caseId: 'c_dup1043' }, request: { targetCaseId: kase.id }, response: { ...kase, messageCount: 5, version: 5 } },
  markCaseRead: { params: caseParams, response: { caseId: kase.id, readAt: at } },
  retryMessage: { params: { caseId: kase.id, messageId: message.id }, response: { ...message, status: 'queued' } },
  listCustomers: { query: { q: 'maria', limit: 20 }, response: { items: [customer], nextCursor: null } },
  getCustomer: { params: customerParams, response: customer },
  updateCustomer: { params: customerParams, request: { phones: ['+14155550100', '+14155550142'] }, response: { ...customer, phones: ['+14155550100', '+14155550142'] } },
  timeline: { params: customerParams, query: page, response: { items: [event], nextCursor: 'eyJzZXEiOjEyMDZ9' } },
  mergeSuggestions: {
    params: customerParams,
    response: { items: [{ customer: { ...customer, id: 'cu_mlopez', identities: [], splynxId: null, attributes: {} }, reasons: ['email', 'name'] }] },
  },
  mergeCustomer: { params: customerParams, request: { sourceCustomerId: 'cu_mlopez' }, response: customer },
  getCustomerBilling: { params: customerParams, response: billingAccount },
  getSplynxStatus: {
    response: { source: 'splynx', configured: true, url: 'https://billing.fibrelink.example', hooks: true, runs: [syncRun], linkedCustomers: 9_874, lastSyncedAt: at },
  },
  listSplynxLog: {
    query: page,
    response: {
      items: [{ id: 'sl_01hq3b2m4c', workspaceId: ws, runId: syncRun.id, at, level: 'error', entity: 'invoice', externalId: '5121', code: 'invalid_record', message: 'Invoice 5121: status "refunded" is not one of not_paid, paid, pending, deleted.' }],
      nextCursor: null,
    },
  },
  startSplynxSync: { request: { full: false }, response: { ...syncRun, status: 'running', finishedAt: null, phase: 'customers', done: 0, total: null } },
  getQueue: {
    response: {
      at: '2026-03-02T09:15:00.000Z',
      cases: [
        {
          case: { ...kase, assigneeId: null, priority: 'high', skills: [{ name: 'billing', minLevel: 3 }], queuedAt: '2026-03-02T09:12:00.000Z' },
          channel: 'webchat',
          waitingSince: '2026-03-02T09:12:00.000Z',
          position: 1,
          estimatedWaitSeconds: 300,
          policyId: 'default',
        },
      ],
      agents: [{ agentId: agent.id, presence: 'online', load: { webchat: 3, email: 4 }, capacity: { webchat: 3, email: 10 } }],
    },
  },
  listAgents: { response: { items: [agent] } },
  createAgent: {
    request: { email: 'sam@fibrelink.example', name: 'Sam Ortiz', password: 'a long first password', role: 'agent', teams: ['support'], languages: ['en'] },
    response: { ...agent, id: 'ag_sam', email: 'sam@fibrelink.example', name: 'Sam Ortiz', skills: [], languages: ['en'], capacity: {}, presence: 'offline' },
  },
  setPresence: { request: { presence: 'away' }, response: { ...agent, presence: 'away' } },
  changePassword: {
    request: { currentPassword: 'correct horse battery', newPassword: 'a longer passphrase of mine' },
    response: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ19kYW5hIiwidiI6Mn0.c2lnbmF0dXJl', expiresAt: '2026-11-30T21:20:00.000Z', agent },
  },
  signOut: { response: { signedOut: true } },
  updateAgent: { params: { agentId: 'ag_sam' }, request: { role: 'supervisor', teams: ['support', 'billing'] }, response: { ...agent, id: 'ag_sam', role: 'supervisor', teams: ['support', 'billing'] } },
  deactivateAgent: { params: { agentId: 'ag_sam' }, response: { ...agent, id: 'ag_sam', active: false, presence: 'offline' } },
  reactivateAgent: { params: { agentId: 'ag_sam' }, response: { ...agent, id: 'ag_sam', active: true, presence: 'offline' } },
  resetAgentPassword: { params: { agentId: 'ag_sam' }, response: { agent: { ...agent, id: 'ag_sam' }, password: 'plum-river-42-quiet-lamp' } },
  getSettings: { response: settings },
  updateSettings: { request: { reopenWindowHours: 48, sla: slaSettings }, response: { ...settings, reopenWindowHours: 48, sla: slaSettings } },
  listChannels: { response: { items: [channelDetails] } },
  createChannel: {
    request: { kind: 'twilio-sms', name: 'Support SMS', config: channel.config, secrets: { authToken: 'your Twilio auth token' } },
    response: channelDetails,
  },
  getChannel: { params: { channelId: channel.id }, response: channelDetails },
  updateChannel: { params: { channelId: channel.id }, request: { enabled: false }, response: { ...channelDetails, enabled: false } },
  testChannel: { params: { channelId: channel.id }, response: { ok: true, detail: 'Twilio account “FibreLink” (AC00000000000000000000000000000001) is active.' } },
  listChannelKinds: {
    response: {
      items: [
        {
          kind: 'twilio-sms',
          medium: 'sms',
          capabilities: CHANNEL_CAPABILITIES['twilio-sms'],
          fields: {
            config: [
              { name: 'accountSid', label: 'Account SID', required: true },
              { name: 'from', label: 'Sending number', required: true, help: 'An E.164 number of your Twilio account' },
            ],
            secrets: [{ name: 'authToken', label: 'Auth token', required: true }],
          },
          webhooks: true,
        },
      ],
    },
  },
  listEvents: { query: { after: 1206, limit: 1000 }, response: { events: [event], lastSeq: 1207, hasMore: false } },
  startVisitorSession: {
    request: { channelId: 'ch_web', name: customer.name, email: 'maria.lopez@mail.example', attributes: { plan: 'Fibre 500' } },
    response: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdV9tYXJpYSJ9.c2lnbmF0dXJl', customerId: customer.id, channelId: 'ch_web', identified: false, expiresAt: '2026-12-30T08:02:11.000Z' },
  },
  visitorSend: { request: { text: visitorMessage.text, clientMessageId: 'cm_v81d0e', attachments: [attachment] }, response: visitorMessage },
  visitorHistory: { query: page, response: { items: [visitorMessage, message], nextCursor: null } },
  visitorConversation: { params: { conversationId: conversation.id }, query: page, response: { items: [visitorMessage, message], nextCursor: null } },
  visitorStatus: { response: { agentsAvailable: true, queuePosition: 2, estimatedWaitSeconds: 300 } },
  updateVisitorProfile: { request: { name: 'Maria Lopez', email: 'maria.lopez@mail.example' }, response: { name: 'Maria Lopez' } },
  visitorUpload: { query: { name: 'router-lights.jpg' }, response: attachment },
  upload: { query: { name: 'line-test.pdf' }, response: { name: 'line-test.pdf', contentType: 'application/pdf', size: 48_310, url: '/api/v1/uploads/up_L7cD2qW9eR3tY6uI1oP5aZ' } },
  download: { params: { uploadId } },
  attachment: { params: { caseId: kase.id, messageId: visitorMessage.id, index: 0 } },
  handoff: {
    params: { caseId: kase.id },
    request: { reason: 'requested', fields: { email: 'maria.lopez@mail.example', account: '1042' }, summary: 'Router blinks red after the reset.' },
    response: { case: { ...kase, assigneeId: null, version: 5 }, handedOff: true },
  },
  listBots: { response: { items: [rulesBot] } },
  createBot: {
    request: { name: 'Order bot', channelIds: ['ch_web'], external: { url: 'https://bots.fibrelink.example/casekit', timeoutSeconds: 15 } },
    response: { bot: externalBot, token: 'ckb_ag_orderbot.Vq3L8xN2cR7tY1pW5kD9mB4zH6sJ0aFgE2uQ', signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  },
  updateBot: {
    params: { agentId: rulesBot.agent.id },
    request: { channelIds: ['ch_web', 'ch_sms'] },
    response: { bot: { ...rulesBot, settings: { ...rulesBot.settings, channelIds: ['ch_web', 'ch_sms'] } }, token: null, signingSecret: null },
  },
  issueBotToken: { params: { agentId: externalBot.agent.id }, response: { bot: externalBot, token: 'ckb_ag_orderbot.P0oI9uY8tR7eW6qA5sD4fG3hJ2kL1zXcV' } },
  revokeBotToken: { params: { agentId: externalBot.agent.id }, response: { ...externalBot, hasToken: false } },
};
