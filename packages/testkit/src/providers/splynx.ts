// A faithful fake of the Splynx REST API v2.0 (reference/splynx.md): customers and their internet,
// voice and recurring services, invoices, support tickets and ticket messages, with Splynx's
// signature and access-token auth, string ids and flags, `0000-00-00` dates, `main_attributes`
// search, HEAD counts in X-total-count, its error body and internal codes, and hooks signed
// with X-Splynx-Signature. Where the reference says a behaviour is unknown, the choice is noted.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './internal/http.ts';

/** A Splynx record as the API answers it: numbers and flags as strings, nested arrays and objects kept. */
export type SplynxRecord = Record<string, unknown>;

/** The collections the fake keeps, by id (a string, as Splynx sends ids). */
export interface SplynxFakeStore {
  customers: Map<string, SplynxRecord>;
  internetServices: Map<string, SplynxRecord>;
  voiceServices: Map<string, SplynxRecord>;
  recurringServices: Map<string, SplynxRecord>;
  invoices: Map<string, SplynxRecord>;
  tickets: Map<string, SplynxRecord>;
  ticketMessages: Map<string, SplynxRecord>;
}

/** A hook POST the fake made and what the receiver answered (`status` 0 when it could not connect). */
export interface SplynxHookDelivery {
  url: string;
  body: string;
  signature: string;
  status: number;
}

/** Statuses `failNext` can answer with. */
export type SplynxFakeFailure = 500 | 502 | 503;

/** How to start the fake: the one API key it accepts, and what to seed. */
export interface SplynxFakeOptions {
  apiKey: string;
  apiSecret: string;
  /** Seeded customers (25 by default); each gets services, invoices (some overdue) and some tickets. */
  customers?: number;
  /** Secret hooks are signed with when `addHook` names none. */
  hookSecret?: string;
  /** Seed of the generated data: the same seed and day give the same records. */
  seed?: number;
  port?: number;
  host?: string;
  /** Accept `Basic base64(key:secret)` as a key with "Unsecure access" turned on does; refused by default. */
  basicAuth?: boolean;
}

/** A running fake Splynx, with its records and the knobs tests turn. */
export interface SplynxFake {
  /** The Splynx base URL (`http://127.0.0.1:<port>`); the API is under `/api/2.0/`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Records by collection. Writing here directly sends no hook; use the `change*` helpers for that. */
  store: SplynxFakeStore;
  /** Posts every later change event to `url`, signed with `secret` (default `hookSecret`). */
  addHook(hook: { url: string; secret?: string }): void;
  /** Hook POSTs made so far, in order; await `hooksSettled()` first. */
  hookDeliveries: SplynxHookDelivery[];
  /** Resolves when every hook POST started so far has been answered. */
  hooksSettled(): Promise<void>;
  /** Posts `{"type":"ping"}` to every hook, as Splynx's connectivity check does (a receiver answers 200). */
  pingHooks(): void;
  /** Changes a customer as an admin would in the UI and sends the `edit` hook; throws on bad fields. */
  changeCustomer(id: string, patch: Record<string, unknown>): SplynxRecord;
  /** Changes a ticket as an admin would and sends the `edit` hook. */
  changeTicket(id: string, patch: Record<string, unknown>): SplynxRecord;
  /** Changes an invoice (e.g. marks it paid) and sends the `edit` hook. */
  changeInvoice(id: string, patch: Record<string, unknown>): SplynxRecord;
  /** Answers the next `count` API requests with `status` and Splynx's SERVER_ERROR body. */
  failNext(count: number, status?: SplynxFakeFailure): void;
  /** Every access token issued so far is expired from now on (refresh tokens still renew). */
  expireTokens(): void;
  close(): Promise<void>;
}

