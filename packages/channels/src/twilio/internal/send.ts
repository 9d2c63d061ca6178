import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import { toE164 } from '../../internal/phone.ts';
import { describeTwilioError, WINDOW_CLOSED } from './errors.ts';
import type { TwilioConfig, TwilioSecrets } from '../settings.ts';
import { templateOfMessage } from '../../internal/templates.ts';

/** How long one call to Twilio's API may take before it is given up and tried again later. */
const SEND_TIMEOUT_MS = 15_000;

/** Twilio's error body: `{ code, message, more_info, status }`. */
interface TwilioErrorBody {
  code?: number | string;
  message?: string;
  more_info?: string;
}

/**
 * Creates one Message resource (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) and
 * returns its `sid`. Status callbacks come back to the channel's webhook URL.
 */
export async function sendTwilioMessage(
  outbound: OutboundMessage,
  runtime: ChannelRuntime<TwilioConfig, TwilioSecrets>,
  medium: 'sms' | 'whatsapp',
): Promise<SendResult> {
  const { config, secrets } = runtime.channel;
  const form = new URLSearchParams({ To: recipient(outbound.to, medium) });
  if (config.from) form.set('From', config.from);
  if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid);
  const approved = medium === 'whatsapp' ? templateOfMessage(outbound, config.templates) : null;
  if (approved) {
    // A template goes by its Content SID alone: with a Body it would be a free-form message.
    form.set('ContentSid', approved.template.contentSid);
    form.set('ContentVariables', JSON.stringify(Object.fromEntries(approved.variables.map((value, i) => [String(i + 1), value]))));
    form.set('StatusCallback', runtime.webhookUrl);
    return createMessage(form, runtime);
  }
  const text = outbound.message.text;
  if (text.trim()) form.set('Body', text);
  const media = mediaUrls(outbound, runtime.publicUrl);
  if (!text.trim() && media.length === 0) {
    throw new DeliveryError('The message has no text and no attachment Twilio can fetch by URL; there is nothing to send.', {
      retryable: false,
      code: 'empty_message',
    });
  }
  if (medium === 'whatsapp' && media.length > 1) {
    throw new DeliveryError('Twilio delivers one attachment per WhatsApp message and drops the rest; send the files one per message.', {
      retryable: false,
      code: 'too_many_attachments',
    });
  }
  for (const url of media) form.append('MediaUrl', url);
  form.set('StatusCallback', runtime.webhookUrl);
  return createMessage(form, runtime);
}

async function createMessage(form: URLSearchParams, runtime: ChannelRuntime<TwilioConfig, TwilioSecrets>): Promise<SendResult> {
  const { config, secrets } = runtime.channel;
  const endpoint = `${config.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  let response: Response;
  let body: unknown;
  try {
    response = await runtime.fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${secrets.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    body = await response.json().catch(() => null);
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new DeliveryError(
      timedOut
        ? `Twilio did not answer within ${SEND_TIMEOUT_MS / 1000} s; the message will be tried again.`
        : `Twilio could not be reached (${error instanceof Error ? error.message : String(error)}); the message will be tried again.`,
      { retryable: true, code: timedOut ? 'timeout' : 'network' },
    );
  }

  if (response.ok) {
    const sid = (body as { sid?: unknown } | null)?.sid;
    if (typeof sid === 'string' && sid) return { providerMessageId: sid };
    throw new DeliveryError(`Twilio answered ${response.status} without a message sid; the message may have gone out, so it is not sent again.`, {
      retryable: false,
      code: 'bad_response',
    });
  }
  throw failure(response, body as TwilioErrorBody | null, runtime.now());
}

// The customer's number in E.164; WhatsApp addresses carry the `whatsapp:` prefix.
function recipient(to: OutboundMessage['to'], medium: 'sms' | 'whatsapp'): string {
  const address = (to.phone ?? to.externalId).replace(/^whatsapp:/i, '');
  const number = toE164(address) ?? address;
  return medium === 'whatsapp' ? `whatsapp:${number}` : number;
}

// Twilio fetches media itself: links to this server's uploads are made absolute with its public
// URL (upload links are capabilities, readable without a login); anything not http(s) stays home.
function mediaUrls(outbound: OutboundMessage, publicUrl: string): string[] {
  const urls: string[] = [];
  for (const attachment of outbound.message.attachments) {
    try {
      const url = attachment.url.startsWith('/') ? new URL(`${publicUrl}${attachment.url}`) : new URL(attachment.url);
      if (url.protocol === 'https:' || url.protocol === 'http:') urls.push(url.href);
    } catch {
      // not a URL at all
    }
  }
  return urls;
}

function failure(response: Response, body: TwilioErrorBody | null, now: Date): DeliveryError {
  const status = response.status;
  const twilioCode = body?.code === undefined || body.code === null ? undefined : String(body.code);
  const said = body?.message ? `: ${body.message.replace(/[.\s]+$/, '')}` : '';
  const code = twilioCode ?? `http_${status}`;
  if (status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'), now);
    return new DeliveryError(`Twilio answered ${status}${twilioCode ? ` (error ${twilioCode})` : ''}${said}; the message will be tried again.`, {
      retryable: true,
      code,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  if (twilioCode === WINDOW_CLOSED) {
    const { code: windowClosed, reason } = describeTwilioError(twilioCode, body?.message);
    return new DeliveryError(reason, { retryable: false, code: windowClosed });
  }
  if (status === 401 || twilioCode === '20003') {
    return new DeliveryError(`Twilio refused the credentials (error ${code})${said}. Check config.accountSid and secrets.authToken.`, {
      retryable: false,
      code,
    });
  }
  const more = body?.more_info ? ` See ${body.more_info}` : '';
  return new DeliveryError(`Twilio refused the message (${twilioCode ? `error ${twilioCode}` : `HTTP ${status}`})${said}.${more}`, {
    retryable: false,
    code,
  });
}

// Retry-After in seconds or as an HTTP date.
function retryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
