import { createHmac } from 'node:crypto';

// OAuth 1.0a request signing (RFC 5849 §3.4, HMAC-SHA1), as X's API expects for user context.

/** The four keys a user-context request is signed with. */
export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** RFC 5849 §3.6: UTF-8, then every octet but A–Z a–z 0–9 - . _ ~ as %XX in upper-case hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * RFC 5849 §3.4.1: method, base URI (lower-case scheme and host, no default port, no query) and
 * the normalized parameters (query, form body and `oauth_*` but the signature), each encoded.
 */
export function signatureBaseString(method: string, url: string, parameters: ReadonlyArray<readonly [string, string]>): string {
  const target = new URL(url);
  const baseUri = `${target.protocol}//${target.host}${target.pathname}`;
  const all = [...target.searchParams, ...parameters]
    .filter(([name]) => name !== 'oauth_signature' && name !== 'realm')
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([aName, aValue], [bName, bValue]) => compare(aName, bName) || compare(aValue, bValue));
  const normalized = all.map(([name, value]) => `${name}=${value}`).join('&');
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalized)].join('&');
}

/** RFC 5849 §3.4.2: base64 HMAC-SHA1 of the base string under `consumerSecret&tokenSecret`. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/**
 * The `Authorization: OAuth …` header for one request. A JSON body is not signed; pass a
 * form-encoded body's fields as `form`. Each request needs its own `nonce`.
 */
export function oauth1Authorization(
  request: { method: string; url: string; form?: ReadonlyArray<readonly [string, string]> },
  credentials: OAuth1Credentials,
  stamp: { nonce: string; timestamp: number },
): string {
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', stamp.nonce],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(stamp.timestamp)],
    ['oauth_token', credentials.token],
    ['oauth_version', '1.0'],
  ];
  const base = signatureBaseString(request.method, request.url, [...oauth, ...(request.form ?? [])]);
  oauth.push(['oauth_signature', hmacSha1Signature(base, credentials.consumerSecret, credentials.tokenSecret)]);
  oauth.sort(([a], [b]) => compare(a, b));
  return `OAuth ${oauth.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(', ')}`;
}

/** Byte order, which for percent-encoded ASCII is code-unit order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
