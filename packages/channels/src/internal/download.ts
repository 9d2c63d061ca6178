import { DeliveryError } from '@casekit/core';

/** How long fetching one attachment may take, every request and the body included. */
const DOWNLOAD_TIMEOUT_MS = 15_000;
/** The largest file fetched: WhatsApp documents go up to 100 MB, and nothing the providers carry is bigger. */
const DOWNLOAD_MAX_BYTES = 100 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const TEXT_MAX_BYTES = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One attachment being fetched: who from, with what, and the deadline every request of it shares. */
export interface DownloadContext {
  /** Names the provider in error messages: `Twilio`, `Meta`, `Telegram`. */
  provider: string;
  fetch: typeof fetch;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Starts the clock for one attachment (15 s unless the adapter was given its own timeout). */
export function downloadContext(provider: string, fetcher: typeof fetch, timeoutMs = DOWNLOAD_TIMEOUT_MS): DownloadContext {
  return { provider, fetch: fetcher, timeoutMs, signal: AbortSignal.timeout(timeoutMs) };
}

/** How one file is fetched. */
export interface DownloadOptions {
  /** Headers of the first request only (the credentials): a redirect target never gets them. */
  headers?: Record<string, string>;
  /** Checks a redirect target before anything is sent to it; throws a `DeliveryError` to refuse it. */
  checkRedirect?: (url: URL) => void;
  /** What to say and store for a refusal; the generic reading of the status when it answers nothing. */
  refusal?: (status: number, body: string, retryAfter: string | null) => DeliveryError | undefined;
  /** Added to a 401/403 message: which setting to check. */
  credentialsHint?: string;
}

/** A fetched file: its bytes and the media type the server gave, if any. */
export interface Downloaded {
  bytes: Uint8Array;
  contentType: string | undefined;
}

/**
 * GETs `url` and follows redirects itself (`redirect: 'manual'`), so the credentials go to the
 * first URL only and a redirect may lead only to http(s). Bodies over `DOWNLOAD_MAX_BYTES` are
 * refused; failures are `DeliveryError`s, retryable for timeouts, network errors, 429 and 5xx.
 */
export async function download(url: URL, context: DownloadContext, options: DownloadOptions = {}): Promise<Downloaded> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await request(current, context, hop === 0 ? options.headers : undefined);
    if (REDIRECTS.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      current = redirectTarget(current, response.headers.get('location'), context.provider, options);
      continue;
    }
    const retryAfter = response.headers.get('retry-after');
    if (!response.ok) {
      const body = await readText(response, context);
      throw options.refusal?.(response.status, body, retryAfter) ?? httpFailure(context.provider, response.status, undefined, retryAfter, options.credentialsHint);
    }
    const bytes = await readBytes(response, context);
    return { bytes, contentType: response.headers.get('content-type') ?? undefined };
  }
  throw new DeliveryError(`${context.provider} redirected the file more than ${MAX_REDIRECTS} times; it was not fetched.`, { retryable: false, code: 'too_many_redirects' });
}

/**
 * GETs a provider's JSON API (Meta's media lookup, Telegram's getFile) without following
 * redirects: the status and the body as text, for the provider's own error reading.
 */
export async function getText(url: URL | string, context: DownloadContext, headers?: Record<string, string>): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const response = await request(url, context, headers);
  return { status: response.status, text: await readText(response, context), retryAfter: response.headers.get('retry-after') };
}

/**
 * The `DeliveryError` for an HTTP refusal: 404/410 `not_found` and 401/403 `auth` are permanent,
 * 429 `rate_limited`, 408 and 5xx are tried again, any other 4xx is permanent (`http_<status>`).
 */
