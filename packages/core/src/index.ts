// The engine
export { createCaseEngine } from './engine.ts';
export type { CaseEngineOptions } from './engine.ts';
export type {
  CaseEngine,
  BillingAccountInput,
  BillingBatch,
  BillingBatchResult,
  SystemNoteInput,
  InboundMessage,
  IngestResult,
  Actor,
  AgentActor,
  CustomerActor,
  SystemActor,
  IdempotencyKey,
  CreateOptions,
  ReplyInput,
  NoteInput,
  CaseUpdate,
  MergeCasesOptions,
  CreateCustomerInput,
  CustomerPatch,
  IdentifyVisitorInput,
  CreateAgentInput,
  AgentPatch,
  ChannelPatch,
  CreateChannelInput,
  DeliveryReceipt,
  HandoffInput,
  BotAnswerWait,
  HandoffResult,
  CreateBotInput,
  BotPatch,
} from './types.ts';

// Rules, each defined once
export {
  ACTIVE_STATUSES,
  WAITING_STATUSES,
  assertTransition,
  isForwardStatus,
  authorize,
  requireRole,
  assertCasesMergeable,
  assertAdminRemains,
  tokenRefusal,
  visitorFacts,
  sessionFollowsMerge,
  patchAttributes,
  MAX_ATTRIBUTES,
  VISITOR_ATTRIBUTE_PREFIX,
  assertMayHandOff,
  takesNewCases,
} from './rules.ts';
export { DEFAULT_SETTINGS, DEFAULT_CAPACITY } from './defaults.ts';

// Who may see which event
export { isPublicEvent, visitorView, privateToAgent, isVisibleToAgent, publicAgent, publicChannel } from './visibility.ts';
export type { AgentVisibilityFields } from './visibility.ts';
export type { TokenFacts } from './rules.ts';

// Ports
export type {
  Store,
  StoreReader,
  StoreTx,
  CustomerSearch,
  Publisher,
  Clock,
  ChannelRecord,
  MessageDelivery,
  AgentRecord,
  RevokedToken,
  CaseQuery,
  MessageQuery,
  EventQuery,
  StoredEventJson,
  OutboxItem,
  IdempotentResponse,
  TimerInput,
  DurableTimer,
  IntegrationRecord,
  RecordQuery,
  SecretBox,
} from './ports.ts';

// Bounds every store keeps
export { checkMessageQuery, IDEMPOTENCY_KEY_TTL_MS, idempotentAnswerExpired, idempotentKeyHeld, MAX_CASES_PER_TRANSACTION, refusedAsTooLarge } from './store-rules.ts';

// How searches match (stores index and query through these)
export { customerSearchText, customerSearchQuery, foldDiacritics, searchTerms, parseCaseSearch, matchesTerm, MIN_PREFIX_LENGTH, MIN_CUSTOMER_MATCH } from './search.ts';
export type { CaseSearch } from './search.ts';

// Ids
export { newId } from './ids.ts';

// Routing: passes run when what they depend on changes
export { createRouter } from './router.ts';
export type { Router, RouterOptions } from './router.ts';

// Bots
export { HANDOFF_NOTICE } from './internal/handoff.ts';
export { BOT_ANSWER_TIMER_KIND, botView } from './internal/bots.ts';

// Outbox
export { createOutboxWorker, defaultBackoff } from './outbox.ts';
export { suggestMerges } from './merge-suggestions.ts';
export type { OutboxWorker, OutboxWorkerOptions } from './outbox.ts';

// Integration records
export { billingAccountOf, listSyncLog, BILLING_ACCOUNTS, SYNC_LOG } from './internal/billing.ts';
export { checkRecordInput, MAX_RECORD_BYTES } from './records.ts';

// Durable timers
export { createTimerWorker, createEngineTimerHandlers, checkTimerInput, TimerRunError, MAX_TIMER_PAYLOAD_BYTES } from './timers.ts';
export type { TimerWorker, TimerWorkerOptions, TimerHandler, TimerErrorCode } from './timers.ts';

// The channel port: what every provider adapter implements
export { ChannelConfigError, ChannelPayloadError, DeliveryError } from './channel-port.ts';
export type {
  ChannelAdapter,
  ChannelCapabilities,
  ChannelField,
  ChannelRuntime,
  ChannelTestResult,
  DeliveryStatusEvent,
  FetchedAttachment,
  InboundAttachment,
  InboundEvent,
  InboundMessageEvent,
  OutboundMessage,
  ParsedWebhook,
  SendResult,
  Verification,
  WebhookReply,
  WebhookRequest,
} from './channel-port.ts';
