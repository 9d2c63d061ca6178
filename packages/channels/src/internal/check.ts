import type { ChannelTestResult } from '@casekit/core';
import type { ChannelCheckCode } from '@casekit/protocol';

/** How long a channel check waits for its provider: an admin is looking at a spinner. */
export const CHECK_TIMEOUT_MS = 10_000;

/** A passed check, saying what the provider showed (the account's name, the bot's username…). */
export function passed(detail: string): ChannelTestResult {
  return { ok: true, detail };
}

/** A failed check: `unreachable` and `rate_limited` are worth trying again, the rest need a fix. */
export function failed(code: ChannelCheckCode, message: string, options: { field?: string | undefined; detail?: string | undefined } = {}): ChannelTestResult {
  return {
    ok: false,
    ...(options.detail !== undefined && { detail: options.detail }),
    error: { code, message, retryable: code === 'unreachable' || code === 'rate_limited', ...(options.field !== undefined && { field: options.field }) },
  };
}

/** What a provider answered a check's request: its status and body (parsed when it is JSON). */
export interface ProbeAnswer {
  status: number;
  body: unknown;
  text: string;
}

/**
 * Makes a check's one request, without following redirects. A network failure or a timeout is
 * the `unreachable` result, naming `field` (where the address is set); the URL is never put in a
 * message, since some carry a token (Telegram's).
 */
export async function probe(
  provider: string,
  fetcher: typeof fetch,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; field?: string } = {},
): Promise<ProbeAnswer | ChannelTestResult> {
  let response: Response;
  try {
    response = await fetcher(url, {
      method: init.method ?? 'GET',
      ...(init.headers && { headers: init.headers }),
      ...(init.body !== undefined && { body: init.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    const message = timedOut ? `${provider} did not answer within ${CHECK_TIMEOUT_MS / 1000} s; try again in a moment.` : `${provider} could not be reached (${cause}); try again in a moment.`;
    return failed('unreachable', message, { field: init.field });
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: an error page from a proxy
  }
  return { status: response.status, body, text };
}

/** True when a step of a check answered the failed check rather than what the provider said (which never has a boolean `ok`). */
export function isCheckResult<T extends object>(answer: T | ChannelTestResult): answer is ChannelTestResult {
  return typeof (answer as { ok?: unknown }).ok === 'boolean';
}

/**
 * A refusal read by its HTTP status alone: 401/403 the credentials (`authField`), 404 the id
 * (`idField`), 429 a wait, 408 and 5xx an outage; any other status a plain refusal.
 */
export function refusalByStatus(provider: string, status: number, said: string | undefined, fields: { authField?: string; idField?: string }): ChannelTestResult {
  const reason = said ? `: ${said.replace(/[.\s]+$/, '')}` : '';
  if (status === 401 || status === 403) return failed('auth', `${provider} refused the channel's credentials (HTTP ${status}${reason}).`, { field: fields.authField });
  if (status === 404 || status === 410) return failed('not_found', `${provider} found nothing at the configured id (HTTP ${status}${reason}).`, { field: fields.idField });
  if (status === 429) return failed('rate_limited', `${provider} asked to slow down (HTTP 429${reason}); try again in a minute.`);
  if (status === 408 || status >= 500) return failed('unreachable', `${provider} is having trouble (HTTP ${status}${reason}); try again in a moment.`);
  return failed('rejected', `${provider} refused the check (HTTP ${status}${reason}).`);
}