export function httpFailure(provider: string, status: number, reason: string | undefined, retryAfter: string | null, credentialsHint?: string): DeliveryError {
  const said = reason ? `: ${reason.replace(/[.\s]+$/, '')}` : '';
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status === 429 || status === 408 || status >= 500) {
    return new DeliveryError(`${provider} answered HTTP ${status}${said}; the file will be fetched again later.`, {
      retryable: true,
      code: status === 429 ? 'rate_limited' : `http_${status}`,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  if (status === 404 || status === 410) {
    return new DeliveryError(`${provider} has no such file (HTTP ${status}${said}); it was deleted or has expired.`, { retryable: false, code: 'not_found' });
  }
  if (status === 401 || status === 403) {
    return new DeliveryError(`${provider} refused the channel's credentials for the file (HTTP ${status}${said}).${credentialsHint ? ` ${credentialsHint}` : ''}`, {
      retryable: false,
      code: 'auth',
    });
  }
  return new DeliveryError(`${provider} refused the file (HTTP ${status}${said}).`, { retryable: false, code: `http_${status}` });
}

/** `value` as an http(s) URL without credentials in it, or a permanent `invalid_url` error. */
export function httpUrl(value: string, provider: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DeliveryError(`The attachment's address is not a URL, so ${provider} cannot be asked for it.`, { retryable: false, code: 'invalid_url' });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new DeliveryError(`The attachment's address is not a plain http(s) URL (${url.protocol}), so it is not fetched.`, { retryable: false, code: 'invalid_url' });
  }
  return url;
}

/** Fails with a permanent `too_large` error when a declared size is over the limit. */
export function refuseOversize(provider: string, size: number | undefined): void {
  if (size !== undefined && size > DOWNLOAD_MAX_BYTES) {
    throw new DeliveryError(`The file ${provider} holds is ${size} bytes, over the ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB casekit fetches.`, { retryable: false, code: 'too_large' });
  }
}

async function request(url: URL | string, context: DownloadContext, headers: Record<string, string> | undefined): Promise<Response> {
  try {
    return await context.fetch(url, { method: 'GET', redirect: 'manual', signal: context.signal, ...(headers && { headers }) });
  } catch (error) {
    throw unreachable(context, error);
  }
}

function redirectTarget(from: URL, location: string | null, provider: string, options: DownloadOptions): URL {
  if (!location) throw new DeliveryError(`${provider} answered a redirect without a Location; the file was not fetched.`, { retryable: false, code: 'bad_response' });
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new DeliveryError(`${provider} redirected the file to something that is not a URL.`, { retryable: false, code: 'unsafe_redirect' });
  }
  if ((next.protocol !== 'https:' && next.protocol !== 'http:') || next.username || next.password) {
    throw new DeliveryError(`${provider} redirected the file to a ${next.protocol} address; only plain http(s) redirects are followed.`, { retryable: false, code: 'unsafe_redirect' });
  }
  options.checkRedirect?.(next);
  return next;
}

// The body, at most `limit` bytes: more is refused as `too_large`, or cut off when `truncate` (error pages).
async function readBytes(response: Response, context: DownloadContext, limit = DOWNLOAD_MAX_BYTES, truncate = false): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (!truncate && Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    refuseOversize(context.provider, declared);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > limit) {
        await reader.cancel().catch(() => undefined);
        if (!truncate) refuseOversize(context.provider, total + value.byteLength);
        chunks.push(value.subarray(0, limit - total));
        total = limit;
        break;
      }
      total += value.byteLength;
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw unreachable(context, error);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

// An API answer or an error page: its first 1 MB is all casekit reads of it.
async function readText(response: Response, context: DownloadContext): Promise<string> {
  return new TextDecoder().decode(await readBytes(response, context, TEXT_MAX_BYTES, true));
}

// Never the URL in the message: Telegram's carry the bot token.
function unreachable(context: DownloadContext, error: unknown): DeliveryError {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new DeliveryError(`${context.provider} did not deliver the file within ${context.timeoutMs / 1000} s; it will be fetched again later.`, {
      retryable: true,
      code: 'timeout',
    });
  }
  const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new DeliveryError(`${context.provider} could not be reached for the file (${cause}); it will be fetched again later.`, { retryable: true, code: 'network' });
}

// Retry-After in seconds or as an HTTP date.
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
