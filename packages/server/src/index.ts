// Composition
export { createCasekitServer } from './compose.ts';
export type { CasekitServer, CasekitServerOptions } from './compose.ts';

// REST
export { createApiRouter } from './api-router.ts';
export type { ApiRouterOptions } from './api-router.ts';
export type { VisitorContext } from '@casekit/api';

// Uploads
export { createFileBlobStore } from './blob-store.ts';
export { createMemoryBlobStore } from '@casekit/api';
export type { BlobStore, BlobInfo, UploadLimits } from '@casekit/api';

// Cross-origin embedding
export { corsMiddleware, isOriginAllowed, normalizeOrigin } from './cors.ts';
export type { CorsOrigins } from './cors.ts';

// Realtime
export { attachRealtime } from './realtime/gateway.ts';
export type { RealtimeOptions } from './realtime/gateway.ts';
export { createSocketPublisher } from './realtime/publisher.ts';
export { createSessionGuard } from './realtime/sessions.ts';
export { agentsRoom, agentRoom, customerRoom } from './realtime/rooms.ts';
export { RESUME_PAGE_SIZE } from '@casekit/api';
export { MAX_QUEUED_BYTES } from './realtime/backlog.ts';
export type { PresenceFromConnections } from './realtime/presence.ts';

// Several nodes: limits, locks and realtime rooms shared through Redis
export { createRedisCoordination } from './redis.ts';
export type { RedisClient, RedisCoordinationOptions } from './redis.ts';
export { createMemoryCoordination } from '@casekit/api';
export type { Coordination, WindowLimiter, WindowLimit } from '@casekit/api';

// Bots
export { createBotRunner } from './bots/bot-runner.ts';
export type { BotRunner, BotRunnerOptions } from './bots/bot-runner.ts';

// Auth
export { createAuth, hashPassword, verifyPassword } from './auth.ts';
export { authenticateAgent, authenticateAgentSession } from '@casekit/api';
export type { Auth, AuthOptions, AgentClaims, VisitorClaims, SignedToken } from '@casekit/api';

// Provisioning (through the engine)
export { provisionAgent, provisionChannel } from './provision.ts';
export { publicAgent, publicChannel, DEFAULT_SETTINGS } from '@casekit/core';

// OpenAPI
export { createOpenApiDocument } from '@casekit/api';
export type { OpenApiOptions } from '@casekit/api';

// Shared types
export { defaultLogger, errorText } from './types.ts';
export type { CasekitDeps, Logger } from './types.ts';
