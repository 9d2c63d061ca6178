import { randomBytes } from 'node:crypto';
import { errorText } from '@casekit/server';
import { startSplynxFake } from '@casekit/testkit/providers';

/** The `casekit splynx fake` flags, for `parseArgs`. */
export const SPLYNX_FAKE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  customers: { type: 'string' },
  seed: { type: 'string' },
  'api-key': { type: 'string' },
  'api-secret': { type: 'string' },
  'hook-url': { type: 'string' },
  'hook-secret': { type: 'string' },
} as const;

type Flags = { [name in keyof typeof SPLYNX_FAKE_OPTIONS]?: string | undefined };

function usageError(message: string): never {
  process.stderr.write(`casekit splynx fake: ${message}\n`);
  process.exit(2);
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) usageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}".`);
  return n;
}

/**
 * Runs a Splynx fake until SIGINT/SIGTERM and prints its URL and credentials on stdout;
 * bad flags end the process with exit code 2 and a message naming the flag.
 */
export async function runSplynxFake(flags: Flags): Promise<void> {
  const port = wholeNumber('port', flags.port, 8180, 0, 65_535);
  const customers = wholeNumber('customers', flags.customers, 25, 0, 100_000);
  const seed = wholeNumber('seed', flags.seed, 1, 0, 2 ** 32 - 1);
  for (const flag of ['api-key', 'api-secret', 'hook-secret'] as const) {
    if (flags[flag] === '') usageError(`--${flag} must not be empty.`);
  }
  if (flags['hook-url'] !== undefined && !/^https?:\/\//.test(flags['hook-url'])) usageError(`--hook-url must be an http(s) URL, got "${flags['hook-url']}".`);
  const apiKey = flags['api-key'] ?? randomBytes(16).toString('hex');
  const apiSecret = flags['api-secret'] ?? randomBytes(16).toString('hex');
  const hookSecret = flags['hook-secret'] ?? randomBytes(16).toString('hex');
  let fake;
  try {
    fake = await startSplynxFake({ apiKey, apiSecret, hookSecret, customers, seed, port, host: flags.host ?? '127.0.0.1' });
  } catch (error) {
    process.stderr.write(`casekit splynx fake: could not listen on port ${port}: ${errorText(error)}\n`);
    process.exit(1);
  }
  if (flags['hook-url']) fake.addHook({ url: flags['hook-url'] });
  process.stdout.write(
    [
      `Splynx fake (API v2.0) with ${customers} customers at ${fake.url}`,
      `  API base     ${fake.url}/api/2.0/`,
      `  API key      ${apiKey}`,
      `  API secret   ${apiSecret}`,
      `  Hook secret  ${hookSecret}${flags['hook-url'] ? ` (posting changes to ${flags['hook-url']})` : ''}`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
