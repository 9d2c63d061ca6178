import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { createTokenAuth, type Auth, type AuthOptions } from '@casekit/api';

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Compared against when the email is unknown, so a wrong email costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks a password against a hash from `hashPassword`; false for a malformed or missing hash. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const parts = (hash ?? (await (dummyHash ??= hashPassword(randomBytes(12).toString('hex'))))).split('$');
  const [kind, n, r, p, saltText, keyText] = parts;
  if (parts.length !== 6 || kind !== 'scrypt' || !saltText || !keyText) return false;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (![N, R, P].every((v) => Number.isInteger(v) && v > 0) || N > 1 << 20) return false;
  const expected = Buffer.from(keyText, 'base64url');
  if (expected.length < 16) return false;
  const actual = await scrypt(password, Buffer.from(saltText, 'base64url'), expected.length, { N, r: R, p: P });
  return timingSafeEqual(actual, expected) && hash !== null;
}

/**
 * Creates the auth helpers: scrypt passwords, HS256 tokens for agents and visitors, and
 * verification of tokens from an external issuer through its JWKS.
 * @example const auth = createAuth({ jwtSecret: process.env.CASEKIT_JWT_SECRET! })
 */
export function createAuth(options: AuthOptions): Auth {
  return createTokenAuth({ ...options, passwords: { hashPassword, verifyPassword } });
}
