import { ChannelConfigError } from '@casekit/core';
import { z } from 'zod';

/**
 * Checks a channel's `config` and `secrets` with two zod schemas; the first problem becomes a
 * `ChannelConfigError` naming its field (`config.from`, `secrets.authToken`).
 */
export function validateSettings<C extends z.ZodType, S extends z.ZodType>(
  schemas: { config: C; secrets: S },
  input: { config: unknown; secrets: unknown },
): { config: z.infer<C>; secrets: z.infer<S> } {
  return { config: check('config', schemas.config, input.config ?? {}), secrets: check('secrets', schemas.secrets, input.secrets ?? {}) };
}

function check<T extends z.ZodType>(part: 'config' | 'secrets', schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // `config.templates[0].contentSid`: list positions in brackets, as a form or a JSON path names them.
  const field = issue.path.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`), part);
  throw new ChannelConfigError(field, `${field}: ${issue.message}`);
}

/** An `https:` or `http:` base URL without a trailing slash (provider API bases point at fakes in tests). */
export const baseUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));
