import { BillingAccount as BillingAccountSchema, E164, Email, SyncLogEntry as SyncLogEntrySchema } from '@casekit/protocol/schemas';
import { CasekitError, type BillingAccount, type Customer, type SyncLogEntry } from '@casekit/protocol';
import { newId } from '../ids.ts';
import type { StoreReader, StoreTx } from '../ports.ts';
import type { BillingAccountInput, BillingBatch, BillingBatchResult, SystemActor } from '../types.ts';
import { unique, type EngineContext, type Step } from './context.ts';

/** Where billing accounts live among the integration records, keyed `<source>:<externalId>`. */
export const BILLING_ACCOUNTS = 'billing-accounts';
/** Where sync log lines live, keyed by time then id so that a reverse listing is newest first. */
export const SYNC_LOG = 'sync-log';
/** The largest batch one operation applies: it is one transaction. */
const MAX_BATCH = 2000;

const accountKey = (source: string, externalId: string) => `${source}:${externalId}`;

/** The billing account linked to `customer`, as last synced; null when it has none. */
export async function billingAccountOf(store: StoreReader, workspaceId: string, customer: Pick<Customer, 'splynxId'>): Promise<BillingAccount | null> {
  if (customer.splynxId === null) return null;
  const record = await store.getRecord(workspaceId, BILLING_ACCOUNTS, accountKey('splynx', customer.splynxId));
  return record ? (record.value as BillingAccount) : null;
}

function invalid(path: string, message: string): CasekitError {
  return new CasekitError('validation_failed', `Billing batch ${path} ${message}.`, { details: { issues: [{ path, message }] } });
}

/** Emails and phones a billing system holds that casekit can use: valid ones, lower-case emails, E.164 phones. */
function usableContacts(input: BillingAccountInput['contact']): { emails: string[]; phones: string[] } {
  const emails = unique(input.emails.map((e) => e.trim().toLowerCase()).filter((e) => Email.safeParse(e).success));
  const phones = unique(input.phones.map((p) => p.replace(/[\s().-]/g, '')).filter((p) => E164.safeParse(p).success));
  return { emails, phones };
}

/** The account as stored, without the time it was written: what decides "unchanged". */
function sameAccount(a: BillingAccount, b: BillingAccount): boolean {
  return JSON.stringify({ ...a, syncedAt: '' }) === JSON.stringify({ ...b, syncedAt: '' });
}

/**
 * Finds the customer an account belongs to: the one linked before, else one with the same
 * email or phone and no other account, else none.
 */
async function matchCustomer(tx: StoreTx, workspaceId: string, previous: BillingAccount | null, contacts: { emails: string[]; phones: string[] }, externalId: string): Promise<Customer | null> {
  if (previous) {
    const linked = await tx.getCustomer(workspaceId, previous.customerId);
    if (linked) return linked;
  }
  const free = (c: Customer | null) => (c && (c.splynxId === null || c.splynxId === externalId) ? c : null);
  for (const email of contacts.emails) {
    const found = free(await tx.findCustomerByEmail(workspaceId, email));
    if (found) return found;
  }
  for (const phone of contacts.phones) {
    const found = free(await tx.findCustomerByPhone(workspaceId, phone));
    if (found) return found;
  }
  return null;
}