/** Thrown by the `change*` helpers for an unknown record or a field Splynx would refuse. */
export class SplynxFakeError extends Error {
  readonly code: 'NOT_FOUND' | 'INVALID_INPUT_DATA';
  constructor(code: 'NOT_FOUND' | 'INVALID_INPUT_DATA', message: string) {
    super(message);
    this.name = 'SplynxFakeError';
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Fields, by resource: what OPTIONS lists and what POST/PUT accept.

type FieldType = 'integer' | 'decimal' | 'string' | 'date' | 'datetime' | 'select' | 'boolean' | 'array' | 'object';
interface Field {
  name: string;
  type: FieldType;
  required?: boolean;
  values?: readonly string[];
  readOnly?: boolean;
  createOnly?: boolean;
}
const f = (name: string, type: FieldType, extra: Omit<Field, 'name' | 'type'> = {}): Field => ({ name, type, ...extra });

const CUSTOMER_STATUSES = ['new', 'active', 'blocked', 'disabled'] as const;
const SERVICE_STATUSES = ['active', 'stopped', 'disabled', 'hidden', 'pending'] as const;
const INVOICE_STATUSES = ['not_paid', 'paid', 'pending', 'deleted'] as const;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

const CUSTOMER_FIELDS: readonly Field[] = [
  f('id', 'integer', { readOnly: true }),
  f('login', 'string'),
  f('status', 'select', { values: CUSTOMER_STATUSES }),
  f('partner_id', 'integer', { required: true }),
  f('location_id', 'integer', { required: true }),
  f('parent_id', 'integer'),
  f('name', 'string', { required: true }),
  f('email', 'string'),
  f('billing_email', 'string'),
  f('phone', 'string'),
  f('category', 'select', { values: ['person', 'company'] }),
  f('street_1', 'string'),
  f('street_2', 'string'),
  f('zip_code', 'string'),
  f('city', 'string'),
  f('subdivision_id', 'integer'),
  f('date_add', 'date'),
  f('gps', 'string'),
  f('billing_type', 'select', { values: ['recurring', 'prepaid', 'prepaid_monthly'] }),
  f('mrr_total', 'decimal', { readOnly: true }),
  f('daily_prepaid_cost', 'decimal', { readOnly: true }),
  f('added_by', 'string', { readOnly: true }),
  f('added_by_id', 'integer', { readOnly: true }),
  f('last_online', 'datetime', { readOnly: true }),
  f('last_update', 'datetime', { readOnly: true }),
  f('conversion_date', 'date'),
  f('gdpr_agreed', 'date'),
  f('customer_labels', 'array'),
  f('additional_attributes', 'object'),
];

const SERVICE_COMMON: readonly Field[] = [
  f('id', 'integer', { readOnly: true }),
  f('customer_id', 'integer', { readOnly: true }),
  f('tariff_id', 'integer', { required: true }),
  f('status', 'select', { values: SERVICE_STATUSES }),
  f('description', 'string', { required: true }),
  f('quantity', 'decimal'),
  f('unit', 'string'),
  f('unit_price', 'decimal'),
  f('start_date', 'date', { required: true }),
  f('end_date', 'date'),
  f('discount', 'boolean'),
  f('discount_type', 'select', { values: ['percent', 'fixed'] }),
  f('discount_value', 'decimal'),
  f('discount_start_date', 'date'),
  f('discount_end_date', 'date'),
  f('bundle_service_id', 'integer'),
  f('parent_id', 'integer'),
  f('status_new', 'string'),
  f('on_approve', 'boolean'),
  f('period', 'integer'),
  f('type', 'string', { readOnly: true }),
  f('additional_attributes', 'object'),
];
const INTERNET_FIELDS: readonly Field[] = [
  ...SERVICE_COMMON,
  ...['router_id', 'sector_id', 'ipv4_pool_id', 'ipv6_pool_id', 'port_id', 'top_up_tariff_id'].map((name) => f(name, 'integer')),
  ...['login', 'password', 'ipv4', 'ipv4_route', 'ipv6', 'ipv6_delegated', 'mac'].map((name) => f(name, 'string')),
  f('taking_ipv4', 'select', { values: ['0', '1', '2'] }),
  f('taking_ipv6', 'select', { values: ['0', '1', '2'] }),
  f('access_device', 'integer'),
  f('geo', 'object'),
];
const VOICE_FIELDS: readonly Field[] = [...SERVICE_COMMON, f('voice_device_id', 'integer'), f('phone', 'string'), f('direction', 'select', { values: ['incoming', 'outgoing'] })];

const INVOICE_FIELDS: readonly Field[] = [
  f('id', 'integer', { readOnly: true }),
  f('customer_id', 'integer', { required: true }),
  f('number', 'string', { required: true }),
  f('status', 'select', { required: true, values: INVOICE_STATUSES }),
  f('date_created', 'date'),
  f('date_updated', 'date'),
  f('date_till', 'date'),
  f('date_payment', 'date'),
  f('real_create_datetime', 'datetime', { readOnly: true }),
  f('total', 'decimal'),
  f('due', 'decimal'),
  f('type', 'select', { values: ['one_time', 'recurring'] }),
  f('use_transactions', 'boolean'),
  f('is_sent', 'boolean'),
  f('payd_from_deposit', 'boolean'),
  f('note', 'string'),
  f('memo', 'string'),
  f('payment_id', 'integer'),
  f('added_by', 'select', { values: ['system', 'api', 'admin'] }),
  f('added_by_id', 'integer'),
  f('items', 'array'),
];

const TICKET_FIELDS: readonly Field[] = [
  f('id', 'integer', { readOnly: true }),
  f('customer_id', 'integer'),
  f('lead_id', 'integer', { createOnly: true }),
  f('incoming_customer_id', 'integer'),
  f('reporter_id', 'integer'),
  f('reporter_type', 'select', { values: ['admin', 'customer', 'api', 'incoming', 'none'] }),
  f('reporter', 'string'),
  f('assign_to', 'integer'),
  f('status_id', 'integer'),
  f('group_id', 'integer'),
  f('type_id', 'integer', { required: true }),
  f('task_id', 'integer'),
  f('subject', 'string', { required: true }),
  f('priority', 'select', { required: true, values: PRIORITIES }),
  ...['hidden', 'star', 'closed', 'trash', 'unread_by_customer', 'shareable', 'hidden_from_related_account', 'unread_by_related_account'].map((name) => f(name, 'boolean')),
  f('unread_by_admin', 'integer'),
  f('created_at', 'datetime', { readOnly: true }),
  f('updated_at', 'datetime', { readOnly: true }),
  f('source', 'select', { values: ['administration', 'api', 'portal', 'widget', 'incoming'] }),
  f('note', 'string'),
  f('watching', 'string'),
  f('related_account_id', 'integer'),
  f('related_account_type', 'select', { values: ['none', 'main', 'sub'] }),
  f('message', 'string', { createOnly: true }),
  f('watchers', 'array', { createOnly: true }),
  f('moduleLabels', 'array', { createOnly: true }),
];

const MESSAGE_FIELDS: readonly Field[] = [
  f('id', 'integer', { readOnly: true }),
  f('ticket_id', 'integer', { required: true }),
  f('customer_id', 'integer'),
  f('incoming_customer_id', 'integer'),
  f('admin_id', 'integer'),
  f('api_id', 'integer'),
  f('source', 'select', { values: ['administration', 'api', 'portal', 'public_form', 'incoming'] }),
  f('date', 'date', { readOnly: true }),
  f('time', 'string', { readOnly: true }),
  f('message', 'string', { required: true }),
  f('rawMessage', 'string'),
  f('files', 'array'),
  f('is_merged', 'boolean'),
  f('can_be_deleted', 'boolean', { readOnly: true }),
  f('hide_for_customer', 'boolean'),
  f('mail_to', 'string'),
  f('smsTo', 'array'),
  f('mail_cc', 'string'),
  f('mail_bcc', 'string'),
  f('author_type', 'select', { values: ['admin', 'customer', 'api', 'system'] }),
  f('message_type', 'select', { values: ['message', 'note', 'change_ticket'] }),
];

// ---------------------------------------------------------------------------------------------
// Small pieces: errors, dates, PHP-style nested parameters.

const ERROR_CODES = {
  BAD_REQUEST: 400,
  INVALID_INPUT_DATA: 400,
  INVALID_AUTH_TYPE: 400,
  ENTITY_CANNOT_BE_DELETED: 400,
  UNAUTHORIZED: 401,
  EMPTY_ACCESS_TOKEN: 401,
  EXPIRED_ACCESS_TOKEN: 401,
  EXPIRED_REFRESH_TOKEN: 401,
  TOKEN_BANNED: 401,
  MISSED_AUTHORIZATION_HEADER: 401,
  USER_AGENT_CHANGED: 401,
  IP_CHANGED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SERVER_ERROR: 500,
} as const;
type InternalCode = keyof typeof ERROR_CODES;

class ApiError extends Error {
  readonly internalCode: InternalCode;
  readonly status: number;
  constructor(internalCode: InternalCode, message: string, status: number = ERROR_CODES[internalCode]) {
    super(message);
    this.internalCode = internalCode;
    this.status = status;
  }
}

function sendError(res: ServerResponse, internalCode: InternalCode, message: string, status: number = ERROR_CODES[internalCode]): void {
  sendJson(res, status, { error: { message, code: status, internal_code: internalCode } });
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of a UTC date: the fake's server clock is UTC (Splynx sends local time, no zone). */
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const hms = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const ymdhms = (d: Date) => `${ymd(d)} ${hms(d)}`;
const EMPTY_DATE = '0000-00-00';
const EMPTY_DATETIME = '0000-00-00 00:00:00';

type Nested = string | { [key: string]: Nested };

/** Reads `a[b][0]=x` pairs (PHP `http_build_query`) into nested objects. */
function parseNested(pairs: Iterable<[string, string]>): Record<string, Nested> {
  const out: Record<string, Nested> = {};
  for (const [key, value] of pairs) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, Nested> = out;
    path.forEach((part, i) => {
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (i === path.length - 1) node[name] = value;
      else node = (typeof node[name] === 'object' ? node[name] : (node[name] = {})) as Record<string, Nested>;
    });
  }
  return out;
}

/** A scalar as Splynx answers it: a string (`true` → `"1"`). */
function asSplynx(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(asSplynx);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, asSplynx(v)]));
  return value;
}

