// Splynx REST API v2.0 client. Node only (node:crypto signs requests).
export { createSplynxClient, SPLYNX_OPERATORS } from './client.ts';
export type {
  SplynxClient,
  SplynxClientOptions,
  SplynxAuth,
  SplynxClock,
  SplynxRecord,
  SplynxOperator,
  SplynxCondition,
  SplynxWhere,
  SplynxListOptions,
  SplynxPagesOptions,
} from './client.ts';

// Errors
export { SplynxError, SPLYNX_INTERNAL_CODES, SPLYNX_CLIENT_CODES } from './errors.ts';
export type { SplynxErrorCode, SplynxInternalCode, SplynxClientCode } from './errors.ts';

// Typed records at the edge
export { parseSplynxCustomer, splynxNumber, splynxFlag, SPLYNX_CUSTOMER_STATUSES } from './records.ts';
export type { SplynxCustomer, SplynxCustomerStatus } from './records.ts';

// The sync of billing accounts
export { createSplynxSync } from './sync.ts';
export type { SplynxSync, SplynxSyncOptions, SyncRunOptions } from './sync.ts';
export { toBillingAccount, toBillingService, toBillingInvoice } from './accounts.ts';

// Hooks
export { readHook, MAX_HOOK_BYTES } from './hooks.ts';
export type { HookRequest, HookAnswer, ReadHook } from './hooks.ts';
export { splynxHookHandler } from './hook-handler.ts';

// Tickets in step with cases, both ways
export { createTicketSync } from './tickets.ts';
export type { TicketSync, TicketSyncOptions, TicketSyncLogEntry, TicketPushResult, TicketPullResult } from './tickets.ts';
