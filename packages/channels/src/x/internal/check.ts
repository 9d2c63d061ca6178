import { randomBytes } from 'node:crypto';
import type { ChannelRuntime, ChannelTestResult } from '@casekit/core';
import { failed, isCheckResult, passed, probe, refusalByStatus } from '../../internal/check.ts';
import type { XConfig, XSecrets } from '../settings.ts';
import { oauth1Authorization } from './oauth1.ts';

/**
 * `GET /2/users/me` as the account (OAuth 1.0a user context): whose the access token is, which
 * must be the account the channel answers for (`config.userId`). X's 401 does not say which of
 * the four keys is wrong, so none is named.
 */
export async function checkXAccount(runtime: ChannelRuntime<XConfig, XSecrets>): Promise<ChannelTestResult> {
  const { config, secrets } = runtime.channel;
  const url = `${config.apiBaseUrl}/2/users/me`;
  const authorization = oauth1Authorization(
    { method: 'GET', url },
    { consumerKey: secrets.consumerKey, consumerSecret: secrets.consumerSecret, token: secrets.accessToken, tokenSecret: secrets.accessTokenSecret },
    { nonce: randomBytes(16).toString('hex'), timestamp: Math.floor(runtime.now().getTime() / 1000) },
  );
  const answer = await probe('X', runtime.fetch, url, { headers: { authorization, accept: 'application/json' }, field: 'config.apiBaseUrl' });
  if (isCheckResult(answer)) return answer;
  const body = (answer.body ?? {}) as { data?: { id?: unknown; username?: unknown; name?: unknown }; title?: unknown; detail?: unknown };
  if (answer.status === 200 && typeof body.data?.id === 'string') {
    const { id } = body.data;
    const handle = typeof body.data.username === 'string' ? `@${body.data.username}` : `user ${id}`;
    const detail = `X account ${handle}${typeof body.data.name === 'string' ? ` (“${body.data.name}”)` : ''}, user id ${id}.`;
    if (id !== config.userId) {
      return failed('misconfigured', `The access token is ${handle}'s (user id ${id}), but the channel answers user id ${config.userId}: set the user id to ${id}, or use the access token of that account.`, {
        field: 'config.userId',
        detail,
      });
    }
    return passed(detail);
  }
  if (answer.status === 401) {
    return failed('auth', "X refused the keys (HTTP 401): check the API key and secret of the app and the account's access token and secret, from the X developer portal.");
  }
  const said = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : undefined;
  return refusalByStatus('X', answer.status, said, {});
}
