// The package root carries no zod: constants, error codes, capability tables, route metadata and
// the inferred types, for browser bundles. The schemas are in `@casekit/protocol/schemas`.

// Value lists and the case lifecycle
export {
  CHANNEL_KINDS,
  CHANNEL_MEDIA,
  CHANNEL_CAPABILITIES,
  countSmsSegments,
  defaultReplyConversation,
  templateVariableCount,
  renderTemplate,
  CASE_STATUSES,
  PRIORITIES,
  ROLES,
  PERMISSIONS,
  roleAtLeast,
  PRESENCES,
  ROUTING_SELECTIONS,
  ROUTING_OFFLINE_ACTIONS,
  AUTOMATION_TRIGGERS,
  SLA_METRICS,
  SLA_CLOCK_STATES,
  SLA_NOTICE_KINDS,
  WEEKDAYS,
  ANONYMOUS_VISITOR_NAME,
  customerDisplayName,
  AUTHOR_KINDS,
  DIRECTIONS,
  DELIVERY_STATUSES,
  isForwardStatus,
  CASE_TRANSITIONS,
  DEFAULT_UPLOAD_TYPES,
  DEFAULT_UPLOAD_MAX_BYTES,
  INLINE_IMAGE_TYPES,
  QUICK_REPLY_CONTENT_TYPE,
  UPLOAD_ID_PATTERN,
  anonymousVisitorTag,
  CHANNEL_CHECK_CODES,
  MAX_TEMPLATE_LENGTH,
  HANDOFF_REASONS,
  DEFAULT_HANDOFF_KEYWORDS,
  BOT_FIELD_KINDS,
  BILLING_ACCOUNT_STATUSES,
  BILLING_SERVICE_TYPES,
  BILLING_SERVICE_STATUSES,
  INVOICE_STATUSES,
  BILLING_RECENT_INVOICES,
  SYNC_RUN_KINDS,
  SYNC_RUN_STATUSES,
  SYNC_ENTITIES,
  isInvoiceOverdue,
  billingFacts,
} from './values.ts';
export type { Permission, SmsSegments, ChannelCapabilityValues, DisplayNameSource } from './values.ts';
export { DEFAULT_ROUTING } from './routing-defaults.ts';

// Enumerations (types; the lists above are their values)
export type { ChannelKind, CaseStatus, Priority, Role, Presence, AuthorKind, Direction, DeliveryStatus } from './enums.ts';

// Entities
export type {
  Workspace,
  WorkspaceSettings,
  ChannelIdentity,
  Customer,
  Skill,
  Agent,
  Channel,
  Case,
  Conversation,
  Attachment,
  Message,
  MessageTemplate,
  MessageTemplateRef,
  CaseChanges,
  RoutingNote,
  CaseEvent,
  CaseEventType,
  NewCaseEvent,
  HandoffReason,
  MessageHandoff,
  CollectedFields,
  BotFaq,
  BotField,
  RulesBotConfig,
  ExternalBotConfig,
  BotSettings,
  Bot,
} from './entities.ts';

// Routing configuration
export type {
  SkillRequirement,
  WideningStep,
  RoutingPolicy,
  RoutingPolicySet,
  RoutingCondition,
  RoutingRule,
  RoutingRuleInput,
  RoutingSettings,
  RoutingSettingsInput,
  AutomationAction,
  Automation,
} from './routing.ts';

// SLA configuration and clocks
export type {
  SlaCalendar,
  SlaTargets,
  SlaEscalation,
  SlaPolicy,
  SlaSettings,
  SlaSettingsInput,
  SlaClock,
  SlaHappening,
  CaseSla,
  SlaNotice,
} from './sla.ts';

// Billing accounts and the Splynx sync
export type { BillingService, BillingInvoice, BillingAccount, SyncRun, SyncLogEntry, SyncStatus, SyncLogQuery, SyncLogResponse, SyncStartRequest } from './billing.ts';

// REST bodies
export type {
  Page,
  CaseListFilter,
  LoginRequest,
  LoginResponse,
  PasswordChangeRequest,
  PasswordChangeResponse,
  SignOutResponse,
  CaseListQuery,
  CaseListResponse,
  CaseReadResponse,
  CaseDetail,
  ReplyChannel,
  TemplateReply,
  TemplateSummary,
  CaseUpdateRequest,
  MessageListQuery,
  ReplyRequest,
  NoteRequest,
  CaseMergeRequest,
  CustomerListQuery,
  CustomerUpdateRequest,
  TimelineQuery,
  MergeSuggestion,
  MergeSuggestionsResponse,
  CustomerMergeRequest,
  AgentCreateRequest,
  AgentListResponse,
  AgentUpdateRequest,
  PasswordResetResponse,
  PresenceRequest,
  SettingsUpdateRequest,
  ChannelCapabilities,
  ChannelField,
  ChannelKindInfo,
  ChannelKindListResponse,
  ChannelDetails,
  ChannelCreateRequest,
  ChannelUpdateRequest,
  ChannelListResponse,
  ChannelTestResult,
  ChannelCheckCode,
  EventsQuery,
  EventsResponse,
  VisitorSessionRequest,
  VisitorSessionResponse,
  VisitorSendRequest,
  VisitorStatusResponse,
  QueueEntry,
  AgentLoad,
  QueueResponse,
  VisitorProfileRequest,
  VisitorProfileResponse,
  UploadQuery,
  HealthResponse,
  HandoffRequest,
  HandoffResponse,
  BotCreateRequest,
  BotUpdateRequest,
  BotCreateResponse,
  BotListResponse,
  BotTokenResponse,
  VisitorStatusQuery,
} from './api.ts';

// Routes
export type { Routes, RouteName } from './routes.ts';
export { ROUTE_META, AGENT_NAMESPACE, VISITOR_NAMESPACE } from './route-meta.ts';
export type { RouteMeta, RouteAuth } from './route-meta.ts';

// Mounting under a path
export { API_PATH, SOCKET_IO_PATH, WIDGETS_PATH, normalizeMountPath, socketIoPath } from './mount-path.ts';

// Sockets
export { decodeEvents, encodeEvents } from './event-bytes.ts';
export type {
  ResumeResult,
  Ack,
  TypingPayload,
  AgentServerEvents,
  AgentClientEvents,
  VisitorServerEvents,
  VisitorClientEvents,
  SocketAuth,
} from './sockets.ts';

// Errors
export { ERROR_STATUS, CasekitError, isErrorBody } from './error-codes.ts';
export type { ErrorCode, ErrorBodyShape } from './error-codes.ts';
export type { FieldIssue, ErrorBody } from './errors.ts';
