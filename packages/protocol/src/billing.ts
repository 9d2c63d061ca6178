import { z } from 'zod';
import { Id, Timestamp } from './primitives.ts';
import { BILLING_ACCOUNT_STATUSES, BILLING_SERVICE_STATUSES, BILLING_SERVICE_TYPES, INVOICE_STATUSES, SYNC_ENTITIES, SYNC_RUN_KINDS, SYNC_RUN_STATUSES } from './values.ts';

/** A calendar day, `YYYY-MM-DD`, in the billing system's own time zone. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day such as 2026-12-03');
/** Money as the billing system writes it: a decimal string such as `"29.90"`. */
const Amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal such as 29.90');

/** One service the customer pays for: an internet line, a phone line or a custom recurring one. */
export const BillingService = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(BILLING_SERVICE_TYPES),
  description: z.string().max(500),
  status: z.enum(BILLING_SERVICE_STATUSES),
  tariffId: z.string().max(64),
  unitPrice: Amount,
  startDate: Day.nullable(),
  /** Null: the service has no end date. */
  endDate: Day.nullable(),
  /** The line's login, address or phone number, where the service has one. */
  detail: z.string().max(200),
});
export interface BillingService extends z.infer<typeof BillingService> {}

/** One invoice: what was billed, what is still due and by when. */
export const BillingInvoice = z.object({
  id: z.string().min(1).max(64),
  number: z.string().max(100),
  status: z.enum(INVOICE_STATUSES),
  total: Amount,
  due: Amount,
  createdOn: Day.nullable(),
  /** The day it must be paid by; an unpaid invoice after that day is overdue (`isInvoiceOverdue`). */
  dueOn: Day.nullable(),
  paidOn: Day.nullable(),
});
export interface BillingInvoice extends z.infer<typeof BillingInvoice> {}

/**
 * A customer's account in the billing system, as last synced. It belongs to the billing system:
 * casekit never edits it, only the sync replaces it.
 */
export const BillingAccount = z.object({
  workspaceId: Id,
  /** The casekit customer it is linked to. */
  customerId: Id,
  source: z.literal('splynx'),
  /** The customer's id in the billing system. */
  externalId: z.string().min(1).max(64),
  status: z.enum(BILLING_ACCOUNT_STATUSES),
  login: z.string().max(200),
  name: z.string().max(200),
  category: z.string().max(40),
  partnerId: z.string().max(64),
  /** The partner (reseller or brand) the customer belongs to, by name; empty when unknown. */
  partnerName: z.string().max(200),
  locationId: z.string().max(64),
  /** The customer's location (area, branch) by name; empty when unknown. */
  locationName: z.string().max(200),
  address: z.string().max(500),
  /** The customer's page in the billing system, for agents. */
  url: z.string().max(2000).nullable(),
  services: z.array(BillingService),
  /** Unpaid invoices, then the latest paid ones (at most `BILLING_RECENT_INVOICES`), newest first. */
  invoices: z.array(BillingInvoice),
  /** The sum of `due` over unpaid invoices. */
  amountDue: Amount,
  /** When the billing system last changed the customer (its own clock, as ISO text without zone). */
  changedAt: z.string().max(40),
  /** When casekit last wrote this account. */
  syncedAt: Timestamp,
});
export interface BillingAccount extends z.infer<typeof BillingAccount> {}

/** One run of the sync: a full or incremental pull, a batch of hooks, or pushing cases out. */
export const SyncRun = z.object({
  id: Id,
  workspaceId: Id,
  source: z.literal('splynx'),
  kind: z.enum(SYNC_RUN_KINDS),
  status: z.enum(SYNC_RUN_STATUSES),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  /** What it is doing now, and how far it is: `done` of `total` in that phase (`total` null while unknown). */
  phase: z.string().max(40),
  done: z.number().int().min(0),
  total: z.number().int().min(0).nullable(),
  counts: z.object({
    created: z.number().int().min(0),
    updated: z.number().int().min(0),
    unchanged: z.number().int().min(0),
    failed: z.number().int().min(0),
  }),
  /** Requests made to the billing system. */
  requests: z.number().int().min(0),
  /** Why the run stopped, when it failed. */
  error: z.string().max(2000).nullable(),
});
export interface SyncRun extends z.infer<typeof SyncRun> {}

/** One line of the sync log: a record that could not be synced, a refused hook, a failed request. */
export const SyncLogEntry = z.object({
  id: Id,
  workspaceId: Id,
  runId: Id.nullable(),
  at: Timestamp,
  level: z.enum(['error', 'warning', 'info']),
  entity: z.enum(SYNC_ENTITIES),
  /** The record's id in the billing system, when the entry is about one. */
  externalId: z.string().max(64).nullable(),
  /** A stable code to filter on: `invalid_record`, `forged_hook`, `unauthorized`, `server_error`… */
  code: z.string().max(60),
  message: z.string().max(2000),
});
export interface SyncLogEntry extends z.infer<typeof SyncLogEntry> {}

/** Where the sync stands: connected or not, the last runs, and what it has linked. */
export const SyncStatus = z.object({
  source: z.literal('splynx'),
  /** False when no billing system is configured: every other field is empty. */
  configured: z.boolean(),
  /** The billing system's address. */
  url: z.string().nullable(),
  /** Whether signed hooks are accepted (a hook secret is set). */
  hooks: z.boolean(),
  /** The latest runs, newest first. */
  runs: z.array(SyncRun),
  /** Customers linked to the billing system. */
  linkedCustomers: z.number().int().min(0),
  /** When the last successful pull finished. */
  lastSyncedAt: Timestamp.nullable(),
});
export interface SyncStatus extends z.infer<typeof SyncStatus> {}

export const SyncLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
  runId: Id.optional(),
});
export interface SyncLogQuery extends z.infer<typeof SyncLogQuery> {}

export const SyncLogResponse = z.object({ items: z.array(SyncLogEntry), nextCursor: z.string().nullable() });
export interface SyncLogResponse extends z.infer<typeof SyncLogResponse> {}

/** Starts a pull now: `full` reads everything again, else only what changed since the last one. */
export const SyncStartRequest = z.object({ full: z.boolean().default(false) }).strict();
export interface SyncStartRequest extends z.infer<typeof SyncStartRequest> {}
