// Agent client
export { createAgentClient } from './agent-client.ts';
export type { AgentClient, AgentClientOptions, AgentClientEvents, AgentTyping } from './agent-client.ts';

// Visitor client
export { createVisitorClient } from './visitor-client.ts';
export type {
  VisitorClient,
  VisitorClientOptions,
  VisitorClientEvents,
  VisitorIdentity,
  PendingMessage,
  ChatItem,
} from './visitor-client.ts';

// Typed requests
export type {
  RequestFn,
  RequestInput,
  RouteParams,
  RouteQuery,
  RouteBody,
  RouteResponse,
} from './requests.ts';

// Uploads
export type { UploadOptions } from './upload-options.ts';

// Realtime
export type { ConnectionState } from './connection-state.ts';
export type { TypedEmitter } from './typed-emitter.ts';

// Errors
export { CasekitApiError, CasekitRealtimeError } from './errors.ts';
export type { ApiErrorDetails, RealtimeFailureReason } from './errors.ts';
