import { normalizeMountPath, ROUTE_META } from '@casekit/protocol';
import type { RouteName } from '@casekit/protocol';
import { CasekitApiError, errorFromResponse } from '../errors.ts';
import type { RequestFn, RequestInput, RouteResponse } from '../requests.ts';

/** Options of the HTTP layer shared by both clients. */
export interface HttpOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  getToken: () => string | null;
}


/** Strips trailing slashes so `${base}/api/v1` never doubles them. */
export function normalizeBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * The base URL with the mount path appended: `('https://x.example', '/support')` →
 * `https://x.example/support`. A path already in `baseUrl` counts as part of the mount.
 */
export function mountedBaseUrl(baseUrl: string, path: string | undefined): string {
  return normalizeBaseUrl(baseUrl) + normalizeMountPath(path);
}

/** Splits a base URL into its origin (`''` for a relative one) and its path: where casekit is mounted. */
export function splitBaseUrl(baseUrl: string): { origin: string; mountPath: string } {
  const base = normalizeBaseUrl(baseUrl);
  const origin = /^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/?#]*/i.exec(base)?.[0] ?? '';
  return { origin, mountPath: normalizeMountPath(base.slice(origin.length)) };
}

/** Substitutes `:name` segments with encoded values; a missing one is a caller error. */
function buildPath(name: string, template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_match, key: string) => {
    const value = params?.[key];
    if (value === undefined || value === null || value === '') {
      throw new CasekitApiError('bad_request', `${name}: path parameter "${key}" is required.`, { status: 0 });
    }
    return encodeURIComponent(String(value));
  });
}

/** Serialises a query object: undefined and null are left out, arrays are comma-joined. */
function buildQuery(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      search.set(key, value.map(String).join(','));
    } else if (typeof value === 'object') {
      search.set(key, JSON.stringify(value));
    } else {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Creates the typed `request` function over fetch. */
export function createRequest(options: HttpOptions): RequestFn {
  const base = `${normalizeBaseUrl(options.baseUrl)}/api/v1`;
  // Looked up per call so a fetch patched after creation (msw in the browser) is still used.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  return async function request<N extends RouteName>(name: N, input: RequestInput<N>): Promise<RouteResponse<N>> {
    const route = ROUTE_META[name];
    if (!route) throw new CasekitApiError('bad_request', `Unknown route "${String(name)}".`, { status: 0 });
    const what = `${route.method} ${route.path}`;
    const url =
      base +
      buildPath(name, route.path, input.params as Record<string, unknown> | undefined) +
      buildQuery(input.query as Record<string, unknown> | undefined);

    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.getToken();
    if (token && route.auth !== 'none') headers.authorization = `Bearer ${token}`;
    if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey;
    let body: string | undefined;
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input.body);
    }

    const init: RequestInit = {
      method: route.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    };
    return (await fetchAnswer(doFetch, url, init, what, base)) as RouteResponse<N>;
  };
}

/**
 * Sends one request with fetch and reads its JSON answer. An unreachable server or a connection
 * dropped mid-answer becomes `unavailable` with status 0; an error answer its CasekitApiError.
 */
export async function fetchAnswer(doFetch: typeof fetch, url: string, init: RequestInit, what: string, base: string): Promise<unknown> {
  let response: Response;
  try {
    response = await doFetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new CasekitApiError('unavailable', `${what}: could not reach the server at ${base} (${reason}).`, {
      status: 0,
      cause: err,
    });
  }
  return readAnswer(response.status, await readText(response, what), what);
}

/** The JSON of an answer, or the CasekitApiError a non-2xx answer carries. */
export function readAnswer(status: number, text: string, what: string): unknown {
  const ok = status >= 200 && status < 300;
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (err) {
      if (ok) {
        throw new CasekitApiError('internal', `${what}: the server answered ${status} with a body that is not JSON.`, { status, cause: err });
      }
    }
  }
  if (!ok) throw errorFromResponse(status, json, what);
  return json;
}

async function readText(response: Response, what: string): Promise<string> {
  try {
    return await response.text();
  } catch (err) {
    throw new CasekitApiError('unavailable', `${what}: the connection closed while reading the answer.`, {
      status: 0,
      cause: err,
    });
  }
}

/** An absolute URL for a link the server gave, such as an attachment's `/api/v1/uploads/…`. */
export function resolveUrl(baseUrl: string, url: string): string {
  const base = normalizeBaseUrl(baseUrl) || (globalThis as { location?: { href: string } }).location?.href;
  if (!base) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}
