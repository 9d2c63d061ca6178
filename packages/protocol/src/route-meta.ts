// No zod here: browser bundles (the SDK, the chat widget) take routes and error codes from this
// module without carrying the schemas.
import { PERMISSIONS } from './values.ts';

/**
 * Who may call a route: nobody in particular, a signed-in agent (at least `role`), a visitor,
 * or anybody, with more in the answer for a visitor who sends their token (`visitor-optional`).
 */
export type RouteAuth = 'none' | 'agent' | 'visitor' | 'visitor-optional';

/** Method, path, auth and success status of a route; `ROUTES` adds its schemas. */
export interface RouteMeta {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Express-style path under `/api/v1`, e.g. `/cases/:caseId`. */
  path: string;
  auth: RouteAuth;
  role?: 'agent' | 'supervisor' | 'admin';
  /** Status of a successful answer. */
  status: number;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
  /** The body is a file's bytes, typed by the request's own `Content-Type` (not JSON). */
  rawBody?: boolean;
  /** Answers with a file's bytes instead of JSON. */
  fileResponse?: boolean;
}

/** Every REST route of `/api/v1` by name, without schemas. */
export const ROUTE_META = {
  health: { method: 'GET', path: '/health', auth: 'none', status: 200 },
  login: { method: 'POST', path: '/auth/login', auth: 'none', status: 200 },
  me: { method: 'GET', path: '/me', auth: 'agent', status: 200 },
  listCases: { method: 'GET', path: '/cases', auth: 'agent', status: 200 },
  getCase: { method: 'GET', path: '/cases/:caseId', auth: 'agent', status: 200 },
  updateCase: { method: 'PATCH', path: '/cases/:caseId', auth: 'agent', status: 200 },
  listMessages: { method: 'GET', path: '/cases/:caseId/messages', auth: 'agent', status: 200 },
  reply: { method: 'POST', path: '/cases/:caseId/messages', auth: 'agent', status: 201, idempotent: true },
  addNote: { method: 'POST', path: '/cases/:caseId/notes', auth: 'agent', status: 201, idempotent: true },
  mergeCase: { method: 'POST', path: '/cases/:caseId/merge', auth: 'agent', status: 200 },
  markCaseRead: { method: 'POST', path: '/cases/:caseId/read', auth: 'agent', status: 200 },
  retryMessage: { method: 'POST', path: '/cases/:caseId/messages/:messageId/retry', auth: 'agent', status: 200 },
  listCustomers: { method: 'GET', path: '/customers', auth: 'agent', status: 200 },
  getCustomer: { method: 'GET', path: '/customers/:customerId', auth: 'agent', status: 200 },
  updateCustomer: { method: 'PATCH', path: '/customers/:customerId', auth: 'agent', status: 200 },
  timeline: { method: 'GET', path: '/customers/:customerId/timeline', auth: 'agent', status: 200 },
  mergeSuggestions: { method: 'GET', path: '/customers/:customerId/merge-suggestions', auth: 'agent', status: 200 },
  mergeCustomer: { method: 'POST', path: '/customers/:customerId/merge', auth: 'agent', role: PERMISSIONS.mergeCustomers, status: 200 },
  getCustomerBilling: { method: 'GET', path: '/customers/:customerId/billing', auth: 'agent', status: 200 },
  getSplynxStatus: { method: 'GET', path: '/integrations/splynx', auth: 'agent', role: PERMISSIONS.manageIntegrations, status: 200 },
  listSplynxLog: { method: 'GET', path: '/integrations/splynx/log', auth: 'agent', role: PERMISSIONS.manageIntegrations, status: 200 },
  startSplynxSync: { method: 'POST', path: '/integrations/splynx/sync', auth: 'agent', role: PERMISSIONS.manageIntegrations, status: 202 },
  listAgents: { method: 'GET', path: '/agents', auth: 'agent', status: 200 },
  createAgent: { method: 'POST', path: '/agents', auth: 'agent', role: PERMISSIONS.createAgent, status: 201, idempotent: true },
  setPresence: { method: 'PUT', path: '/me/presence', auth: 'agent', status: 200 },
  changePassword: { method: 'POST', path: '/me/password', auth: 'agent', status: 200 },
  signOut: { method: 'POST', path: '/auth/logout', auth: 'agent', status: 200 },
  updateAgent: { method: 'PATCH', path: '/agents/:agentId', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
  deactivateAgent: { method: 'POST', path: '/agents/:agentId/deactivate', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
  reactivateAgent: { method: 'POST', path: '/agents/:agentId/reactivate', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
  resetAgentPassword: { method: 'POST', path: '/agents/:agentId/reset-password', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
  getSettings: { method: 'GET', path: '/settings', auth: 'agent', status: 200 },
  getQueue: { method: 'GET', path: '/queue', auth: 'agent', role: PERMISSIONS.viewQueue, status: 200 },
  updateSettings: { method: 'PATCH', path: '/settings', auth: 'agent', role: PERMISSIONS.updateSettings, status: 200 },
  listChannels: { method: 'GET', path: '/channels', auth: 'agent', status: 200 },
  createChannel: { method: 'POST', path: '/channels', auth: 'agent', role: PERMISSIONS.createChannel, status: 201, idempotent: true },
  getChannel: { method: 'GET', path: '/channels/:channelId', auth: 'agent', status: 200 },
  updateChannel: { method: 'PATCH', path: '/channels/:channelId', auth: 'agent', role: PERMISSIONS.updateChannel, status: 200 },
  testChannel: { method: 'POST', path: '/channels/:channelId/test', auth: 'agent', role: PERMISSIONS.testChannel, status: 200 },
  listChannelKinds: { method: 'GET', path: '/channel-kinds', auth: 'agent', status: 200 },
  listEvents: { method: 'GET', path: '/events', auth: 'agent', status: 200 },
  startVisitorSession: { method: 'POST', path: '/visitor/sessions', auth: 'none', status: 201 },
  visitorSend: { method: 'POST', path: '/visitor/messages', auth: 'visitor', status: 201 },
  visitorHistory: { method: 'GET', path: '/visitor/messages', auth: 'visitor', status: 200 },
  visitorConversation: { method: 'GET', path: '/visitor/conversations/:conversationId/messages', auth: 'visitor', status: 200 },
  visitorStatus: { method: 'GET', path: '/visitor/status', auth: 'visitor-optional', status: 200 },
  updateVisitorProfile: { method: 'PATCH', path: '/visitor/profile', auth: 'visitor', status: 200 },
  visitorUpload: { method: 'POST', path: '/visitor/uploads', auth: 'visitor', status: 201, rawBody: true },
  upload: { method: 'POST', path: '/uploads', auth: 'agent', status: 201, rawBody: true },
  download: { method: 'GET', path: '/uploads/:uploadId', auth: 'none', status: 200, fileResponse: true },
  attachment: { method: 'GET', path: '/cases/:caseId/messages/:messageId/attachments/:index', auth: 'agent', status: 200, fileResponse: true },
  handoff: { method: 'POST', path: '/cases/:caseId/handoff', auth: 'agent', status: 200 },
  listBots: { method: 'GET', path: '/bots', auth: 'agent', status: 200 },
  createBot: { method: 'POST', path: '/bots', auth: 'agent', role: PERMISSIONS.manageAgents, status: 201, idempotent: true },
  updateBot: { method: 'PATCH', path: '/bots/:agentId', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
  issueBotToken: { method: 'POST', path: '/bots/:agentId/token', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
  revokeBotToken: { method: 'DELETE', path: '/bots/:agentId/token', auth: 'agent', role: PERMISSIONS.manageAgents, status: 200 },
} as const satisfies Record<string, RouteMeta>;

/** Socket.io namespaces. */
export const AGENT_NAMESPACE = '/agent';
export const VISITOR_NAMESPACE = '/visitor';