/** Checks `body` against `fields` and answers it in Splynx's string form; throws INVALID_INPUT_DATA naming the field. */
function validate(fields: readonly Field[], body: Record<string, unknown>, creating: boolean): SplynxRecord {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const out: SplynxRecord = {};
  for (const [name, raw] of Object.entries(body)) {
    const field = byName.get(name);
    if (!field) throw new ApiError('INVALID_INPUT_DATA', `Unknown attribute "${name}".`);
    if (field.readOnly || (field.createOnly && !creating)) continue;
    const value = asSplynx(raw);
    const text = typeof value === 'string' ? value : '';
    const bad = (why: string) => new ApiError('INVALID_INPUT_DATA', `${name}: ${why}.`);
    if (field.type === 'array' || field.type === 'object') {
      if (typeof value !== 'object' || value === null) throw bad(`must be ${field.type === 'array' ? 'an array' : 'an object'}`);
    } else if (typeof value !== 'string') {
      throw bad('must be a string or a number');
    } else if (field.type === 'integer' && !/^-?\d+$/.test(text)) throw bad(`must be an integer, got "${text}"`);
    else if (field.type === 'decimal' && !/^-?\d+(\.\d+)?$/.test(text)) throw bad(`must be a number, got "${text}"`);
    else if (field.type === 'boolean' && text !== '0' && text !== '1') throw bad('must be 0 or 1');
    else if (field.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) throw bad(`must be a date YYYY-MM-DD (or 0000-00-00), got "${text}"`);
    else if (field.type === 'datetime' && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) throw bad(`must be YYYY-MM-DD HH:MM:SS, got "${text}"`);
    else if (field.type === 'select' && !field.values!.includes(text)) throw bad(`must be one of ${field.values!.join(', ')}`);
    out[name] = value;
  }
  if (creating) {
    for (const field of fields) {
      if (field.required && (out[field.name] === undefined || out[field.name] === '')) throw new ApiError('INVALID_INPUT_DATA', `${field.name}: is required.`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Search: main_attributes with operators, order, limit and offset.

const OPERATORS = ['=', '!=', '>=', '<=', '>', '<', '<>', 'IS', 'REGEXP', 'BETWEEN', 'LIKE', 'IN', 'FIND_IN_SET'] as const;

function compare(a: string, b: string): number {
  const numeric = /^-?\d+(\.\d+)?$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  return a.localeCompare(b);
}

function listOf(value: Nested | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(',').map((v) => v.trim());
  return Object.values(value).filter((v): v is string => typeof v === 'string');
}

/**
 * The test of one condition `spec` (a value for equality, or `[OP, v1, v2?]`), read once per
 * request rather than once per record: a 50-id `IN` over 30,000 invoices stays cheap.
 */
function condition(spec: Nested, field: string): (actual: unknown) => boolean {
  const text = (actual: unknown) => (actual === undefined || actual === null ? null : typeof actual === 'string' ? actual : JSON.stringify(actual));
  if (typeof spec === 'string') {
    const wanted = spec.toLowerCase();
    return (actual) => text(actual)?.toLowerCase() === wanted;
  }
  const op = String(spec['0'] ?? '').toUpperCase();
  const v1 = spec['1'];
  const first = typeof v1 === 'string' ? v1 : '';
  if (!(OPERATORS as readonly string[]).includes(op)) throw new ApiError('BAD_REQUEST', `main_attributes[${field}]: unknown operator "${op}"; use one of ${OPERATORS.join(' ')}.`);
  if (op === 'IS') {
    const isNull = first.toUpperCase() === 'NULL';
    return (actual) => {
      const value = text(actual);
      return isNull ? value === null || value === '' : value !== null && value !== '';
    };
  }
  const test = ((): ((value: string) => boolean) => {
    switch (op) {
      case '=':
        return (value) => value.toLowerCase() === first.toLowerCase();
      case '!=':
      case '<>':
        return (value) => value.toLowerCase() !== first.toLowerCase();
      case '>=':
        return (value) => compare(value, first) >= 0;
      case '<=':
        return (value) => compare(value, first) <= 0;
      case '>':
        return (value) => compare(value, first) > 0;
      case '<':
        return (value) => compare(value, first) < 0;
      case 'REGEXP': {
        const pattern = new RegExp(first, 'i');
        return (value) => pattern.test(value);
      }
      case 'BETWEEN': {
        const last = String(spec['2'] ?? '');
        return (value) => compare(value, first) >= 0 && compare(value, last) <= 0;
      }
      case 'LIKE': {
        // MySQL LIKE, case-insensitive; a bare word (as in the reference's example) matches anywhere.
        const like = first.includes('%') || first.includes('_') ? first : `%${first}%`;
        const source = like.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
        const pattern = new RegExp(`^${source}$`, 'is');
        return (value) => pattern.test(value);
      }
      case 'IN': {
        // `[0]=IN&[1]=v1&[2]=v2…` as the reference writes it; a list or comma-separated text in `[1]` too.
        const values = new Set(Object.entries(spec).filter(([index]) => index !== '0').flatMap(([, v]) => listOf(v)).map((v) => v.toLowerCase()));
        return (value) => values.has(value.toLowerCase());
      }
      default: // FIND_IN_SET: the record's comma-separated value contains the given one.
        return (value) => value.split(',').includes(first);
    }
  })();
  return (actual) => {
    const value = text(actual);
    return value !== null && test(value);
  };
}

function search(records: SplynxRecord[], query: Record<string, Nested>, fields: readonly Field[]): SplynxRecord[] {
  const known = new Set(fields.map((field) => field.name));
  let out = records;
  const main = query.main_attributes;
  if (main !== undefined) {
    if (typeof main === 'string') throw new ApiError('BAD_REQUEST', 'main_attributes must be nested: main_attributes[field]=value.');
    for (const [field, spec] of Object.entries(main)) {
      if (!known.has(field)) throw new ApiError('INVALID_INPUT_DATA', `main_attributes[${field}]: unknown attribute.`);
      const meets = condition(spec, field);
      out = out.filter((record) => meets(record[field]));
    }
  }
  const additional = query.additional_attributes;
  if (additional !== undefined && typeof additional === 'object') {
    for (const [field, spec] of Object.entries(additional)) {
      const meets = condition(spec, field);
      out = out.filter((record) => meets((record.additional_attributes as Record<string, unknown> | undefined)?.[field]));
    }
  }
  const order = typeof query.order === 'object' ? Object.entries(query.order) : [['id', 'ASC'] as const];
  out = [...out].sort((a, b) => {
    for (const [field, direction] of order) {
      const diff = compare(String(a[field] ?? ''), String(b[field] ?? ''));
      if (diff !== 0) return String(direction).toUpperCase() === 'DESC' ? -diff : diff;
    }
    return 0;
  });
  return out;
}

function page(records: SplynxRecord[], query: Record<string, Nested>): SplynxRecord[] {
  const int = (name: 'limit' | 'offset'): number | undefined => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new ApiError('BAD_REQUEST', `${name} must be a whole number, got "${String(raw)}".`);
    return Number(raw);
  };
  const offset = int('offset') ?? 0;
  const limit = int('limit');
  return records.slice(offset, limit === undefined ? undefined : offset + limit);
}

// ---------------------------------------------------------------------------------------------
// Deterministic seed data.

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Jane', 'Omar', 'Lucia', 'Wei', 'Amara', 'Tomás', 'Priya', 'Noah', 'Ingrid', 'Kwame', 'Sofia', 'Mateo', 'Hana', 'Liam', 'Zanele', 'Ravi'];
const LAST = ['Doe', 'Haddad', 'Fernández', 'Chen', 'Okafor', 'Silva', 'Sharma', 'Müller', 'Larsen', 'Mensah', 'Rossi', 'García', 'Sato', 'Byrne', 'Dlamini', 'Patel'];
const CITIES = [
  ['Springfield', '10001'],
  ['Riverton', '20452'],
  ['Lakeside', '30911'],
] as const;
const SUBJECTS = ['No internet since this morning', 'Slow speeds in the evening', 'Invoice amount looks wrong', 'Router light is red', 'Move my service to a new address', 'Phone line has no dial tone'];

function seedStore(store: SplynxFakeStore, count: number, seed: number, now: Date): void {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  let serviceId = 0;
  let invoiceId = 0;
  let ticketId = 0;
  let messageId = 0;
  for (let i = 1; i <= count; i++) {
    const id = String(i);
    const first = pick(FIRST);
    const last = pick(LAST);
    const roll = rand();
    const status = roll < 0.7 ? 'active' : roll < 0.82 ? 'blocked' : roll < 0.92 ? 'new' : 'disabled';
    const [city, zip] = pick(CITIES);
    const login = `${first}.${last}${i}`.toLowerCase().normalize('NFD').replace(/[^a-z0-9.]/g, '');
    const added = daysAgo(30 + Math.floor(rand() * 900));
    const online = status === 'active' ? ymdhms(daysAgo(rand() * 3)) : EMPTY_DATETIME;
    store.customers.set(id, {
      id, login, status, partner_id: String(1 + (i % 2)), location_id: String(1 + (i % 3)), parent_id: '0',
      name: `${first} ${last}`, email: `${login}@example.net`, billing_email: '', phone: `+1555${String(100_000 + i).slice(-6)}`,
      category: i % 7 === 0 ? 'company' : 'person', street_1: `${1 + Math.floor(rand() * 300)} Main St`, street_2: '', zip_code: zip, city,
      subdivision_id: '0', date_add: ymd(added), gps: '', billing_type: 'recurring', mrr_total: '0.00', daily_prepaid_cost: '0.00',
      added_by: 'admin', added_by_id: '1', last_online: online, last_update: ymdhms(daysAgo(rand() * 20)),
      conversion_date: status === 'new' ? EMPTY_DATE : ymd(added), gdpr_agreed: EMPTY_DATE, customer_labels: [],
      additional_attributes: { contract_no: `C-${1000 + i}` },
    });
    if (status === 'new') continue;
    const serviceStatus = status === 'active' ? 'active' : status === 'blocked' ? 'stopped' : 'disabled';
    const price = pick(['29.99', '49.99', '79.99']);
    serviceId += 1;
    store.internetServices.set(String(serviceId), {
      ...serviceDefaults(String(serviceId), id, 'internet', ymd(added)), tariff_id: String(1 + Math.floor(rand() * 3)), status: serviceStatus,
      description: `Fibre ${pick(['100', '300', '1000'])} Mbps`, unit_price: price, router_id: '1', sector_id: '0', login, password: '',
      taking_ipv4: '2', ipv4: `10.0.${Math.floor(i / 250)}.${(i % 250) + 2}`, ipv4_route: '', ipv4_pool_id: '1', ipv6: '', ipv6_delegated: '',
      ipv6_pool_id: '0', taking_ipv6: '0', mac: '', port_id: '0', access_device: '0', top_up_tariff_id: '0', geo: { address: '', marker: '' },
    });
    store.customers.get(id)!.mrr_total = price;
    if (i % 4 === 0) {
      serviceId += 1;
      store.voiceServices.set(String(serviceId), {
        ...serviceDefaults(String(serviceId), id, 'voice', ymd(added)), tariff_id: '4', status: serviceStatus, description: 'Home phone',
        unit_price: '9.99', voice_device_id: '0', phone: `+1555${String(200_000 + i).slice(-6)}`, direction: 'outgoing',
      });
    }
    if (i % 5 === 0) {
      serviceId += 1;
      store.recurringServices.set(String(serviceId), { ...serviceDefaults(String(serviceId), id, 'custom', ymd(added)), tariff_id: '5', status: serviceStatus, description: 'Router rental', unit_price: '4.00' });
    }
    // Three monthly invoices: the latest unpaid, and for blocked customers the one before overdue too.
    for (let month = 2; month >= 0; month--) {
      invoiceId += 1;
      const created = daysAgo(month * 30 + 3);
      const till = new Date(created.getTime() + 14 * 86_400_000);
      const unpaid = month === 0 || (status === 'blocked' && month === 1);
      store.invoices.set(String(invoiceId), {
        id: String(invoiceId), customer_id: id, number: `INV-${String(invoiceId).padStart(6, '0')}`, status: unpaid ? 'not_paid' : 'paid',
        date_created: ymd(created), date_updated: ymd(created), date_till: ymd(till), date_payment: unpaid ? EMPTY_DATE : ymd(new Date(created.getTime() + 5 * 86_400_000)),
        real_create_datetime: `${ymd(created)} 00:05:00`, total: price, due: unpaid ? price : '0.00', type: 'recurring', use_transactions: '1',
        is_sent: '1', payd_from_deposit: '0', note: '', memo: '', payment_id: '0', added_by: 'system', added_by_id: '0',
        items: [{ id: String(invoiceId), description: 'Internet service', quantity: '1', unit: '', price, tax: '0.00', period_from: ymd(created), period_to: ymd(till), categoryIdForTransaction: '1', sub_account_id: '0' }],
      });
    }
    if (i % 3 === 0) {
      ticketId += 1;
      const opened = daysAgo(rand() * 10);
      const closed = ticketId % 4 === 0;
      store.tickets.set(String(ticketId), {
        ...ticketDefaults(String(ticketId), ymdhms(opened)), customer_id: id, reporter_id: id, reporter_type: 'customer', reporter: `${first} ${last}`,
        subject: pick(SUBJECTS), priority: pick(PRIORITIES), status_id: closed ? '3' : '1', closed: closed ? '1' : '0', unread_by_admin: closed ? '0' : '1', source: 'portal',
      });
      messageId += 1;
      store.ticketMessages.set(String(messageId), {
        ...messageDefaults(String(messageId), String(ticketId), opened), customer_id: id, author_type: 'customer', source: 'portal', message: `<p>${store.tickets.get(String(ticketId))!.subject as string}</p>`,
      });
    }
  }
}

function serviceDefaults(id: string, customerId: string, type: 'internet' | 'voice' | 'custom', start: string): SplynxRecord {
  return {
    id, customer_id: customerId, tariff_id: '0', status: 'active', description: '', quantity: '1', unit: '', unit_price: '0.00', start_date: start, end_date: EMPTY_DATE,
    discount: '0', discount_type: 'percent', discount_value: '0.0000', discount_start_date: EMPTY_DATE, discount_end_date: EMPTY_DATE,
    bundle_service_id: '0', parent_id: '0', status_new: '', on_approve: '0', period: '0', type, additional_attributes: {},
  };
}

function ticketDefaults(id: string, at: string): SplynxRecord {
  return {
    id, customer_id: '0', incoming_customer_id: '0', reporter_id: '0', reporter_type: 'api', reporter: '', assign_to: '0', status_id: '1', group_id: '1', type_id: '1',
    task_id: '0', subject: '', priority: 'medium', hidden: '0', star: '0', closed: '0', trash: '0', unread_by_customer: '0', unread_by_admin: '0',
    created_at: at, updated_at: at, source: 'api', shareable: '0', note: '', watching: '', related_account_id: '0', related_account_type: 'none',
    hidden_from_related_account: '0', unread_by_related_account: '0',
  };
}

function messageDefaults(id: string, ticketId: string, at: Date): SplynxRecord {
  return {
    id, ticket_id: ticketId, customer_id: '0', incoming_customer_id: '0', admin_id: '0', api_id: '0', source: 'api', date: ymd(at), time: hms(at), message: '',
    rawMessage: '', files: [], is_merged: '0', can_be_deleted: '1', hide_for_customer: '0', mail_to: '', smsTo: [], mail_cc: '', mail_bcc: '', author_type: 'api', message_type: 'message',
  };
}

// Read-only lookups (GET list/item).
const LOOKUPS: Record<string, SplynxRecord[]> = {
  'admin/support/tickets-statuses': [
    ['1', 'New', ['open', 'unresolved']],
    ['2', 'Work in progress', ['open', 'unresolved']],
    ['3', 'Resolved', ['closed']],
    ['4', 'Waiting on customer', ['open']],
    ['5', 'Waiting on agent', ['open', 'unresolved']],
  ].map(([id, title, mark]) => ({ id, title_for_agent: title, title_for_customer: title, label: 'default', mark, icon: '', view_on_dashboard: '1' })),
  'admin/support/tickets-groups': [
    { id: '1', title: 'Support', description: '', agent_ids: [] },
    { id: '2', title: 'Billing', description: '', agent_ids: [] },
  ],
  'admin/support/tickets-types': [
    { id: '1', title: 'Question', background_color: '#2196f3' },
    { id: '2', title: 'Incident', background_color: '#f44336' },
  ],
  'admin/administration/partners': [
    { id: '1', name: 'Main' },
    { id: '2', name: 'North reseller' },
  ],
  'admin/administration/locations': ['Springfield', 'Riverton', 'Lakeside'].map((name, i) => ({ id: String(i + 1), name })),
};

// ---------------------------------------------------------------------------------------------
// Auth.

interface Token {
  access: string;
  accessExpires: number;
  refresh: string;
  refreshExpires: number;
  userAgent: string;
  ip: string;
  banned: boolean;
}
const ACCESS_TOKEN_SECONDS = 30 * 60;
// Not documented (§6): a month, long enough for any test.
const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

/** The Splynx signature: upper-case hex HMAC-SHA256 of `<nonce><apiKey>` under the API secret. */
export function signSplynxNonce(apiSecret: string, apiKey: string, nonce: number | string): string {
  return createHmac('sha256', apiSecret).update(`${nonce}${apiKey}`, 'utf8').digest('hex').toUpperCase();
}

/** The `X-Splynx-Signature` of a hook body: lower-case hex HMAC-SHA1 of the raw body under the hook secret. */
export function signSplynxHook(secret: string, rawBody: string): string {
  return createHmac('sha1', secret).update(rawBody, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------

interface Resource {
  fields: readonly Field[];
  records: Map<string, SplynxRecord>;
  model: string;
}

/**
 * Starts the fake Splynx on 127.0.0.1, seeded with `customers` customers; requests signed with
 * another key or secret, replayed nonces and foreign tokens answer 401 as Splynx does.
 * @example const splynx = await startSplynxFake({ apiKey: 'k1', apiSecret: 's1', customers: 50 });
 */
export async function startSplynxFake(options: SplynxFakeOptions): Promise<SplynxFake> {
  const store: SplynxFakeStore = {
    customers: new Map(),
    internetServices: new Map(),
    voiceServices: new Map(),
    recurringServices: new Map(),
    invoices: new Map(),
    tickets: new Map(),
    ticketMessages: new Map(),
  };
  seedStore(store, options.customers ?? 25, options.seed ?? 1, new Date());
  const services = {
    'internet-services': { fields: INTERNET_FIELDS, records: store.internetServices, model: 'models\\admin\\customers\\CustomerInternetServices', type: 'internet' },
    'voice-services': { fields: VOICE_FIELDS, records: store.voiceServices, model: 'models\\admin\\customers\\CustomerVoiceServices', type: 'voice' },
    'recurring-services': { fields: SERVICE_COMMON, records: store.recurringServices, model: 'models\\admin\\customers\\CustomerCustomServices', type: 'custom' },
  } as const;
  const customers: Resource = { fields: CUSTOMER_FIELDS, records: store.customers, model: 'models\\admin\\customers\\Customer' };
  const invoices: Resource = { fields: INVOICE_FIELDS, records: store.invoices, model: 'models\\admin\\finance\\Invoices' };
  const tickets: Resource = { fields: TICKET_FIELDS, records: store.tickets, model: 'models\\admin\\support\\Ticket' };
  const messages: Resource = { fields: MESSAGE_FIELDS, records: store.ticketMessages, model: 'models\\admin\\support\\TicketMessages' };

  const tokens = new Map<string, Token>();
  const byRefresh = new Map<string, Token>();
  let lastNonce = -Infinity;
  const failures: SplynxFakeFailure[] = [];
  const hooks: { url: string; secret: string }[] = [];
  const hookDeliveries: SplynxHookDelivery[] = [];
  const pending = new Set<Promise<void>>();
  const seconds = () => Math.floor(Date.now() / 1000);

  function nextId(records: Map<string, SplynxRecord>): string {
    let max = 0;
    for (const id of records.keys()) max = Math.max(max, Number(id));
    return String(max + 1);
  }

  function emit(resource: Resource, action: 'create' | 'edit' | 'delete', record: SplynxRecord, changed: SplynxRecord, source: string): void {
    if (hooks.length === 0) return;
    const now = new Date();
    const { additional_attributes: additional, ...attributes } = record;
    // The model and action strings are not documented (reference §6); these follow Splynx's PHP class names.
    const body = JSON.stringify({
      type: 'event',
      call: `${resource.model}::${action}`,
      data: {
        source, model: resource.model, action, date: ymd(now), time: hms(now), administrator_id: source === 'admin' ? '1' : '0',
        customer_id: resource === customers ? record.id : (record.customer_id ?? '0'), result: 'success', attributes, attributes_additional: additional ?? {},
        changed_attributes: changed, extra: null, errors: null, ip: '127.0.0.1',
      },
    });
    deliver(body);
  }

  /** POSTs `body` to every hook, signed with its secret. */
  function deliver(body: string): void {
    for (const hook of hooks) {
      const signature = signSplynxHook(hook.secret, body);
      const delivery = fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-splynx-signature': signature, 'user-agent': 'Splynx' }, body })
        .then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        })
        .catch(() => 0)
        .then((status) => {
          hookDeliveries.push({ url: hook.url, body, signature, status });
        });
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    }
  }

  /** Applies a validated patch and answers the old values of the fields that changed. */
  function apply(record: SplynxRecord, patch: SplynxRecord): SplynxRecord {
    const changed: SplynxRecord = {};
    for (const [name, value] of Object.entries(patch)) {
      if (name === 'additional_attributes') {
        record.additional_attributes = { ...(record.additional_attributes as object), ...(value as object) };
        continue;
      }
      if (JSON.stringify(record[name]) !== JSON.stringify(value)) changed[name] = record[name];
      record[name] = value;
    }
    return changed;
  }

  function checkReferences(resource: Resource, values: SplynxRecord): void {
    const need = (field: string, map: Map<string, SplynxRecord> | SplynxRecord[], zeroOk = false) => {
      const id = values[field];
      if (id === undefined || (zeroOk && id === '0')) return;
      const found = Array.isArray(map) ? map.some((row) => row.id === id) : map.has(String(id));
      if (!found) throw new ApiError('INVALID_INPUT_DATA', `${field}: no record with id ${String(id)}.`);
    };
    if (resource === customers) {
      need('partner_id', LOOKUPS['admin/administration/partners']!);
      need('location_id', LOOKUPS['admin/administration/locations']!);
    }
    if (resource === invoices) need('customer_id', store.customers);
    if (resource === tickets) {
      need('customer_id', store.customers, true);
      need('status_id', LOOKUPS['admin/support/tickets-statuses']!);
      need('group_id', LOOKUPS['admin/support/tickets-groups']!, true);
      need('type_id', LOOKUPS['admin/support/tickets-types']!);
    }
    if (resource === messages) need('ticket_id', store.tickets);
  }

  function create(resource: Resource, body: Record<string, unknown>, extra: SplynxRecord = {}): SplynxRecord {
    const values = validate(resource.fields, body, true);
    checkReferences(resource, values);
    const now = new Date();
    const id = nextId(resource.records);
    let record: SplynxRecord;
    if (resource === customers) {
      record = {
        id, login: id, status: 'new', parent_id: '0', email: '', billing_email: '', phone: '', category: 'person', street_1: '', street_2: '', zip_code: '', city: '',
        subdivision_id: '0', date_add: ymd(now), gps: '', billing_type: 'recurring', mrr_total: '0.00', daily_prepaid_cost: '0.00', added_by: 'api', added_by_id: '1',
        last_online: EMPTY_DATETIME, last_update: ymdhms(now), conversion_date: EMPTY_DATE, gdpr_agreed: EMPTY_DATE, customer_labels: [], additional_attributes: {}, ...values,
      };
    } else if (resource === invoices) {
      record = {
        id, date_created: ymd(now), date_updated: ymd(now), date_till: ymd(now), date_payment: EMPTY_DATE, real_create_datetime: ymdhms(now), total: '0.00', due: '0.00',
        type: 'one_time', use_transactions: '1', is_sent: '0', payd_from_deposit: '0', note: '', memo: '', payment_id: '0', added_by: 'api', added_by_id: '1', items: [], ...values,
      };
    } else if (resource === tickets) {
      const { message, watchers: _watchers, moduleLabels: _labels, lead_id: _lead, ...rest } = values;
      record = { ...ticketDefaults(id, ymdhms(now)), ...rest };
      resource.records.set(id, record);
      emit(resource, 'create', record, {}, 'api');
      if (typeof message === 'string' && message !== '') create(messages, { ticket_id: id, message, customer_id: record.customer_id });
      return record;
    } else if (resource === messages) {
      record = { ...messageDefaults(id, String(values.ticket_id), now), ...values };
      const ticket = store.tickets.get(String(values.ticket_id))!;
      ticket.updated_at = ymdhms(now);
      if (record.author_type === 'customer') ticket.unread_by_admin = String(Number(ticket.unread_by_admin ?? 0) + 1);
    } else {
      record = { ...extra, ...values, id };
    }
    resource.records.set(id, record);
    emit(resource, 'create', record, {}, 'api');
    return record;
  }

  function update(resource: Resource, record: SplynxRecord, body: Record<string, unknown>, source: string): SplynxRecord {
    const patch = validate(resource.fields, body, false);
    checkReferences(resource, patch);
    const changed = apply(record, patch);
    if (resource === customers) record.last_update = ymdhms(new Date());
    if (resource === tickets) record.updated_at = ymdhms(new Date());
    if (resource === invoices) record.date_updated = ymd(new Date());
    emit(resource, 'edit', record, changed, source);
    return record;
  }

  function helperChange(resource: Resource, id: string, patch: Record<string, unknown>): SplynxRecord {
    const record = resource.records.get(String(id));
    if (!record) throw new SplynxFakeError('NOT_FOUND', `No record with id ${id}.`);
    try {
      return update(resource, record, patch, 'admin');
    } catch (error) {
      if (error instanceof ApiError) throw new SplynxFakeError('INVALID_INPUT_DATA', error.message);
      throw error;
    }
  }

  /** Checks a signed key/nonce/signature triple; a nonce must be above every nonce seen before. */
  function checkSignature(key: string | undefined, nonce: string | undefined, signature: string | undefined): void {
    if (!key || !nonce || !signature) throw new ApiError('UNAUTHORIZED', 'Authorization needs key, nonce and signature.');
    if (key !== options.apiKey) throw new ApiError('UNAUTHORIZED', 'API key not found.');
    const expected = Buffer.from(signSplynxNonce(options.apiSecret, options.apiKey, nonce));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new ApiError('UNAUTHORIZED', 'Signature is invalid.');
    // Splynx's own rule for reused nonces is not documented (§6); the clients always increase it.
    if (!/^\d+$/.test(nonce) || Number(nonce) <= lastNonce) throw new ApiError('UNAUTHORIZED', 'Nonce is invalid: it must be greater than the last one used with this key.');
    lastNonce = Number(nonce);
  }

  function authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) throw new ApiError('MISSED_AUTHORIZATION_HEADER', 'Authorization header is missing.');
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (basic) {
      const [key, ...secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      if (options.basicAuth && key === options.apiKey && secret.join(':') === options.apiSecret) return;
      throw new ApiError('UNAUTHORIZED', 'Basic authorization is not allowed for this API key (turn on "Unsecure access").');
    }
    const ea = /^Splynx-EA\s*\((.*)\)\s*$/.exec(header);
    if (!ea) throw new ApiError('UNAUTHORIZED', 'Authorization header is invalid: expected "Splynx-EA (…)".');
    const params = new URLSearchParams(ea[1]);
    if (params.has('access_token')) {
      const value = params.get('access_token') ?? '';
      if (value === '') throw new ApiError('EMPTY_ACCESS_TOKEN', 'Access token is empty.');
      const token = tokens.get(value);
      if (!token) throw new ApiError('UNAUTHORIZED', 'Access token is invalid.');
      if (token.banned) throw new ApiError('TOKEN_BANNED', 'Access token is banned.');
      if (token.accessExpires <= seconds()) throw new ApiError('EXPIRED_ACCESS_TOKEN', 'Access token has expired; renew it with the refresh token.');
      if (token.userAgent !== (req.headers['user-agent'] ?? '')) throw new ApiError('USER_AGENT_CHANGED', 'User-Agent has changed since the token was issued.');
      if (token.ip !== (req.socket.remoteAddress ?? '')) throw new ApiError('IP_CHANGED', 'IP address has changed since the token was issued.');
      return;
    }
    checkSignature(params.get('key') ?? undefined, params.get('nonce') ?? undefined, params.get('signature') ?? undefined);
  }

  function issue(req: IncomingMessage): Token {
    const now = seconds();
    const token: Token = {
      access: randomBytes(20).toString('hex'),
      accessExpires: now + ACCESS_TOKEN_SECONDS,
      refresh: randomBytes(20).toString('hex'),
      refreshExpires: now + REFRESH_TOKEN_SECONDS,
      userAgent: req.headers['user-agent'] ?? '',
      ip: req.socket.remoteAddress ?? '',
      banned: false,
    };
    tokens.set(token.access, token);
    byRefresh.set(token.refresh, token);
    return token;
  }
  const tokenBody = (t: Token) => ({ access_token: t.access, access_token_expiration: t.accessExpires, refresh_token: t.refresh, refresh_token_expiration: t.refreshExpires, permissions: [] });

  function handleTokens(req: IncomingMessage, res: ServerResponse, refresh: string | undefined, body: Record<string, unknown>): void {
    if (req.method === 'POST' && refresh === undefined) {
      const type = body.auth_type;
      if (type === 'api_key') {
        checkSignature(body.key === undefined ? undefined : String(body.key), body.nonce === undefined ? undefined : String(body.nonce), body.signature === undefined ? undefined : String(body.signature));
        return sendJson(res, 201, tokenBody(issue(req)));
      }
      if (type === 'admin' || type === 'customer' || type === 'session') throw new ApiError('UNAUTHORIZED', `Login by ${type} is not set up in this fake; use auth_type api_key.`);
      throw new ApiError('INVALID_AUTH_TYPE', 'auth_type must be one of admin, customer, api_key, session.');
    }
    if (refresh === undefined) throw new ApiError('METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on admin/auth/tokens.`);
    const token = byRefresh.get(refresh);
    if (!token) throw new ApiError('NOT_FOUND', 'Refresh token not found.');
    if (req.method === 'DELETE') {
      token.banned = true;
      byRefresh.delete(refresh);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on admin/auth/tokens/{refresh_token}.`);
    if (token.banned) throw new ApiError('TOKEN_BANNED', 'Refresh token is banned.');
    if (token.refreshExpires <= seconds()) throw new ApiError('EXPIRED_REFRESH_TOKEN', 'Refresh token has expired; log in again.');
    if (token.userAgent !== (req.headers['user-agent'] ?? '')) throw new ApiError('USER_AGENT_CHANGED', 'User-Agent has changed since the token was issued.');
    if (token.ip !== (req.socket.remoteAddress ?? '')) throw new ApiError('IP_CHANGED', 'IP address has changed since the token was issued.');
    token.banned = true;
    byRefresh.delete(refresh);
    tokens.delete(token.access);
    sendJson(res, 200, tokenBody(issue(req)));
  }

  async function readFields(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
    if (raw.length === 0) return {};
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': req.headers['content-type']! } }).formData();
      const pairs: [string, string][] = [];
      form.forEach((value, key) => {
        if (typeof value === 'string') pairs.push([key, value]);
      });
      return parseNested(pairs);
    }
    if (type.startsWith('application/x-www-form-urlencoded')) return parseNested(new URLSearchParams(raw.toString('utf8')));
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new ApiError('BAD_REQUEST', 'Request body must be a JSON object, urlencoded or multipart/form-data.');
  }

  /** GET/HEAD/OPTIONS/POST on a collection, or GET/PUT/DELETE on one of its records. */
  function serve(req: IncomingMessage, res: ServerResponse, resource: Resource, id: string | undefined, query: Record<string, Nested>, body: Record<string, unknown>, scope: (r: SplynxRecord) => boolean, extra: SplynxRecord = {}): void {
    const method = req.method ?? 'GET';
    if (id === undefined) {
      if (method === 'OPTIONS') {
        const attributes = resource.fields.filter((field) => field.name !== 'additional_attributes').map((field) => ({ name: field.name, title: field.name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), type: field.type, required: field.required === true, ...(field.values && { values: Object.fromEntries(field.values.map((v) => [v, v])) }) }));
        return sendJson(res, 200, { attributes, additional_attributes: [] });
      }
      if (method === 'GET' || method === 'HEAD') {
        const found = search([...resource.records.values()].filter(scope), query, resource.fields);
        if (method === 'HEAD') {
          res.writeHead(204, { 'X-total-count': String(found.length), 'Access-Control-Expose-Headers': 'X-total-count' }).end();
          return;
        }
        return sendJson(res, 200, page(found, query));
      }
      if (method === 'POST') return sendJson(res, 201, { id: Number(create(resource, body, extra).id) });
      throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not allowed on a collection; use GET, HEAD, OPTIONS or POST.`);
    }
    const record = resource.records.get(id);
    if (!record || !scope(record)) throw new ApiError('NOT_FOUND', `Record with id ${id} not found.`);
    if (method === 'GET') return sendJson(res, 200, record);
    if (method === 'PUT') {
      const action = typeof query.action === 'string' ? query.action : undefined;
      if (action !== undefined) {
        if (action !== 'start' && action !== 'stop') throw new ApiError('BAD_REQUEST', 'action must be start or stop.');
        update(resource, record, { status: action === 'start' ? 'active' : 'stopped' }, 'api');
      } else {
        update(resource, record, body, 'api');
      }
      res.writeHead(202).end();
      return;
    }
    if (method === 'DELETE') {
      if (resource === customers && record.status !== 'disabled') throw new ApiError('ENTITY_CANNOT_BE_DELETED', 'Only an inactive (disabled) customer can be deleted.');
      resource.records.delete(id);
      emit(resource, 'delete', record, {}, 'api');
      res.writeHead(204).end();
      return;
    }
    throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not allowed on a record; use GET, PUT or DELETE.`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/api\/2\.0\/(.+?)\/*$/.exec(url.pathname);
    if (!match) throw new ApiError('NOT_FOUND', `Not found: ${url.pathname}. The API is under /api/2.0/.`);
    const failure = failures.shift();
    if (failure) throw new ApiError('SERVER_ERROR', `Internal server error (injected ${failure}).`, failure);
    const path = decodeURIComponent(match[1]!);
    const query = parseNested(url.searchParams);
    const body = req.method === 'POST' || req.method === 'PUT' ? await readFields(req, raw) : {};

    const tokenPath = /^admin\/auth\/tokens(?:\/([^/]+))?$/.exec(path);
    if (tokenPath) return handleTokens(req, res, tokenPath[1], body);
    authenticate(req);
    if (path === 'admin/api/check') return sendJson(res, 200, { status: 'ok', message: 'API is valid', same_server: 0 });
    const lookup = /^(admin\/(?:support|administration)\/[a-z-]+)(?:\/(\d+))?$/.exec(path);
    if (lookup && LOOKUPS[lookup[1]!]) {
      if (req.method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${lookup[1]!}; it is read-only.`);
      const rows = LOOKUPS[lookup[1]!]!;
      if (lookup[2] === undefined) return sendJson(res, 200, page(rows, query));
      const row = rows.find((r) => r.id === lookup[2]);
      if (!row) throw new ApiError('NOT_FOUND', `Record with id ${lookup[2]} not found.`);
      return sendJson(res, 200, row);
    }
    const all = () => true;
    const service = /^admin\/customers\/customer\/(\d+)\/(internet-services|voice-services|recurring-services)(?:--(\d+))?$/.exec(path);
    if (service) {
      const [, cid, kind, sid] = service as unknown as [string, string, keyof typeof services, string | undefined];
      const def = services[kind];
      if (cid !== '0' && !store.customers.has(cid)) throw new ApiError('NOT_FOUND', `Customer with id ${cid} not found.`);
      if (cid === '0' && req.method === 'POST') throw new ApiError('BAD_REQUEST', 'Create a service under its customer, not customer 0.');
      return serve(req, res, def, sid, query, body, (r) => cid === '0' || r.customer_id === cid, serviceDefaults('', cid, def.type, ymd(new Date())));
    }
    const routes: [RegExp, Resource][] = [
      [/^admin\/customers\/customer(?:\/(\d+))?$/, customers],
      [/^admin\/finance\/invoices(?:\/(\d+))?$/, invoices],
      [/^admin\/support\/tickets(?:\/(\d+))?$/, tickets],
      [/^admin\/support\/ticket-messages(?:\/(\d+))?$/, messages],
    ];
    for (const [pattern, resource] of routes) {
      const found = pattern.exec(path);
      if (found) return serve(req, res, resource, found[1], query, body, all);
    }
    throw new ApiError('NOT_FOUND', `Not found: /api/2.0/${path}.`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof ApiError) return sendError(res, error.internalCode, error.message, error.status);
      sendError(res, 'SERVER_ERROR', error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    store,
    hookDeliveries,
    addHook(hook) {
      const secret = hook.secret ?? options.hookSecret;
      if (!secret) throw new SplynxFakeError('INVALID_INPUT_DATA', 'A hook needs a secret: pass one, or hookSecret to startSplynxFake.');
      hooks.push({ url: hook.url, secret });
    },
    pingHooks: () => deliver(JSON.stringify({ type: 'ping' })),
    async hooksSettled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    changeCustomer: (id, patch) => helperChange(customers, id, patch),
    changeTicket: (id, patch) => helperChange(tickets, id, patch),
    changeInvoice: (id, patch) => helperChange(invoices, id, patch),
    failNext(count, status = 500) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    expireTokens() {
      const now = seconds();
      for (const token of tokens.values()) token.accessExpires = Math.min(token.accessExpires, now);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
