import { createHmac, timingSafeEqual } from 'node:crypto';

/** A hook delivery as it arrived: the raw body, before anything parses it. */
export interface HookRequest {
  body: Uint8Array | string;
  /** The `X-Splynx-Signature` header. */
  signature: string | undefined;
  /** The `Content-Type` header: Splynx sends JSON or a PHP-style form. */
  contentType: string | undefined;
}

/** What to answer Splynx. */
export interface HookAnswer {
  status: 200 | 400 | 401 | 404 | 413;
  body: { ok: true } | { error: { code: string; message: string } };
}

/** A verified hook (the customers whose accounts to read again, and tickets for the ticket sync) or a refused one. */
export type ReadHook =
  | { kind: 'accepted'; customerIds: string[]; ticketIds: string[]; answer: HookAnswer }
  | { kind: 'refused'; code: 'not_configured' | 'forged_hook' | 'malformed_hook' | 'too_large'; message: string; answer: HookAnswer };

/** The largest hook body read: an event carries one record. */
export const MAX_HOOK_BYTES = 1024 * 1024;
/** Deeper nesting than any Splynx record has is refused rather than parsed. */
const MAX_DEPTH = 8;

function refuse(code: Extract<ReadHook, { kind: 'refused' }>['code'], status: HookAnswer['status'], message: string): ReadHook {
  return { kind: 'refused', code, message, answer: { status, body: { error: { code, message } } } };
}

/** The lower-case hex HMAC-SHA1 of the raw body, as Splynx signs hooks. */
function expected(secret: string, body: Buffer): Buffer {
  return Buffer.from(createHmac('sha1', secret).update(body).digest('hex'), 'utf8');
}

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return depth;
  let deepest = depth;
  for (const inner of Object.values(value)) deepest = Math.max(deepest, depthOf(inner, depth + 1));
  return deepest;
}

/** A PHP-style nested form (`data[attributes][id]=42`) as an object; null when nesting is too deep. */
function parseForm(body: string): Record<string, unknown> | null {
  const root: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const path = name.match(/^[^[\]]+|\[[^[\]]*\]/g)?.map((part) => part.replace(/^\[|\]$/g, ''));
    if (!path || path.length === 0) continue;
    if (path.length > MAX_DEPTH) return null;
    let node = root;
    for (const [index, part] of path.entries()) {
      if (part === '__proto__' || part === 'constructor' || part === 'prototype') break;
      if (index === path.length - 1) node[part] = value;
      else {
        const next = node[part];
        node = (node[part] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
      }
    }
  }
  return root;
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const isId = (value: string) => /^[1-9]\d{0,18}$/.test(value);

/**
 * Checks a hook's `X-Splynx-Signature` (HMAC-SHA1 of the raw body under the hook secret, in
 * constant time) before reading anything, then reads it: `ping` is answered 200; an event names
 * the customer (and ticket) whose records changed.
 */
export function readHook(request: HookRequest, secret: string | undefined): ReadHook {
  if (!secret) return refuse('not_configured', 404, 'Splynx hooks are not configured on this server (CASEKIT_SPLYNX_HOOK_SECRET).');
  const raw = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body);
  if (raw.length > MAX_HOOK_BYTES) return refuse('too_large', 413, `The hook body is over ${MAX_HOOK_BYTES} bytes.`);
  const given = Buffer.from((request.signature ?? '').trim().toLowerCase(), 'utf8');
  const want = expected(secret, raw);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    return refuse('forged_hook', 401, request.signature ? 'The X-Splynx-Signature does not match the body.' : 'The hook has no X-Splynx-Signature.');
  }
  const body = raw.toString('utf8');
  let parsed: unknown;
  if ((request.contentType ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
    parsed = parseForm(body);
  } else {
    try {
      parsed = JSON.parse(body);
    } catch {
      return refuse('malformed_hook', 400, 'The hook body is neither JSON nor a form.');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || depthOf(parsed) > MAX_DEPTH) {
    return refuse('malformed_hook', 400, 'The hook body is not an object, or is nested too deeply.');
  }
  const hook = parsed as { type?: unknown; data?: unknown };
  const ok: HookAnswer = { status: 200, body: { ok: true } };
  if (hook.type === 'ping') return { kind: 'accepted', customerIds: [], ticketIds: [], answer: ok };
  if (hook.type !== 'event' || typeof hook.data !== 'object' || hook.data === null) {
    return refuse('malformed_hook', 400, `The hook type is ${JSON.stringify(hook.type)}; expected "ping" or "event" with data.`);
  }
  const data = hook.data as { model?: unknown; customer_id?: unknown; attributes?: unknown };
  const model = text(data.model).toLowerCase();
  const attributes = (typeof data.attributes === 'object' && data.attributes !== null ? data.attributes : {}) as Record<string, unknown>;
  const isCustomer = /\\customer$/.test(model) || model.endsWith('\\customers');
  const isTicket = model.includes('\\support\\');
  const customerId = [text(data.customer_id), text(attributes.customer_id), isCustomer ? text(attributes.id) : ''].find(isId);
  const ticketId = isTicket ? [model.includes('message') ? text(attributes.ticket_id) : text(attributes.id)].find(isId) : undefined;
  return { kind: 'accepted', customerIds: customerId ? [customerId] : [], ticketIds: ticketId ? [ticketId] : [], answer: ok };
}
