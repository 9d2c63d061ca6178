import { createHmac } from 'node:crypto';
import { isTransient, SplynxError, type SplynxInternalCode } from './errors.ts';
import { searchQuery } from './internal/query.ts';
import { createRateLimit } from './internal/rate-limit.ts';

/** A record as Splynx sends it: ids, numbers and flags are mostly strings (`"id":"42"`, `"closed":"0"`). */
export type SplynxRecord = Record<string, unknown>;

/** Search operators `main_attributes` accepts. */
export const SPLYNX_OPERATORS = ['=', '!=', '>=', '<=', '>', '<', '<>', 'IS', 'REGEXP', 'BETWEEN', 'LIKE', 'IN', 'FIND_IN_SET'] as const;
export type SplynxOperator = (typeof SPLYNX_OPERATORS)[number];

/** `value` for equality, or `[operator, ...values]`, e.g. `['LIKE', 'doe']`, `['BETWEEN', 1, 9]`. */
export type SplynxCondition = string | number | readonly [SplynxOperator, ...(string | number)[]];
/** Conditions by field name, all of which must hold. */
export type SplynxWhere = Record<string, SplynxCondition>;

/** What `list` sends: conditions on main and custom (`additional`) fields, order and a page window. */
export interface SplynxListOptions {
  where?: SplynxWhere;
  additional?: SplynxWhere;
  order?: Record<string, 'ASC' | 'DESC'>;
  limit?: number;
  offset?: number;
}

/** What `pages` sends: as `list`, with the page size instead of a window (100 by default, ordered by id). */
export interface SplynxPagesOptions {
  where?: SplynxWhere;
  additional?: SplynxWhere;
  order?: Record<string, 'ASC' | 'DESC'>;
  pageSize?: number;
}

/** Time for nonces, token expiry, the rate limit and backoff; tests pass a fake one. */
export interface SplynxClock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** An API key (Administration → API keys) used to sign each request, or to get an access token. */
export type SplynxAuth = { kind: 'signature'; key: string; secret: string } | { kind: 'token'; key: string; secret: string };

/** How to reach Splynx. Only `baseUrl` and `auth` are needed. */
export interface SplynxClientOptions {
  /** The Splynx address, e.g. `https://billing.example.net`; `/api/2.0/` is added. */
  baseUrl: string;
  auth: SplynxAuth;
  fetch?: typeof globalThis.fetch;
  /** Sent on every request; Splynx binds access tokens to it. */
  userAgent?: string;
  clock?: SplynxClock;
  /** Requests per second, with bursts of as many (10 by default). */
  maxRequestsPerSecond?: number;
  /** Further attempts after a 5xx, 429, network error or timeout (3 by default); 4xx is never retried. */
  retries?: number;
  /** Per attempt, 30 s by default. */
  timeoutMs?: number;
}

/** Splynx REST API v2.0 over one API key. Paths are relative to `/api/2.0/`, e.g. `admin/customers/customer`. */
export interface SplynxClient {
  /** One page of records matching the search. */
  list(path: string, options?: SplynxListOptions): Promise<SplynxRecord[]>;
  /** How many records match, from a HEAD request's `X-total-count`. */
  count(path: string, where?: SplynxWhere): Promise<number>;
  get(path: string, id: string | number): Promise<SplynxRecord>;
  /** Creates a record and answers its id (as a string, like every id Splynx sends). */
  create(path: string, body: Record<string, unknown>): Promise<string>;
  /** Changes the given fields only; read the record again to see the result. */
  update(path: string, id: string | number, body: Record<string, unknown>): Promise<void>;
  delete(path: string, id: string | number): Promise<void>;
  /** Every matching record, a page at a time, until a page comes back short. */
  pages(path: string, options?: SplynxPagesOptions): AsyncIterableIterator<SplynxRecord[]>;
  /** Logs the access token out (token auth); later calls fail with code `closed`. */
  close(): Promise<void>;
}

const systemClock: SplynxClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
const RETRY_BASE_MS = 250;
const RETRY_CAP_MS = 8_000;
/** Renew this many seconds before the access token runs out, as Splynx's own clients do. */
const RENEW_MARGIN_SECONDS = 5;

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
}

interface Prepared {
  authorization?: string;
  body?: unknown;
}

interface Call {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: string;
  expect: readonly number[];
  prepare: () => Prepared | Promise<Prepared>;
  /** Uses a nonce: such requests go out one at a time, so Splynx sees the nonces in order. */
  signed: boolean;
  /** Token generation the request went out with (token auth), set by `prepare`. */
  token?: { generation: number };
}

