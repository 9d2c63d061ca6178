import type { ChannelTestResult } from '@casekit/core';
import { failed, isCheckResult, passed, probe, refusalByStatus } from '../../internal/check.ts';
import { classifyMetaError, metaErrorText } from './graph-errors.ts';
import { graphUrl } from './graph-settings.ts';

/** One Graph object a channel stands on, read with the token that must reach it. */
export interface GraphProbe {
  config: { apiBaseUrl?: string | undefined; apiVersion?: string | undefined };
  fetch: typeof fetch;
  objectId: string;
  fields: readonly string[];
  token: string;
  /** Where the token and the id are set: `secrets.accessToken`, `config.phoneNumberId`. */
  tokenField: string;
  idField: string;
}

/**
 * `GET /{version}/{id}?fields=…` with the Bearer token: the object's fields, or the failed check.
 * Graph's codes decide: 190 the token, 100/33 (and 803) an id the token cannot reach, 10 and
 * 200 a missing permission, throttling and transient errors worth another try.
 */
async function readGraphObject(input: GraphProbe): Promise<Record<string, unknown> | ChannelTestResult> {
  const url = `${graphUrl(input.config, input.objectId)}?fields=${input.fields.map(encodeURIComponent).join(',')}`;
  const answer = await probe('Meta', input.fetch, url, { headers: { authorization: `Bearer ${input.token}`, accept: 'application/json' }, field: 'config.apiBaseUrl' });
  if (isCheckResult(answer)) return answer;
  const error = (answer.body as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown; is_transient?: unknown } } | null)?.error;
  if (answer.status >= 200 && answer.status < 300 && !error && answer.body && typeof answer.body === 'object') return answer.body as Record<string, unknown>;
  if (!error) return refusalByStatus('Meta', answer.status, undefined, { authField: input.tokenField, idField: input.idField });
  const code = typeof error.code === 'number' ? error.code : undefined;
  const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : undefined;
  const text = metaErrorText({ message: typeof error.message === 'string' ? error.message : undefined });
  const said = `Meta error ${[code, subcode].filter((n) => n !== undefined).join('/')}: ${text}`;
  if (code === 190) return failed('auth', `Meta refused the token (${said}); generate a new one and save it.`, { field: input.tokenField });
  if ((code === 100 && subcode === 33) || code === 803) {
    return failed('not_found', `Meta has no object ${input.objectId} that this token can read (${said}); check the id and that the token was made for it.`, { field: input.idField });
  }
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return failed('auth', `The token lacks a permission this channel needs (${said}).`, { field: input.tokenField });
  }
  const meaning = classifyMetaError({ code, subcode, transient: typeof error.is_transient === 'boolean' ? error.is_transient : undefined });
  if (meaning.code === 'rate_limited') return failed('rate_limited', `Meta asked to slow down (${said}); try again in a minute.`);
  if (meaning.retryable || answer.status >= 500) return failed('unreachable', `Meta is having trouble (${said}); try again in a moment.`);
  return failed('rejected', `Meta refused the check (${said}).`);
}

/** A text field of a Graph answer. */
function graphText(object: Record<string, unknown>, name: string): string | undefined {
  const value = object[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** WhatsApp Cloud: the number's display number and verified name, read with the channel's access token. */
export async function checkWhatsAppNumber(input: Omit<GraphProbe, 'objectId' | 'fields' | 'tokenField' | 'idField'> & { phoneNumberId: string }): Promise<ChannelTestResult> {
  const number = await readGraphObject({
    ...input,
    objectId: input.phoneNumberId,
    fields: ['display_phone_number', 'verified_name'],
    tokenField: 'secrets.accessToken',
    idField: 'config.phoneNumberId',
  });
  if (isCheckResult(number)) return number;
  const display = graphText(number, 'display_phone_number') ?? input.phoneNumberId;
  const name = graphText(number, 'verified_name');
  return passed(`WhatsApp number ${display}${name ? ` (“${name}”)` : ''}.`);
}

/**
 * Messenger and Instagram: the Page's name, read with the Page token; for Instagram also the
 * Instagram account linked to the Page, which must be the configured one when one is set.
 */
export async function checkPage(
  input: Omit<GraphProbe, 'objectId' | 'fields' | 'tokenField' | 'idField'> & { pageId: string; instagram?: { accountId: string | undefined } },
): Promise<ChannelTestResult> {
  const page = await readGraphObject({
    ...input,
    objectId: input.pageId,
    fields: input.instagram ? ['name', 'instagram_business_account'] : ['name'],
    tokenField: 'secrets.pageAccessToken',
    idField: 'config.pageId',
  });
  if (isCheckResult(page)) return page;
  const detail = `Facebook Page “${graphText(page, 'name') ?? input.pageId}” (${input.pageId})`;
  if (!input.instagram) return passed(`${detail}.`);
  const linked = (page.instagram_business_account as { id?: unknown } | undefined)?.id;
  if (typeof linked !== 'string' || !linked) {
    return failed('misconfigured', `No Instagram professional account is linked to this Page: link one in the Page's settings, or set the Page it is linked to.`, { field: 'config.pageId', detail: `${detail}.` });
  }
  const wanted = input.instagram.accountId;
  if (wanted && wanted !== linked) {
    return failed('not_found', `The Page is linked to Instagram account ${linked}, not ${wanted}: set config.instagramAccountId to ${linked}, or the Page linked to ${wanted}.`, {
      field: 'config.instagramAccountId',
      detail: `${detail}.`,
    });
  }
  return passed(`${detail}, linked to Instagram account ${linked}.`);
}
