import { z } from 'zod';
import {
  AgentCreateRequest,
  AgentListResponse,
  AgentUpdateRequest,
  PasswordChangeRequest,
  PasswordChangeResponse,
  PasswordResetResponse,
  SignOutResponse,
  CaseDetail,
  CaseListQuery,
  CaseListResponse,
  CaseReadResponse,
  CaseMergeRequest,
  CaseUpdateRequest,
  ChannelCreateRequest,
  ChannelDetails,
  ChannelKindListResponse,
  ChannelListResponse,
  ChannelTestResult,
  ChannelUpdateRequest,
  CustomerListQuery,
  CustomerListResponse,
  CustomerMergeRequest,
  MergeSuggestionsResponse,
  CustomerUpdateRequest,
  EventsQuery,
  EventsResponse,
  HealthResponse,
  LoginRequest,
  LoginResponse,
  MessageListQuery,
  MessageListResponse,
  NoteRequest,
  PresenceRequest,
  ReplyRequest,
  SettingsUpdateRequest,
  TimelineQuery,
  TimelineResponse,
  FileBytes,
  UploadId,
  UploadQuery,
  VisitorProfileRequest,
  VisitorProfileResponse,
  VisitorSendRequest,
  VisitorStatusResponse,
  VisitorSessionRequest,
  VisitorSessionResponse,
  HandoffRequest,
  HandoffResponse,
  BotCreateRequest,
  BotCreateResponse,
  BotListResponse,
  BotTokenResponse,
  BotUpdateRequest,
  VisitorStatusQuery,
} from './api.ts';
import { Agent, Attachment, Bot, Case, Channel, Customer, Id, Message, WorkspaceSettings } from './entities.ts';
import { ROUTE_META, type RouteMeta } from './route-meta.ts';

/** A route with its schemas: what the server validates and OpenAPI documents. */
export interface RouteDef extends RouteMeta {
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
}

const CaseParams = z.object({ caseId: Id });
const CustomerParams = z.object({ customerId: Id });
const ChannelParams = z.object({ channelId: Id });
const AgentParams = z.object({ agentId: Id });
const CaseMessageParams = z.object({ caseId: Id, messageId: Id });

/**
 * Every REST route of `/api/v1`: the server validates with it, the SDK types its calls with it,
 * and the OpenAPI document is generated from it.
 */
