import { SplynxError } from './errors.ts';
import type { SplynxRecord } from './client.ts';

/** A Splynx customer's `status`. */
export const SPLYNX_CUSTOMER_STATUSES = ['new', 'active', 'blocked', 'disabled'] as const;
export type SplynxCustomerStatus = (typeof SPLYNX_CUSTOMER_STATUSES)[number];

/** The customer fields casekit reads, typed; `raw` keeps every field as Splynx sent it. */
export interface SplynxCustomer {
  id: number;
  login: string;
  name: string;
  status: SplynxCustomerStatus;
  email: string;
  phone: string;
  partnerId: number;
  locationId: number;
  /** Custom fields by name, as Splynx sends them. */
  additionalAttributes: Record<string, unknown>;
  raw: SplynxRecord;
}

function bad(field: string, value: unknown): SplynxError {
  return new SplynxError('unexpected_response', `Splynx record field ${field} is ${JSON.stringify(value)}; expected ${field === 'status' ? SPLYNX_CUSTOMER_STATUSES.join(', ') : 'a whole number'}.`);
}

/** A Splynx field as text: strings as they are, numbers written out, a missing value as empty. */
export function splynxText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** A Splynx id or count sent as a string (`"42"`) or number, as a number. */
export function splynxNumber(value: unknown, field = 'id'): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw bad(field, value);
  return number;
}

/** A Splynx flag (`"0"`/`"1"`, or a number) as a boolean. */
export function splynxFlag(value: unknown): boolean {
  return value === '1' || value === 1 || value === true;
}

/** Types a raw customer record from `get`/`list`; throws `SplynxError` (`unexpected_response`) naming a bad field. */
export function parseSplynxCustomer(raw: SplynxRecord): SplynxCustomer {
  const status = raw.status;
  if (!(SPLYNX_CUSTOMER_STATUSES as readonly unknown[]).includes(status)) throw bad('status', status);
  const text = splynxText;
  const additional = raw.additional_attributes;
  return {
    id: splynxNumber(raw.id, 'id'),
    login: text(raw.login),
    name: text(raw.name),
    status: status as SplynxCustomerStatus,
    email: text(raw.email),
    phone: text(raw.phone),
    partnerId: splynxNumber(raw.partner_id, 'partner_id'),
    locationId: splynxNumber(raw.location_id, 'location_id'),
    additionalAttributes: typeof additional === 'object' && additional !== null && !Array.isArray(additional) ? (additional as Record<string, unknown>) : {},
    raw,
  };
}
