import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, FetchedAttachment } from '@casekit/core';
import { download, downloadContext, httpFailure, httpUrl } from '../../internal/download.ts';
import type { TwilioConfig, TwilioSecrets } from '../settings.ts';

/**
 * Fetches an inbound message's file from its MediaUrl with the account's Basic auth. Twilio
 * answers with a redirect to its CDN, which is followed without the credentials. The Auth Token
 * goes only to Twilio's hosts (or the channel's own `apiBaseUrl`), whatever MediaUrl a webhook names.
 */
export async function fetchTwilioMedia(mediaUrl: string, runtime: ChannelRuntime<TwilioConfig, TwilioSecrets>): Promise<FetchedAttachment> {
  const { config, secrets } = runtime.channel;
  const url = httpUrl(mediaUrl, 'Twilio');
  if (!mayCarryCredentials(url, config.apiBaseUrl)) {
    throw new DeliveryError(
      `The media URL is on ${url.host}, which is neither Twilio (api.twilio.com, *.twilio.com, *.twiliocdn.com over https) nor this channel's apiBaseUrl; ` +
        "the account's credentials are not sent there.",
      { retryable: false, code: 'untrusted_host' },
    );
  }
  const file = await download(url, downloadContext('Twilio', runtime.fetch), {
    headers: { authorization: `Basic ${Buffer.from(`${config.accountSid}:${secrets.authToken}`).toString('base64')}`, accept: '*/*' },
    refusal: twilioRefusal,
  });
  return { bytes: file.bytes, contentType: file.contentType ?? 'application/octet-stream' };
}

// Twilio's API hosts and media CDNs, over https on the default port; or exactly the configured API origin.
function mayCarryCredentials(url: URL, apiBaseUrl: string): boolean {
  if (url.origin === new URL(apiBaseUrl).origin) return true;
  if (url.protocol !== 'https:' || url.port !== '') return false;
  const host = url.hostname.toLowerCase();
  return host === 'api.twilio.com' || host.endsWith('.twilio.com') || host.endsWith('.twiliocdn.com');
}

// Twilio's error body (`{ code, message }`) names what went wrong; the CDN's XML does not.
function twilioRefusal(status: number, body: string, retryAfter: string | null): DeliveryError {
  let said: { code?: unknown; message?: unknown } | null = null;
  try {
    said = JSON.parse(body) as { code?: unknown; message?: unknown };
  } catch {
    // not Twilio's JSON
  }
  const code = typeof said?.code === 'number' || typeof said?.code === 'string' ? String(said.code) : undefined;
  const message = typeof said?.message === 'string' ? said.message : undefined;
  const reason = [code && `error ${code}`, message].filter(Boolean).join(' ') || undefined;
  return httpFailure('Twilio', status, reason, retryAfter, 'Check config.accountSid and secrets.authToken.');
}
