import { createHash } from 'node:crypto';
import type { Verification } from '@casekit/core';
import { hmac, safeEqual } from '../../internal/crypto.ts';

/** Form parameters as Twilio posted them; a repeated name keeps all its values in order. */
export type TwilioParams = ReadonlyMap<string, readonly string[]>;

/** Decodes an `application/x-www-form-urlencoded` body; null when the bytes are not UTF-8. */
export function readForm(body: Uint8Array): TwilioParams | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
  const params = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return params;
}

/**
 * The `X-Twilio-Signature` Twilio sends for `url` and `params`: base64 HMAC-SHA1 under the Auth
 * Token of the URL followed by every parameter, names sorted, as name+value (a repeated name:
 * its distinct values sorted, name+value each).
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of [...params.keys()].sort()) {
    const values = params.get(name)!;
    for (const value of values.length === 1 ? values : [...new Set(values)].sort()) data += name + value;
  }
  return hmac('sha1', authToken, data, 'base64');
}

/**
 * Checks a webhook's signature against the URL Twilio was given (with the query string that
 * arrived). Twilio signs some URLs with the default port and some without, so both are tried.
 * A JSON body is signed through the URL's `bodySHA256` parameter, checked against the raw bytes.
 */
export function verifyTwilioSignature(input: { authToken: string; url: string; signature: string | undefined; body: Uint8Array }): Verification {
  const { authToken, url, signature, body } = input;
  if (!signature) return { ok: false, status: 401, reason: 'The request has no X-Twilio-Signature header; only Twilio can call this webhook.' };
  const bodyHash = bodySha256Param(url);
  const params = bodyHash === null ? readForm(body) : new Map<string, string[]>();
  if (!params) return { ok: false, status: 403, reason: 'The body is not UTF-8 form data, so its Twilio signature cannot be checked.' };
  const signed = urlVariants(url).some((candidate) => safeEqual(signature, twilioSignature(authToken, candidate, params)));
  if (!signed) {
    return {
      ok: false,
      status: 403,
      reason: 'X-Twilio-Signature does not match: check the Auth Token and that the webhook URL configured at Twilio is exactly this channel\'s webhook URL.',
    };
  }
  if (bodyHash !== null && !safeEqual(bodyHash, createHash('sha256').update(body).digest('hex'))) {
    return { ok: false, status: 403, reason: 'The body does not match the bodySHA256 Twilio signed: it was changed on the way.' };
  }
  return { ok: true };
}

function bodySha256Param(url: string): string | null {
  try {
    return new URL(url).searchParams.get('bodySHA256');
  } catch {
    return null;
  }
}

// The URL as given, without its port and with the scheme's default port, as twilio-node tries them.
function urlVariants(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return [url];
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const rest = url.slice(prefix.length);
  const userInfo = authority.slice(0, authority.lastIndexOf('@') + 1);
  const hostAndPort = authority.slice(userInfo.length);
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  const host = portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart);
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const withoutPort = scheme + userInfo + host + rest;
  const withPort = portStart === -1 ? scheme + userInfo + host + defaultPort + rest : url;
  return [...new Set([url, withoutPort, withPort])];
}
