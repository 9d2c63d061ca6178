import type { ChannelRuntime, ChannelTestResult } from '@casekit/core';
import { failed, isCheckResult, passed, probe, refusalByStatus } from '../../internal/check.ts';
import type { TwilioConfig, TwilioSecrets } from '../settings.ts';

/**
 * Reads the channel's account (`GET /2010-04-01/Accounts/{AccountSid}.json`, Basic auth): its
 * friendly name and status, then, for SMS from a number, that the number is the account's. The
 * account's answer carries its Auth Token, which stays here.
 */
export async function checkTwilioAccount(runtime: ChannelRuntime<TwilioConfig, TwilioSecrets>, medium: 'sms' | 'whatsapp'): Promise<ChannelTestResult> {
  const { config, secrets } = runtime.channel;
  const answer = await probe('Twilio', runtime.fetch, `${config.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}.json`, {
    headers: { authorization: `Basic ${Buffer.from(`${config.accountSid}:${secrets.authToken}`).toString('base64')}`, accept: 'application/json' },
    field: 'config.apiBaseUrl',
  });
  if (isCheckResult(answer)) return answer;
  const body = (answer.body ?? {}) as { friendly_name?: unknown; status?: unknown; code?: unknown; message?: unknown };
  if (answer.status === 200) {
    const name = typeof body.friendly_name === 'string' && body.friendly_name ? body.friendly_name : config.accountSid;
    const sender = config.messagingServiceSid ? `Messaging Service ${config.messagingServiceSid}` : config.from;
    const detail = `Twilio account “${name}” (${config.accountSid})${sender ? `, sending from ${sender}` : ''}.`;
    if (body.status !== 'active') {
      return failed('misconfigured', `The Twilio account “${name}” is ${String(body.status)}: it sends nothing until it is active again (Twilio Console › Account).`, {
        field: 'config.accountSid',
        detail,
      });
    }
    // An SMS sender must be one of the account's numbers; WhatsApp senders and Messaging Services live elsewhere.
    if (medium === 'sms' && config.from && !config.messagingServiceSid) return checkSender(runtime, config.from, detail);
    return passed(detail);
  }
  const code = typeof body.code === 'number' || typeof body.code === 'string' ? String(body.code) : undefined;
  if (answer.status === 401 || code === '20003') {
    return failed('auth', `Twilio refused the Account SID and Auth Token (error ${code ?? 401}): copy the Auth Token of account ${config.accountSid} from the Twilio Console (Account Info).`, {
      field: 'secrets.authToken',
    });
  }
  if (answer.status === 404 || code === '20404') {
    return failed('not_found', `Twilio has no account ${config.accountSid} these credentials can read (error ${code ?? 404}): check the Account SID.`, { field: 'config.accountSid' });
  }
  return refusalByStatus('Twilio', answer.status, [code && `error ${code}`, typeof body.message === 'string' ? body.message : undefined].filter(Boolean).join(' '), {
    authField: 'secrets.authToken',
    idField: 'config.accountSid',
  });
}

// `GET /IncomingPhoneNumbers.json?PhoneNumber=…`: an empty page means the account has no such number.
async function checkSender(runtime: ChannelRuntime<TwilioConfig, TwilioSecrets>, from: string, detail: string): Promise<ChannelTestResult> {
  const { config, secrets } = runtime.channel;
  const url = `${config.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(from)}`;
  const answer = await probe('Twilio', runtime.fetch, url, {
    headers: { authorization: `Basic ${Buffer.from(`${config.accountSid}:${secrets.authToken}`).toString('base64')}`, accept: 'application/json' },
    field: 'config.apiBaseUrl',
  });
  if (isCheckResult(answer)) return answer;
  const list = (answer.body as { incoming_phone_numbers?: unknown } | null)?.incoming_phone_numbers;
  if (answer.status !== 200 || !Array.isArray(list)) return refusalByStatus('Twilio', answer.status, undefined, { authField: 'secrets.authToken' });
  if (list.length === 0) {
    return failed('not_found', `The Twilio account has no number ${from}: set the sender to one of its numbers (Phone Numbers › Active numbers), or use a Messaging Service.`, {
      field: 'config.from',
      detail,
    });
  }
  return passed(detail);
}
