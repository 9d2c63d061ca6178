import { createHmac, timingSafeEqual } from 'node:crypto';

/** Compares two strings in constant time; different lengths are simply unequal. */
export function safeEqual(actual: string, expected: string): boolean {
  const a = Buffer.from(actual, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HMAC of `data` under `key`, in the encoding the provider writes. */
export function hmac(algorithm: 'sha1' | 'sha256', key: string | Uint8Array, data: string | Uint8Array, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(data).digest(encoding);
}
