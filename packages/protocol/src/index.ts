// Value lists and the case lifecycle (no zod)
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
} from './values.ts';
export type { Permission, SmsSegments, ChannelCapabilityValues, DisplayNameSource } from './values.ts';

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
  MAX_TEMPLATE_LENGTH,
  CaseChanges,
  CaseEvent,
} from './entities.ts';
export type { CaseEventType, NewCaseEvent } from './entities.ts';

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
  CHANNEL_CHECK_CODES,
  EventsQuery,
  EventsResponse,
  VisitorSessionRequest,
  VisitorSessionResponse,
  VisitorSendRequest,
  VisitorStatusResponse,
  VisitorProfileRequest,
  VisitorProfileResponse,
  UploadQuery,
  UploadId,
  FileBytes,
  HealthResponse,
  VisitorAttributes,
} from './api.ts';
export type { Page, CaseListFilter } from './api.ts';

// Routes
export { ROUTES } from './routes.ts';
export type { RouteDef, Routes, RouteName } from './routes.ts';
export { ROUTE_META, AGENT_NAMESPACE, VISITOR_NAMESPACE } from './route-meta.ts';
export type { RouteMeta, RouteAuth } from './route-meta.ts';

// Mounting under a path
export { API_PATH, SOCKET_IO_PATH, WIDGETS_PATH, normalizeMountPath, socketIoPath } from './mount-path.ts';

// Sockets
export { TypingPayload } from './sockets.ts';
export { decodeEvents, encodeEvents } from './event-bytes.ts';
export type {
  ResumeResult,
  Ack,
  AgentServerEvents,
  AgentClientEvents,
  VisitorServerEvents,
  VisitorClientEvents,
  SocketAuth,
} from './sockets.ts';

// Errors
export { ErrorCode, FieldIssue, ErrorBody, toFieldIssues } from './errors.ts';
export { ERROR_STATUS, CasekitError, isErrorBody } from './error-codes.ts';
export type { ErrorBodyShape } from './error-codes.ts';
