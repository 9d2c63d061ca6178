import type { BillingAccountInput } from '@casekit/core';
import {
  BILLING_RECENT_INVOICES,
  BILLING_SERVICE_STATUSES,
  INVOICE_STATUSES,
  type BillingAccount,
  type BillingInvoice,
  type BillingService,
} from '@casekit/protocol';
import { SplynxError } from './errors.ts';
import type { SplynxRecord } from './client.ts';
import { parseSplynxCustomer, splynxText } from './records.ts';

/** Where each kind of service lives under a customer; `0` lists every customer's. */
export const SERVICE_PATHS = {
  internet: 'internet-services',
  voice: 'voice-services',
  custom: 'recurring-services',
} as const;

const text = splynxText;

/** A Splynx date, or null for its empty date (`0000-00-00`) and anything that is not a date. */
function day(value: unknown): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(text(value));
  return match && match[1] !== '0000-00-00' ? match[1]! : null;
}

/** A decimal as Splynx writes it (`"29.90"`, or a number), normalized to two places. */
function amount(value: unknown, field: string, id: string): string {
  const raw = text(value).trim() || '0';
  if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new SplynxError('unexpected_response', `Record ${id}: ${field} is ${JSON.stringify(value)}; expected a decimal.`);
  return Number(raw).toFixed(2);
}

function oneOf<T extends string>(values: readonly T[], value: unknown, field: string, id: string): T {
  if ((values as readonly unknown[]).includes(value)) return value as T;
  throw new SplynxError('unexpected_response', `Record ${id}: ${field} is ${JSON.stringify(value)}; expected one of ${values.join(', ')}.`);
}

/** One service as casekit shows it; throws `SplynxError` (`unexpected_response`) naming a bad field. */
export function toBillingService(raw: SplynxRecord, type: BillingService['type']): BillingService {
  const id = text(raw.id);
  const detail = type === 'internet' ? text(raw.login) || text(raw.ipv4) : type === 'voice' ? text(raw.phone) : '';
  return {
    id,
    type,
    description: text(raw.description).slice(0, 500),
    status: oneOf(BILLING_SERVICE_STATUSES, raw.status, 'status', `service ${id}`),
    tariffId: text(raw.tariff_id),
    unitPrice: amount(raw.unit_price, 'unit_price', `service ${id}`),
    startDate: day(raw.start_date),
    endDate: day(raw.end_date),
    detail: detail.slice(0, 200),
  };
}

/** One invoice as casekit shows it; throws `SplynxError` naming a bad field. */
export function toBillingInvoice(raw: SplynxRecord): BillingInvoice {
  const id = text(raw.id);
  return {
    id,
    number: text(raw.number).slice(0, 100),
    status: oneOf(INVOICE_STATUSES, raw.status, 'status', `invoice ${id}`),
    total: amount(raw.total, 'total', `invoice ${id}`),
    due: amount(raw.due, 'due', `invoice ${id}`),
    createdOn: day(raw.date_created),
    dueOn: day(raw.date_till),
    paidOn: day(raw.date_payment),
  };
}

/** A Splynx change time (`YYYY-MM-DD HH:MM:SS`) as an account keeps it (`YYYY-MM-DDTHH:MM:SS`; empty for none). */
function changedAtOf(lastUpdate: string): string {
  return lastUpdate.startsWith('0000') ? '' : lastUpdate.replace(' ', 'T').slice(0, 40);
}

const newestFirst = (a: BillingInvoice, b: BillingInvoice) => (b.createdOn ?? '').localeCompare(a.createdOn ?? '') || Number(b.id) - Number(a.id);

/** Partners' and locations' names by id (`admin/administration/partners`, `…/locations`). */
export interface LookupNames {
  partners: ReadonlyMap<string, string>;
  locations: ReadonlyMap<string, string>;
}

/**
 * A customer's account from its Splynx records: unpaid invoices and the latest paid ones,
 * deleted ones left out. Throws `SplynxError` naming the first bad field.
 */
export function toBillingAccount(
  rawCustomer: SplynxRecord,
  services: readonly BillingService[],
  invoices: readonly BillingInvoice[],
  adminUrl: string | null,
  names?: LookupNames,
): BillingAccountInput {
  const customer = parseSplynxCustomer(rawCustomer);
  const kept = invoices.filter((invoice) => invoice.status !== 'deleted');
  const unpaid = kept.filter((invoice) => invoice.status !== 'paid').sort(newestFirst);
  const paid = kept.filter((invoice) => invoice.status === 'paid').sort(newestFirst).slice(0, BILLING_RECENT_INVOICES);
  const amountDue = unpaid.reduce((sum, invoice) => sum + Math.round(Number(invoice.due) * 100), 0);
  const raw = customer.raw;
  const address = [text(raw.street_1), text(raw.street_2), [text(raw.zip_code), text(raw.city)].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const changed = text(raw.last_update);
  return {
    source: 'splynx',
    externalId: String(customer.id),
    status: customer.status,
    login: customer.login.slice(0, 200),
    name: customer.name.slice(0, 200),
    category: text(raw.category).slice(0, 40),
    partnerId: String(customer.partnerId),
    partnerName: (names?.partners.get(String(customer.partnerId)) ?? '').slice(0, 200),
    locationId: String(customer.locationId),
    locationName: (names?.locations.get(String(customer.locationId)) ?? '').slice(0, 200),
    address: address.slice(0, 500),
    url: adminUrl && `${adminUrl.replace(/\/+$/, '')}/admin/customers/view?id=${customer.id}`,
    services: [...services].sort((a, b) => a.type.localeCompare(b.type) || Number(a.id) - Number(b.id)),
    invoices: [...unpaid, ...paid],
    amountDue: (amountDue / 100).toFixed(2),
    changedAt: changedAtOf(changed),
    contact: {
      name: customer.name,
      emails: [customer.email, text(raw.billing_email)].flatMap((e) => e.split(/[,;\s]+/)).filter(Boolean),
      phones: customer.phone.split(/[,;]+/).map((p) => p.trim()).filter(Boolean),
    },
  };
}

/** Whether `invoice`, as Splynx has it now, would change the stored `account`'s invoices. */
export function invoiceChangesAccount(account: Pick<BillingAccount, 'invoices'>, invoice: BillingInvoice): boolean {
  const known = account.invoices.find((kept) => kept.id === invoice.id);
  if (known) return JSON.stringify(known) !== JSON.stringify(invoice);
  if (invoice.status === 'deleted') return false;
  if (invoice.status !== 'paid') return true;
  const paid = account.invoices.filter((kept) => kept.status === 'paid');
  return paid.length < BILLING_RECENT_INVOICES || newestFirst(invoice, paid.at(-1)!) < 0;
}

/** Whether the customer record, as Splynx has it now, would change the stored `account` (a record it cannot read does). */
export function customerChangesAccount(account: BillingAccount, rawCustomer: SplynxRecord, adminUrl: string | null, names?: LookupNames): boolean {
  try {
    const { contact: _contact, ...fields } = toBillingAccount(rawCustomer, account.services, account.invoices, adminUrl, names);
    return (Object.keys(fields) as (keyof typeof fields)[]).some((key) => JSON.stringify(fields[key]) !== JSON.stringify(account[key]));
  } catch {
    return true;
  }
}