async function applyAccount({ tx, emit, at }: Step, actor: SystemActor, input: BillingAccountInput, result: BillingBatchResult): Promise<void> {
  const { workspaceId } = actor;
  const key = accountKey(input.source, input.externalId);
  const previous = ((await tx.getRecord(workspaceId, BILLING_ACCOUNTS, key))?.value as BillingAccount | undefined) ?? null;
  const contacts = usableContacts(input.contact);
  const found = await matchCustomer(tx, workspaceId, previous, contacts, input.externalId);
  const base = { workspaceId, at, actorId: null, caseId: null };
  let customer: Customer;
  if (!found) {
    customer = { id: newId('cu'), workspaceId, name: input.contact.name.slice(0, 200), ...contacts, identities: [], splynxId: input.externalId, attributes: {}, createdAt: at, updatedAt: at };
    await tx.insertCustomer(customer);
    await emit({ ...base, type: 'customer.created', customerId: customer.id, data: { customer } });
  } else {
    // Contact details: the billing system adds what it knows and never removes what casekit
    // learnt; its name replaces casekit's only when the name changed there (or casekit has none).
    const renamed = !found.name || !previous || previous.name !== input.name;
    const next: Customer = {
      ...found,
      name: renamed && input.contact.name ? input.contact.name.slice(0, 200) : found.name,
      emails: unique([...found.emails, ...contacts.emails]),
      phones: unique([...found.phones, ...contacts.phones]),
      // A profile already linked to another account keeps that link (profiles of two accounts never merge).
      splynxId: found.splynxId ?? input.externalId,
    };
    customer = found;
    if (JSON.stringify(next) !== JSON.stringify(found)) {
      customer = { ...next, updatedAt: at };
      await tx.updateCustomer(customer);
      await emit({ ...base, type: 'customer.updated', customerId: customer.id, data: { customer } });
    }
  }
  const { contact: _contact, ...fields } = input;
  const account: BillingAccount = { ...fields, workspaceId, customerId: customer.id, syncedAt: at };
  result.customers[input.externalId] = customer.id;
  if (previous && sameAccount(previous, account)) {
    result.unchanged++;
    return;
  }
  await tx.putRecord(workspaceId, BILLING_ACCOUNTS, key, account, at);
  // Agents looking at the customer see the change at once (the billing panel listens).
  if (customer.splynxId === input.externalId) await emit({ ...base, type: 'customer.billing', customerId: customer.id, data: { account } });
  if (previous) result.updated++;
  else result.created++;
}

function checkBatch(batch: BillingBatch): void {
  const size = (batch.accounts?.length ?? 0) + (batch.records?.length ?? 0) + (batch.log?.length ?? 0);
  if (size > MAX_BATCH) throw invalid('', `holds ${size} items; at most ${MAX_BATCH} go in one transaction`);
  batch.accounts?.forEach((account, index) => {
    const { contact, ...fields } = account;
    const parsed = BillingAccountSchema.omit({ workspaceId: true, customerId: true, syncedAt: true }).safeParse(fields);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(['accounts', index, ...issue.path].join('.'), issue.message);
    }
    if (typeof contact?.name !== 'string' || !Array.isArray(contact.emails) || !Array.isArray(contact.phones)) {
      throw invalid(`accounts.${index}.contact`, 'must have a name, emails and phones');
    }
  });
}

/**
 * Applies what a billing sync read, in one transaction: accounts (creating, linking or updating
 * their customers), the sync's own records (cursors, links; a null value deletes) and log lines.
 * An account equal to the stored one writes nothing.
 */
export async function applyBilling(ctx: EngineContext, actor: SystemActor, batch: BillingBatch): Promise<BillingBatchResult> {
  checkBatch(batch);
  return ctx.run(actor.workspaceId, async (step) => {
    const { tx, at } = step;
    const { workspaceId } = actor;
    const result: BillingBatchResult = { created: 0, updated: 0, unchanged: 0, customers: {} };
    for (const account of batch.accounts ?? []) await applyAccount(step, actor, account, result);
    for (const record of batch.records ?? []) {
      if (record.value === null) await tx.deleteRecord(workspaceId, record.collection, record.key);
      else await tx.putRecord(workspaceId, record.collection, record.key, record.value, at);
    }
    for (const line of batch.log ?? []) {
      const entry: SyncLogEntry = SyncLogEntrySchema.parse({ ...line, id: newId('sl'), workspaceId, at });
      await tx.putRecord(workspaceId, SYNC_LOG, `${at}|${entry.id}`, entry, at);
    }
    return result;
  });
}

/** The sync log, newest first, a page at a time; `runId` keeps one run's lines. */
export async function listSyncLog(store: StoreReader, workspaceId: string, query: { limit: number; cursor?: string; runId?: string }): Promise<{ items: SyncLogEntry[]; nextCursor: string | null }> {
  const items: SyncLogEntry[] = [];
  let after = query.cursor;
  // With `runId`, other runs' lines are skipped: a bounded number of pages per call.
  for (let pages = 0; pages < 20; pages++) {
    const batch = await store.listRecords(workspaceId, SYNC_LOG, { reverse: true, limit: query.limit, ...(after !== undefined && { after }) });
    for (const record of batch) {
      after = record.key;
      const entry = record.value as SyncLogEntry;
      if (query.runId === undefined || entry.runId === query.runId) items.push(entry);
      if (items.length === query.limit) return { items, nextCursor: after };
    }
    if (batch.length < query.limit) return { items, nextCursor: null };
  }
  return { items, nextCursor: after ?? null };
}
