// The engine
export { createCaseEngine, assertTransition, isForwardStatus } from './engine.ts';
export type { CaseEngineOptions } from './engine.ts';
export type {
  CaseEngine,
  InboundMessage,
  IngestResult,
  Actor,
  ReplyInput,
  NoteInput,
  CaseUpdate,
  CreateCustomerInput,
} from './types.ts';

// Ports
export type {
  Store,
  StoreReader,
  StoreTx,
  Publisher,
  Clock,
  ChannelRecord,
  AgentRecord,
  CaseQuery,
  MessageQuery,
  EventQuery,
  StoredEventJson,
  OutboxItem,
  IdempotentResponse,
} from './ports.ts';

// Who may see which event
export { isPublicEvent, visitorView, privateToAgent, isVisibleToAgent } from './visibility.ts';
export type { AgentVisibilityFields } from './visibility.ts';

// Ids
export { newId } from './ids.ts';

// Outbox
export { createOutboxWorker } from './outbox.ts';
export type { OutboundSender, OutboxWorker, OutboxWorkerOptions } from './outbox.ts';
