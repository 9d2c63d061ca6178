import { z } from 'zod';
import {
  AgentCreateRequest,
  AgentListResponse,
  CaseDetail,
  CaseListQuery,
  CaseListResponse,
  CaseMergeRequest,
  CaseUpdateRequest,
  ChannelCreateRequest,
  ChannelListResponse,
  CustomerListQuery,
  CustomerListResponse,
  CustomerMergeRequest,
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
  VisitorSendRequest,
  VisitorSessionRequest,
  VisitorSessionResponse,
} from './api.ts';
import { Agent, Case, Channel, Customer, Id, Message, WorkspaceSettings } from './entities.ts';
import type { Role } from './enums.ts';

/** Who may call a route: nobody in particular, a signed-in agent (at least `role`), or a visitor. */
export type RouteAuth = 'none' | 'agent' | 'visitor';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Express-style path under `/api/v1`, e.g. `/cases/:caseId`. */
  path: string;
  auth: RouteAuth;
  role?: Role;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Status of a successful answer (default 200). */
  status?: number;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
}

const CaseParams = z.object({ caseId: Id });
const CustomerParams = z.object({ customerId: Id });

/**
 * Every REST route of `/api/v1`: the server validates with it, the SDK types its calls with it,
 * and the OpenAPI document is generated from it.
 */
export const ROUTES = {
  health: { method: 'GET', path: '/health', auth: 'none', summary: 'Liveness', response: HealthResponse },
  login: {
    method: 'POST',
    path: '/auth/login',
    auth: 'none',
    summary: 'Sign in an agent with email and password',
    body: LoginRequest,
    response: LoginResponse,
  },
  me: { method: 'GET', path: '/me', auth: 'agent', summary: 'The signed-in agent', response: Agent },
  listCases: {
    method: 'GET',
    path: '/cases',
    auth: 'agent',
    summary: 'List cases, most recent activity first',
    query: CaseListQuery,
    response: CaseListResponse,
  },
  getCase: {
    method: 'GET',
    path: '/cases/:caseId',
    auth: 'agent',
    summary: 'A case with its customer and conversations',
    params: CaseParams,
    response: CaseDetail,
  },
  updateCase: {
    method: 'PATCH',
    path: '/cases/:caseId',
    auth: 'agent',
    summary: 'Change status, priority, assignee, team, tags or subject',
    params: CaseParams,
    body: CaseUpdateRequest,
    response: Case,
  },
  listMessages: {
    method: 'GET',
    path: '/cases/:caseId/messages',
    auth: 'agent',
    summary: "A case's messages and notes, oldest first",
    params: CaseParams,
    query: MessageListQuery,
    response: MessageListResponse,
  },
  reply: {
    method: 'POST',
    path: '/cases/:caseId/messages',
    auth: 'agent',
    summary: "Reply to the customer on the conversation's channel",
    params: CaseParams,
    body: ReplyRequest,
    response: Message,
    status: 201,
    idempotent: true,
  },
  addNote: {
    method: 'POST',
    path: '/cases/:caseId/notes',
    auth: 'agent',
    summary: 'Add an internal note customers never see',
    params: CaseParams,
    body: NoteRequest,
    response: Message,
    status: 201,
    idempotent: true,
  },
  mergeCase: {
    method: 'POST',
    path: '/cases/:caseId/merge',
    auth: 'agent',
    summary: 'Merge this case into another; its conversations move there',
    params: CaseParams,
    body: CaseMergeRequest,
    response: Case,
  },
  listCustomers: {
    method: 'GET',
    path: '/customers',
    auth: 'agent',
    summary: 'Search customers by name, email, phone or identity',
    query: CustomerListQuery,
    response: CustomerListResponse,
  },
  getCustomer: {
    method: 'GET',
    path: '/customers/:customerId',
    auth: 'agent',
    summary: 'A customer profile (merged ids resolve to the surviving profile)',
    params: CustomerParams,
    response: Customer,
  },
  updateCustomer: {
    method: 'PATCH',
    path: '/customers/:customerId',
    auth: 'agent',
    summary: "Edit a customer's name, emails, phones or attributes",
    params: CustomerParams,
    body: CustomerUpdateRequest,
    response: Customer,
  },
  timeline: {
    method: 'GET',
    path: '/customers/:customerId/timeline',
    auth: 'agent',
    summary: 'Everything with this customer across cases and channels, newest first',
    params: CustomerParams,
    query: TimelineQuery,
    response: TimelineResponse,
  },
  mergeCustomer: {
    method: 'POST',
    path: '/customers/:customerId/merge',
    auth: 'agent',
    role: 'supervisor',
    summary: 'Merge another customer into this one',
    params: CustomerParams,
    body: CustomerMergeRequest,
    response: Customer,
  },
  listAgents: { method: 'GET', path: '/agents', auth: 'agent', summary: 'Agents and their presence', response: AgentListResponse },
  createAgent: {
    method: 'POST',
    path: '/agents',
    auth: 'agent',
    role: 'admin',
    summary: 'Add an agent',
    body: AgentCreateRequest,
    response: Agent,
    status: 201,
    idempotent: true,
  },
  setPresence: {
    method: 'PUT',
    path: '/me/presence',
    auth: 'agent',
    summary: 'Set your presence',
    body: PresenceRequest,
    response: Agent,
  },
  getSettings: { method: 'GET', path: '/settings', auth: 'agent', summary: 'Workspace settings', response: WorkspaceSettings },
  updateSettings: {
    method: 'PATCH',
    path: '/settings',
    auth: 'agent',
    role: 'admin',
    summary: 'Change workspace settings',
    body: SettingsUpdateRequest,
    response: WorkspaceSettings,
  },
  listChannels: { method: 'GET', path: '/channels', auth: 'agent', summary: 'Configured channels', response: ChannelListResponse },
  createChannel: {
    method: 'POST',
    path: '/channels',
    auth: 'agent',
    role: 'admin',
    summary: 'Configure a channel',
    body: ChannelCreateRequest,
    response: Channel,
    status: 201,
    idempotent: true,
  },
  listEvents: {
    method: 'GET',
    path: '/events',
    auth: 'agent',
    summary: 'The event log after a seq, oldest first',
    query: EventsQuery,
    response: EventsResponse,
  },
  startVisitorSession: {
    method: 'POST',
    path: '/visitor/sessions',
    auth: 'none',
    summary: 'Start or resume a web-chat session',
    body: VisitorSessionRequest,
    response: VisitorSessionResponse,
    status: 201,
  },
  visitorSend: {
    method: 'POST',
    path: '/visitor/messages',
    auth: 'visitor',
    summary: 'Send a chat message (idempotent on clientMessageId)',
    body: VisitorSendRequest,
    response: Message,
    status: 201,
  },
  visitorHistory: {
    method: 'GET',
    path: '/visitor/messages',
    auth: 'visitor',
    summary: "The visitor's own messages and replies, oldest first",
    query: MessageListQuery,
    response: MessageListResponse,
  },
  visitorConversation: {
    method: 'GET',
    path: '/visitor/conversations/:conversationId/messages',
    auth: 'visitor',
    summary: 'Messages of one of the visitor’s own conversations',
    params: z.object({ conversationId: Id }),
    query: MessageListQuery,
    response: MessageListResponse,
  },
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;
