import { randomBytes } from 'node:crypto';
import type { ChannelRuntime, ChannelTestResult } from '@casekit/core';
import { CHECK_TIMEOUT_MS, failed, passed } from '../../internal/check.ts';
import type { ApiChannelConfig, ApiChannelSecrets } from '../settings.ts';
import { postSigned } from './standard-webhooks.ts';

/**
 * POSTs a signed `channel.test` event to `callbackUrl` and expects 2xx: your system is up, at
 * that address, and verifies with the same signing secret. It carries no message to deliver.
 */
export async function checkCallback(runtime: ChannelRuntime<ApiChannelConfig, ApiChannelSecrets>): Promise<ChannelTestResult> {
  const webhookId = `test_${randomBytes(12).toString('hex')}`;
  const body = new TextEncoder().encode(JSON.stringify({ type: 'channel.test', timestamp: runtime.now().toISOString(), data: { channelId: runtime.channel.id } }));
  let response: Response;
  try {
    response = await postSigned(runtime, webhookId, body, CHECK_TIMEOUT_MS);
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return failed('unreachable', timedOut ? `The callback did not answer within ${CHECK_TIMEOUT_MS / 1000} s.` : `The callback could not be reached (${cause}).`, { field: 'config.callbackUrl' });
  }
  const said = (await response.text().catch(() => '')).trim().slice(0, 200);
  const answer = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  const { status } = response;
  if (status >= 200 && status < 300) return passed(`The callback answered HTTP ${status} to a signed channel.test event.`);
  if (status === 401 || status === 403) {
    return failed('auth', `The callback refused the signed channel.test event (${answer}): your system must verify with the same signing secret.`, { field: 'secrets.signingSecret' });
  }
  if (status === 404 || status === 405 || status === 410) return failed('not_found', `Nothing takes events at the callback URL (${answer}).`, { field: 'config.callbackUrl' });
  if (status >= 300 && status < 400) return failed('misconfigured', `The callback answered a redirect (HTTP ${status}); set the callback URL to where it points.`, { field: 'config.callbackUrl' });
  if (status === 429) return failed('rate_limited', `The callback asked to slow down (${answer}).`);
  if (status === 408 || status >= 500) return failed('unreachable', `The callback is having trouble (${answer}); try again in a moment.`, { field: 'config.callbackUrl' });
  return failed('rejected', `The callback refused the channel.test event (${answer}); it should answer 2xx to event types it does not handle.`);
}
