import type { PasswordHasher } from '@casekit/api';

const ITERATIONS = 10_000;
const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
}

/**
 * Passwords hashed with PBKDF2 through WebCrypto, which browsers have (scrypt, the server's, is
 * Node's). Mock passwords guard nothing real, so the iteration count is kept low.
 */
export const webCryptoPasswords: PasswordHasher = {
  async hashPassword(password) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    return `pbkdf2$${ITERATIONS}$${toBase64(salt)}$${toBase64(await derive(password, salt, ITERATIONS))}`;
  },
  async verifyPassword(password, hash) {
    const [kind, iterations, salt, expected] = (hash ?? '').split('$');
    if (kind !== 'pbkdf2' || !salt || !expected) return false;
    const actual = toBase64(await derive(password, fromBase64(salt), Number(iterations)));
    return actual === expected;
  },
};