export const ROUTES = {
  health: { ...ROUTE_META.health, summary: 'Liveness', response: HealthResponse },
  login: {
    ...ROUTE_META.login,
    summary: 'Sign in an agent with email and password',
    body: LoginRequest,
    response: LoginResponse,
  },
  me: { ...ROUTE_META.me, summary: 'The signed-in agent', response: Agent },
  listCases: {
    ...ROUTE_META.listCases,
    summary: 'List cases, most recent activity first',
    query: CaseListQuery,
    response: CaseListResponse,
  },
  getCase: {
    ...ROUTE_META.getCase,
    summary: 'A case with its customer, its conversations and the channels a reply can go on',
    params: CaseParams,
    response: CaseDetail,
  },
  updateCase: {
    ...ROUTE_META.updateCase,
    summary: 'Change status, priority, assignee, team, tags or subject',
    params: CaseParams,
    body: CaseUpdateRequest,
    response: Case,
  },
  listMessages: {
    ...ROUTE_META.listMessages,
    summary: "A case's messages and notes, oldest first",
    params: CaseParams,
    query: MessageListQuery,
    response: MessageListResponse,
  },
  reply: {
    ...ROUTE_META.reply,
    summary: 'Reply to the customer in text or with an approved template, on a conversation of the case or another of their channels',
    params: CaseParams,
    body: ReplyRequest,
    response: Message,
    },
  addNote: {
    ...ROUTE_META.addNote,
    summary: 'Add an internal note customers never see',
    params: CaseParams,
    body: NoteRequest,
    response: Message,
    },
  mergeCase: {
    ...ROUTE_META.mergeCase,
    summary: 'Merge this case into another; its conversations move there',
    params: CaseParams,
    body: CaseMergeRequest,
    response: Case,
  },
  retryMessage: {
    ...ROUTE_META.retryMessage,
    summary: 'Send a reply that failed again',
    params: CaseMessageParams,
    response: Message,
  },
  markCaseRead: {
    ...ROUTE_META.markCaseRead,
    summary: 'Mark a case read by the signed-in agent, up to now',
    params: CaseParams,
    response: CaseReadResponse,
  },
  listCustomers: {
    ...ROUTE_META.listCustomers,
    summary: 'Search customers by name, email, phone or identity',
    query: CustomerListQuery,
    response: CustomerListResponse,
  },
  getCustomer: {
    ...ROUTE_META.getCustomer,
    summary: 'A customer profile (merged ids resolve to the surviving profile)',
    params: CustomerParams,
    response: Customer,
  },
  updateCustomer: {
    ...ROUTE_META.updateCustomer,
    summary: "Edit a customer's name, emails, phones or attributes",
    params: CustomerParams,
    body: CustomerUpdateRequest,
    response: Customer,
  },
  timeline: {
    ...ROUTE_META.timeline,
    summary: 'Everything with this customer across cases and channels, newest first',
    params: CustomerParams,
    query: TimelineQuery,
    response: TimelineResponse,
  },
  mergeSuggestions: {
    ...ROUTE_META.mergeSuggestions,
    summary: 'Other profiles that may be the same person (the same email, phone or name), to merge',
    params: CustomerParams,
    response: MergeSuggestionsResponse,
  },
  mergeCustomer: {
    ...ROUTE_META.mergeCustomer,
    summary: 'Merge another customer into this one',
    params: CustomerParams,
    body: CustomerMergeRequest,
    response: Customer,
  },
  listAgents: { ...ROUTE_META.listAgents, summary: 'Agents and their presence', response: AgentListResponse },
  createAgent: {
    ...ROUTE_META.createAgent,
    summary: 'Add an agent',
    body: AgentCreateRequest,
    response: Agent,
    },
  setPresence: {
    ...ROUTE_META.setPresence,
    summary: 'Set your presence',
    body: PresenceRequest,
    response: Agent,
  },
  changePassword: {
    ...ROUTE_META.changePassword,
    summary: 'Change your password with the current one; your other tokens stop working and the answer carries a new one',
    body: PasswordChangeRequest,
    response: PasswordChangeResponse,
  },
  signOut: {
    ...ROUTE_META.signOut,
    summary: 'Sign out: the token sent stops working, on every server',
    response: SignOutResponse,
  },
  updateAgent: {
    ...ROUTE_META.updateAgent,
    summary: "Change an agent's name, role, teams, skills or languages (admins)",
    params: AgentParams,
    body: AgentUpdateRequest,
    response: Agent,
  },
  deactivateAgent: {
    ...ROUTE_META.deactivateAgent,
    summary: 'Deactivate an agent (admins): sign-in is refused, their tokens and sockets stop, their cases stay',
    params: AgentParams,
    response: Agent,
  },
  reactivateAgent: {
    ...ROUTE_META.reactivateAgent,
    summary: 'Let a deactivated agent sign in again (admins)',
    params: AgentParams,
    response: Agent,
  },
  resetAgentPassword: {
    ...ROUTE_META.resetAgentPassword,
    summary: "Give an agent a new generated password, shown once (admins); their tokens stop working",
    params: AgentParams,
    response: PasswordResetResponse,
  },
  getSettings: { ...ROUTE_META.getSettings, summary: 'Workspace settings', response: WorkspaceSettings },
  updateSettings: {
    ...ROUTE_META.updateSettings,
    summary: 'Change workspace settings',
    body: SettingsUpdateRequest,
    response: WorkspaceSettings,
  },
  listChannels: { ...ROUTE_META.listChannels, summary: 'Configured channels', response: ChannelListResponse },
  createChannel: {
    ...ROUTE_META.createChannel,
    summary: 'Configure a channel (admins); the answer carries its webhook URL',
    body: ChannelCreateRequest,
    response: ChannelDetails,
  },
  getChannel: { ...ROUTE_META.getChannel, summary: 'One channel, with its webhook URL and capabilities', params: ChannelParams, response: ChannelDetails },
  updateChannel: {
    ...ROUTE_META.updateChannel,
    summary: 'Rename, reconfigure, disable or re-enable a channel (admins)',
    params: ChannelParams,
    body: ChannelUpdateRequest,
    response: ChannelDetails,
  },
  testChannel: {
    ...ROUTE_META.testChannel,
    summary: "Check a channel's credentials and setup with the provider (admins); a failed check is answered 200 with ok: false",
    params: ChannelParams,
    response: ChannelTestResult,
  },
  listChannelKinds: { ...ROUTE_META.listChannelKinds, summary: 'The kinds of channel this server runs, with their fields', response: ChannelKindListResponse },
  listEvents: {
    ...ROUTE_META.listEvents,
    summary: 'The event log after a seq, oldest first',
    query: EventsQuery,
    response: EventsResponse,
  },
  startVisitorSession: {
    ...ROUTE_META.startVisitorSession,
    summary: 'Start or resume a web-chat session',
    body: VisitorSessionRequest,
    response: VisitorSessionResponse,
    },
  visitorSend: {
    ...ROUTE_META.visitorSend,
    summary: 'Send a chat message (idempotent on clientMessageId)',
    body: VisitorSendRequest,
    response: Message,
    },
  visitorHistory: {
    ...ROUTE_META.visitorHistory,
    summary: "The visitor's own messages and replies, oldest first",
    query: MessageListQuery,
    response: MessageListResponse,
  },
  visitorConversation: {
    ...ROUTE_META.visitorConversation,
    summary: 'Messages of one of the visitor’s own conversations',
    params: z.object({ conversationId: Id }),
    query: MessageListQuery,
    response: MessageListResponse,
  },
  visitorStatus: {
    ...ROUTE_META.visitorStatus,
    summary: 'Whether an agent is online or a bot answers and, with a visitor token, the place of the visitor’s waiting case in the queue',
    query: VisitorStatusQuery,
    response: VisitorStatusResponse,
  },
  updateVisitorProfile: {
    ...ROUTE_META.updateVisitorProfile,
    summary: 'Give the visitor’s name, email or attributes after the session started',
    body: VisitorProfileRequest,
    response: VisitorProfileResponse,
  },
  visitorUpload: {
    ...ROUTE_META.visitorUpload,
    summary: 'Upload a file for the visitor to attach to a message (raw body, Content-Type of the file)',
    query: UploadQuery,
    response: Attachment,
  },
  upload: {
    ...ROUTE_META.upload,
    summary: 'Upload a file for an agent to attach to a reply (raw body, Content-Type of the file)',
    query: UploadQuery,
    response: Attachment,
  },
  attachment: {
    ...ROUTE_META.attachment,
    summary: "A file of a message, whether kept here or by the provider (fetched with the channel's credentials)",
    params: z.object({ caseId: Id, messageId: Id, index: z.coerce.number().int().min(0).max(99) }),
    response: FileBytes,
  },
  download: {
    ...ROUTE_META.download,
    summary: 'An uploaded file; its unguessable id is the key, so it works as an <img> or link',
    params: z.object({ uploadId: UploadId }),
    response: FileBytes,
  },
  handoff: {
    ...ROUTE_META.handoff,
    summary: 'Give a case a bot holds to people, with what the bot collected (the bot holding it, supervisors and admins)',
    params: CaseParams,
    body: HandoffRequest,
    response: HandoffResponse,
  },
  listBots: { ...ROUTE_META.listBots, summary: 'Bot agents with their settings', response: BotListResponse },
  createBot: {
    ...ROUTE_META.createBot,
    summary: "Add a bot agent (admins); an external bot's API token and signing secret are shown once",
    body: BotCreateRequest,
    response: BotCreateResponse,
  },
  updateBot: {
    ...ROUTE_META.updateBot,
    summary: "Change a bot's name, channels or configuration (admins); a bot made external gets its token and signing secret in the answer, once",
    params: AgentParams,
    body: BotUpdateRequest,
    response: BotCreateResponse,
  },
  issueBotToken: {
    ...ROUTE_META.issueBotToken,
    summary: 'Give a bot a new API token, shown once (admins); its earlier token stops working',
    params: AgentParams,
    response: BotTokenResponse,
  },
  revokeBotToken: { ...ROUTE_META.revokeBotToken, summary: "Revoke a bot's API token (admins)", params: AgentParams, response: Bot },
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;
