import { DeliveryError } from '@casekit/core';
import { graphDeliveryError, hasGraphError } from './graph-errors.ts';

/** How long one Graph API call may take before it is abandoned and tried again later. */
export const DEFAULT_GRAPH_TIMEOUT_MS = 15_000;

/**
 * POSTs to the Graph API with a Bearer token and returns the JSON it answered. Every failure is a
 * `DeliveryError`: timeouts and network errors are retryable, Graph errors are classified by code.
 */
export async function postGraph(
  fetcher: typeof fetch,
  input: { url: string; token: string; body: Record<string, unknown> | FormData; timeoutMs: number },
): Promise<Record<string, unknown>> {
  const isForm = input.body instanceof FormData;
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await fetcher(input.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${input.token}`,
        accept: 'application/json',
        ...(!isForm && { 'content-type': 'application/json' }),
      },
      body: isForm ? (input.body as FormData) : JSON.stringify(input.body),
      signal: AbortSignal.timeout(input.timeoutMs),
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await response.text();
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new DeliveryError(`Meta did not answer within ${input.timeoutMs} ms.`, { retryable: true, code: 'timeout' });
    }
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new DeliveryError(`Meta's Graph API could not be reached: ${reason}`, { retryable: true, code: 'network' });
  }
  const json = parseJson(text);
  if (status < 200 || status >= 300 || hasGraphError(json)) throw graphDeliveryError(status, json, retryAfter);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DeliveryError(`Meta answered HTTP ${status} with a body that is not a JSON object; the message may or may not have gone out.`, {
      retryable: false,
      code: 'unexpected_response',
    });
  }
  return json as Record<string, unknown>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