interface TokenState {
  access: string;
  accessExpires: number;
  refresh: string;
  refreshExpires: number;
  generation: number;
}

function invalid(field: string, message: string): SplynxError {
  return new SplynxError('invalid_options', `${field}: ${message}`);
}

function checkOptions(options: SplynxClientOptions): URL {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (cause) {
    throw new SplynxError('invalid_options', `baseUrl: "${String(options.baseUrl)}" is not a URL; pass e.g. https://billing.example.net.`, { cause });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw invalid('baseUrl', 'must be http or https.');
  const auth = options.auth as Partial<SplynxAuth> | undefined;
  if (auth?.kind !== 'signature' && auth?.kind !== 'token') throw invalid('auth.kind', 'must be "signature" or "token".');
  if (typeof auth.key !== 'string' || auth.key === '') throw invalid('auth.key', 'the API key is missing.');
  if (typeof auth.secret !== 'string' || auth.secret === '') throw invalid('auth.secret', 'the API secret is missing.');
  const rate = options.maxRequestsPerSecond;
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw invalid('maxRequestsPerSecond', 'must be a number above 0.');
  const retries = options.retries;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) throw invalid('retries', 'must be a whole number, 0 or more.');
  const timeout = options.timeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw invalid('timeoutMs', 'must be a number of milliseconds above 0.');
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/api/2.0/`;
  return base;
}

function cleanPath(path: string): string {
  if (typeof path !== 'string' || path.replace(/^\/+|\/+$/g, '') === '') throw invalid('path', 'must name a Splynx resource, e.g. admin/customers/customer.');
  if (/[?#]/.test(path)) throw invalid('path', `"${path}" has a query; pass search conditions in options.`);
  return path.replace(/^\/+|\/+$/g, '');
}

function itemPath(path: string, id: string | number): string {
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') throw invalid('id', 'must be a record id.');
  return `${cleanPath(path)}/${encodeURIComponent(String(id))}`;
}

/** Splynx's error body `{"error":{"message","code","internal_code"}}`, or a code from the status. */
function errorFrom(status: number, json: unknown, request: string, retryAfter: string | null): SplynxError {
  const error = (json as { error?: { message?: unknown; internal_code?: unknown } } | undefined)?.error;
  const internal = typeof error?.internal_code === 'string' ? error.internal_code : undefined;
  const detail = typeof error?.message === 'string' ? `: ${error.message}` : '';
  // HEAD answers and proxies carry no Splynx body: name the code from the status.
  const code = internal ?? (status === 429 ? 'rate_limited' : status >= 500 ? 'SERVER_ERROR' : (BY_STATUS[status] ?? 'unexpected_response'));
  const hint = status === 429 && retryAfter ? ` (retry after ${retryAfter} s)` : '';
  return new SplynxError(code, `Splynx answered ${status} ${code} to ${request}${detail}${hint}`, { status, request });
}

const BY_STATUS: Record<number, SplynxInternalCode> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED' };

/**
 * A Splynx API v2.0 client over one API key, with signed requests or an access token it renews.
 * @example const splynx = createSplynxClient({ baseUrl, auth: { kind: 'token', key, secret } });
 */
export function createSplynxClient(options: SplynxClientOptions): SplynxClient {
  const base = checkOptions(options);
  const { auth } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const userAgent = options.userAgent ?? 'casekit-splynx/0.1';
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const limit = createRateLimit(options.maxRequestsPerSecond ?? 10, clock);
  let closed = false;

  // Nonces: strictly increasing per client, from the clock so a restarted process continues above.
  let lastNonce = 0;
  const nextNonce = (): number => (lastNonce = Math.max(lastNonce + 1, Math.floor(clock.now())));
  const sign = (nonce: number): string => createHmac('sha256', auth.secret).update(`${nonce}${auth.key}`, 'utf8').digest('hex').toUpperCase();
  let signedLane: Promise<unknown> = Promise.resolve();

  async function once(call: Call): Promise<Answer> {
    const request = `${call.method} ${call.path}`;
    const run = async (): Promise<Answer> => {
      const prepared = await call.prepare();
      const headers: Record<string, string> = { 'user-agent': userAgent, accept: 'application/json' };
      if (prepared.authorization) headers.authorization = prepared.authorization;
      if (prepared.body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetchImpl(new URL(`${call.path}${call.query ?? ''}`, base), {
          method: call.method,
          headers,
          body: prepared.body === undefined ? undefined : JSON.stringify(prepared.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        const timedOut = (cause as { name?: unknown } | undefined)?.name === 'TimeoutError';
        throw new SplynxError(timedOut ? 'timeout' : 'network', timedOut ? `${request} got no answer within ${timeoutMs} ms.` : `${request} could not reach Splynx at ${base.origin}: ${(cause as Error).message}`, { request, cause });
      }
      const text = call.method === 'HEAD' ? '' : await response.text();
      let json: unknown;
      if (text !== '') {
        try {
          json = JSON.parse(text);
        } catch (cause) {
          if (response.ok) throw new SplynxError('unexpected_response', `${request}: Splynx answered ${response.status} with a body that is not JSON.`, { status: response.status, request, cause });
        }
      }
      if (!call.expect.includes(response.status)) throw errorFrom(response.status, json, request, response.headers.get('retry-after'));
      return { status: response.status, headers: response.headers, json };
    };
    if (!call.signed) return run();
    const turn = signedLane.then(run, run);
    signedLane = turn.catch(() => undefined);
    return turn;
  }

  async function send(call: Call): Promise<Answer> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      await limit();
      try {
        return await once(call);
      } catch (error) {
        if (!(error instanceof SplynxError)) throw error;
        // A HEAD answer has no body to say EXPIRED_ACCESS_TOKEN: any 401 to it renews once.
        const expired = error.code === 'EXPIRED_ACCESS_TOKEN' || (call.method === 'HEAD' && error.status === 401);
        if (expired && call.token && !renewed) {
          renewed = true;
          await session.renewAfterExpired(call.token.generation);
          attempt -= 1;
          continue;
        }
        if (!isTransient(error) || attempt >= retries) throw error;
        // Exponential backoff with jitter, so many clients that failed together do not retry together.
        const exponential = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
        await clock.sleep(Math.round(exponential * (0.5 + Math.random() / 2)));
      }
    }
  }

  const session = createTokenSession();

  /** Access tokens (token auth): issued on first use, renewed near expiry or when Splynx says expired, logged out on close. */
  function createTokenSession() {
    let state: TokenState | undefined;
    let pending: Promise<void> | undefined;
    let generation = 0;
    const nowSeconds = () => clock.now() / 1000;

    function adopt(json: unknown, request: string): void {
      const body = json as Record<string, unknown> | undefined;
      const access = body?.access_token;
      const refresh = body?.refresh_token;
      const accessExpires = Number(body?.access_token_expiration);
      const refreshExpires = Number(body?.refresh_token_expiration);
      if (typeof access !== 'string' || typeof refresh !== 'string' || !Number.isFinite(accessExpires) || !Number.isFinite(refreshExpires)) {
        throw new SplynxError('unexpected_response', `${request}: the token answer lacks access_token, refresh_token or their expirations.`, { request });
      }
      generation += 1;
      state = { access, refresh, accessExpires, refreshExpires, generation };
    }

    async function login(): Promise<void> {
      const path = 'admin/auth/tokens';
      const answer = await send({
        method: 'POST',
        path,
        expect: [201, 200],
        signed: true,
        prepare: () => {
          const nonce = nextNonce();
          return { body: { auth_type: 'api_key', key: auth.key, nonce, signature: sign(nonce) } };
        },
      });
      adopt(answer.json, `POST ${path}`);
    }

    async function renew(): Promise<void> {
      const current = state;
      if (!current || nowSeconds() + RENEW_MARGIN_SECONDS >= current.refreshExpires) return login();
      const path = `admin/auth/tokens/${encodeURIComponent(current.refresh)}`;
      try {
        const answer = await send({ method: 'GET', path, expect: [200], signed: false, prepare: () => ({ authorization: `Splynx-EA (access_token=${current.access})` }) });
        adopt(answer.json, `GET ${path}`);
      } catch (error) {
        // A refresh token that is gone, banned or expired: start over with the key.
        if (error instanceof SplynxError && (error.status === 401 || error.status === 404)) return login();
        throw error;
      }
    }

    function once(work: () => Promise<void>): Promise<void> {
      pending ??= work().finally(() => {
        pending = undefined;
      });
      return pending;
    }

    return {
      /** A usable access token, renewing first when it is about to run out. */
      async token(): Promise<TokenState> {
        if (pending) await pending;
        // At most one renewal per request: with a clock skewed from Splynx's, a fresh token may still look expired.
        if (!state) await once(login);
        else if (nowSeconds() + RENEW_MARGIN_SECONDS > state.accessExpires) await once(renew);
        if (!state) throw new SplynxError('closed', 'This Splynx client logged out; create another.');
        return state;
      },
      async renewAfterExpired(seen: number): Promise<void> {
        if (pending) return pending;
        if (state && state.generation === seen) return once(renew);
      },
      async logout(): Promise<void> {
        await pending?.catch(() => undefined);
        const current = state;
        state = undefined;
        if (!current) return;
        const path = `admin/auth/tokens/${encodeURIComponent(current.refresh)}`;
        await send({ method: 'DELETE', path, expect: [204, 200], signed: false, prepare: () => ({ authorization: `Splynx-EA (access_token=${current.access})` }) });
      },
    };
  }

  function request(method: Call['method'], path: string, expect: readonly number[], query?: string, body?: unknown): Promise<Answer> {
    if (closed) return Promise.reject(new SplynxError('closed', `${method} ${path}: this Splynx client is closed; create another.`, { request: `${method} ${path}` }));
    if (auth.kind === 'signature') {
      return send({
        method, path, query, expect, signed: true,
        prepare: () => {
          const nonce = nextNonce();
          return { authorization: `Splynx-EA (key=${encodeURIComponent(auth.key)}&nonce=${nonce}&signature=${sign(nonce)})`, body };
        },
      });
    }
    const used = { generation: 0 };
    return send({
      method, path, query, expect, signed: false, token: used,
      prepare: async () => {
        const token = await session.token();
        used.generation = token.generation;
        return { authorization: `Splynx-EA (access_token=${token.access})`, body };
      },
    });
  }

  function objectBody(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'must be an object of fields.');
    return body as Record<string, unknown>;
  }

  async function list(path: string, listOptions: SplynxListOptions = {}): Promise<SplynxRecord[]> {
    const clean = cleanPath(path);
    const answer = await request('GET', clean, [200], searchQuery(listOptions));
    if (!Array.isArray(answer.json)) throw new SplynxError('unexpected_response', `GET ${clean}: expected a JSON array of records.`, { status: answer.status, request: `GET ${clean}` });
    return answer.json as SplynxRecord[];
  }

  return {
    list,
    async count(path, where) {
      const clean = cleanPath(path);
      const answer = await request('HEAD', clean, [204, 200], searchQuery({ where }));
      const total = Number(answer.headers.get('x-total-count'));
      if (answer.headers.get('x-total-count') === null || !Number.isInteger(total)) throw new SplynxError('unexpected_response', `HEAD ${clean}: no X-total-count header in the answer.`, { status: answer.status, request: `HEAD ${clean}` });
      return total;
    },
    async get(path, id) {
      const item = itemPath(path, id);
      const answer = await request('GET', item, [200]);
      if (typeof answer.json !== 'object' || answer.json === null || Array.isArray(answer.json)) throw new SplynxError('unexpected_response', `GET ${item}: expected a JSON object.`, { status: answer.status, request: `GET ${item}` });
      return answer.json as SplynxRecord;
    },
    async create(path, body) {
      const clean = cleanPath(path);
      const answer = await request('POST', clean, [201, 200], undefined, objectBody(body));
      const id = (answer.json as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' && typeof id !== 'number') throw new SplynxError('unexpected_response', `POST ${clean}: the answer has no id.`, { status: answer.status, request: `POST ${clean}` });
      return String(id);
    },
    async update(path, id, body) {
      await request('PUT', itemPath(path, id), [202, 200], undefined, objectBody(body));
    },
    async delete(path, id) {
      await request('DELETE', itemPath(path, id), [204, 200]);
    },
    async *pages(path, pageOptions = {}) {
      const pageSize = pageOptions.pageSize ?? 100;
      if (!(Number.isInteger(pageSize) && pageSize > 0)) throw invalid('pageSize', 'must be a whole number above 0.');
      const order = pageOptions.order ?? { id: 'ASC' };
      for (let offset = 0; ; offset += pageSize) {
        const page = await list(path, { where: pageOptions.where, additional: pageOptions.additional, order, limit: pageSize, offset });
        if (page.length > 0) yield page;
        if (page.length < pageSize) return;
      }
    },
    async close() {
      if (closed) return;
      if (auth.kind === 'token') await session.logout();
      closed = true;
    },
  };
}
