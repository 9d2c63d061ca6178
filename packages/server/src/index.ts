// Composition
export { createCasekitServer } from './compose.ts';
export type { CasekitServer, CasekitServerOptions } from './compose.ts';

// REST
export { createApiRouter } from './api-router.ts';
export type { ApiRouterOptions, VisitorContext } from './api-router.ts';

// Uploads
export { createFileBlobStore } from './blob-store.ts';
export type { BlobStore, BlobInfo } from './blob-store.ts';
export type { UploadLimits } from './internal/uploads.ts';

// Cross-origin embedding
export { corsMiddleware, isOriginAllowed, normalizeOrigin } from './cors.ts';
export type { CorsOrigins } from './cors.ts';

// Realtime
export { attachRealtime } from './realtime/gateway.ts';
export type { RealtimeOptions } from './realtime/gateway.ts';
export { createSocketPublisher } from './realtime/publisher.ts';
export { agentsRoom, agentRoom, customerRoom } from './realtime/rooms.ts';
export { RESUME_PAGE_SIZE } from './realtime/replay.ts';
export { MAX_QUEUED_BYTES } from './realtime/backlog.ts';
export type { PresenceFromConnections } from './realtime/presence.ts';

// Auth
export { createAuth, hashPassword, verifyPassword } from './auth.ts';
export type { Auth, AuthOptions, AgentClaims, VisitorClaims, SignedToken } from './auth.ts';

// Provisioning
export {
  ensureWorkspace,
  provisionAgent,
  provisionChannel,
  authenticateAgent,
  publicAgent,
  publicChannel,
  DEFAULT_SETTINGS,
} from './provision.ts';

// OpenAPI
export { createOpenApiDocument, renderApiDocsPage } from './openapi.ts';
export type { OpenApiOptions } from './openapi.ts';

// Shared types
export { defaultLogger, errorText } from './types.ts';
export type { CasekitDeps, Logger } from './types.ts';
