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
