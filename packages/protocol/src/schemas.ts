// The zod schemas: what validating code (the API server, stores, tests) imports. Browser code
// takes values and types from the package root, which carries no zod.

// Enumerations
export {
  ChannelKind,
  CaseStatus,
  Priority,
  Role,
  Presence,
  AuthorKind,
  Direction,
  DeliveryStatus,
} from './enums.ts';

// Entities
export {
  Id,
  Timestamp,
  E164,
  Email,
  Attributes,
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
  HandoffReason,
  MessageHandoff,
  CollectedFields,
  BotFaq,
  BotField,
  RulesBotConfig,
  ExternalBotConfig,
  BotSettingsFields,
  BotSettings,
  Bot,
} from './entities.ts';

// Routing configuration
export { SkillRequirement, WideningStep, RoutingPolicy, RoutingPolicySet, RoutingCondition, RoutingRule, RoutingSettings, AutomationAction, Automation } from './routing.ts';

// SLA configuration and clocks
export { SlaCalendar, SlaTargets, SlaEscalation, SlaPolicy, SlaSettings, SlaClock, SlaHappening, CaseSla, SlaNotice } from './sla.ts';

// Billing accounts and the Splynx sync
export { BillingService, BillingInvoice, BillingAccount, SyncRun, SyncLogEntry, SyncStatus, SyncLogQuery, SyncLogResponse, SyncStartRequest } from './billing.ts';

// REST bodies
export {
  page,
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
  MessageListResponse,
  ReplyRequest,
  NoteRequest,
  CaseMergeRequest,
  CustomerListQuery,
  CustomerListResponse,
  CustomerUpdateRequest,
  TimelineQuery,
  TimelineResponse,
  CustomerMergeRequest,
  MergeSuggestion,
  MergeSuggestionsResponse,
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
  UploadId,
  FileBytes,
  HealthResponse,
  VisitorAttributes,
  HandoffRequest,
  HandoffResponse,
  BotCreateRequest,
  BotUpdateRequest,
  BotCreateResponse,
  BotListResponse,
  BotTokenResponse,
  VisitorStatusQuery,
} from './api.ts';

// Routes with their schemas
export { ROUTES } from './routes.ts';
export type { RouteDef } from './routes.ts';

// Sockets
export { TypingPayload } from './sockets.ts';

// Errors
export { ErrorCode, FieldIssue, ErrorBody, toFieldIssues } from './errors.ts';
