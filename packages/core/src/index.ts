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
  OutboxItem,
  IdempotentResponse,
} from './ports.ts';

// Who may see which event
export { isPublicEvent, visitorView, privateToAgent, isVisibleToAgent } from './visibility.ts';

// How searches match (stores index and query through these)
export { customerSearchText, customerSearchQuery, searchTerms, parseCaseSearch, matchesTerm, MIN_PREFIX_LENGTH } from './search.ts';
export type { CaseSearch } from './search.ts';

// Ids
export { newId } from './ids.ts';

// Outbox
export { createOutboxWorker } from './outbox.ts';
export type { OutboundSender, OutboxWorker, OutboxWorkerOptions } from './outbox.ts';
