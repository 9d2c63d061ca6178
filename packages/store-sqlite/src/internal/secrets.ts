import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretBox } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';

/** Stored form: `enc1:` + base64url(12-byte IV ‖ 16-byte tag ‖ AES-256-GCM ciphertext). */
const PREFIX = 'enc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MIN_SECRET_KEY_LENGTH = 32;

/**
 * A box for `key` (at least 32 characters of high entropy, e.g. 32 random bytes as hex or
 * base64). Without a key, secrets are stored as written and sealed ones cannot be read.
 */
export function createSecretBox(key: string | undefined): SecretBox {
  if (key !== undefined && key.length < MIN_SECRET_KEY_LENGTH) {
    throw new CasekitError('internal', `The secret key must be at least ${MIN_SECRET_KEY_LENGTH} characters; generate one with \`openssl rand -base64 32\`.`);
  }
  const aesKey = key === undefined ? null : Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'casekit channel secrets v1', 32));
  const isSealed = (stored: string) => stored.startsWith(PREFIX);
  // Every inbound message reads its channel: opened secrets are kept, keyed by their sealed
  // form (which changes whenever the secret does), instead of decrypting each time.
  const opened = new Map<string, string>();
  return {
    encrypts: aesKey !== null,
    isSealed,
    seal(plain) {
      if (!aesKey) return plain;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(stored) {
      if (!isSealed(stored)) return stored;
      if (!aesKey) {
        throw new CasekitError('unavailable', 'This store keeps channel secrets encrypted; open it with its secret key (CASEKIT_SECRET_KEY).');
      }
      const known = opened.get(stored);
      if (known !== undefined) return known;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', aesKey, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        if (opened.size >= 1000) opened.clear();
        opened.set(stored, plain);
        return plain;
      } catch (error) {
        throw new CasekitError('unavailable', 'A channel secret does not open with this secret key; start with the key it was sealed with.', { cause: error });
      }
    },
  };
}
