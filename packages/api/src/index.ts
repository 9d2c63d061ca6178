// The API service
export { createApiService, MAX_BODY_DEPTH } from './service.ts';
export type { ApiService, ApiServiceOptions, ApiCall, ApiAnswer, SplynxIntegration } from './service.ts';
export { clientAddress } from './handlers.ts';

// Channels: the kinds a server runs, and the webhooks they receive
export { createChannelKinds, WEBCHAT_KIND } from './channels.ts';
export type { ChannelKinds, ChannelKindSpec } from './channels.ts';
export { createWebhookRunner } from './webhooks.ts';
export type { WebhookInput, WebhookRunner, WebhookRunnerOptions } from './webhooks.ts';
export { verifyVisitor, resolveVisitor, authenticateVisitor, sessionEnded } from './visitor-access.ts';
export type { VisitorContext } from './visitor-access.ts';

// Realtime: replay and what gateways decide
export { readReplayPage, RESUME_PAGE_SIZE } from './replay.ts';
export { parseResumeAfter, typingGate, agentTyping, visitorTyping } from './realtime.ts';
export type { Reader } from './replay.ts';

// Request bodies
export { readJsonBody, sizeInBytes } from './body.ts';
export type { BodySource } from './body.ts';

// Auth
export { createTokenAuth } from './auth.ts';
export type { Auth, AuthOptions, AgentClaims, AgentTokenFacts, VisitorClaims, SignedToken, PasswordHasher } from './auth.ts';
export { authenticateAgent, authenticateAgentSession } from './authenticate.ts';
export type { AgentSession } from './authenticate.ts';

// Uploads
export { createMemoryBlobStore } from './blob-store.ts';
export type { BlobStore, BlobInfo } from './blob-store.ts';
export type { UploadLimits } from './uploads.ts';

// Limits and locks, shared by the server nodes
export { createWindowLimiter, createMemoryCoordination } from './window-limit.ts';
export type { Coordination, WindowLimiter, WindowLimit } from './window-limit.ts';

// OpenAPI
export { createOpenApiDocument } from './openapi.ts';
export type { OpenApiOptions } from './openapi.ts';

// Logging
export { consoleLogger, errorText } from './logger.ts';
export type { Logger } from './logger.ts';
