import type { ChannelField } from '@casekit/core';
import { z } from 'zod';
import { validateSettings } from '../internal/settings.ts';
import { SIGNING_SECRET_HINT, isSigningSecret } from './internal/standard-webhooks.ts';

// Types rather than interfaces, so the adapter also fits the plain `ChannelAdapter` (whose
// settings are `Record<…>`) that the server keeps its adapters as.

/** Where casekit posts replies for your system to deliver. */
export type ApiChannelConfig = {
  callbackUrl: string;
};

/**
 * The Standard Webhooks secret both ways, `whsec_<base64 of 24–64 bytes>`. Several separated by
 * spaces rotate keys: replies carry a signature per key, inbound posts may use any of them.
 */
export type ApiChannelSecrets = {
  signingSecret: string;
};

const configSchema = z.object({
  callbackUrl: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL'),
});

const secretsSchema = z.object({
  signingSecret: z.string().trim().refine(isSigningSecret, SIGNING_SECRET_HINT),
});

/** Checks an API channel's settings. */
export function validateApiChannelSettings(input: { config: unknown; secrets: unknown }): { config: ApiChannelConfig; secrets: ApiChannelSecrets } {
  return validateSettings({ config: configSchema, secrets: secretsSchema }, input);
}

/** The fields an API channel's form asks for. */
export const apiChannelFields = {
  config: [{ name: 'callbackUrl', label: 'Callback URL', required: true, type: 'url', help: 'Replies are posted here, signed the Standard Webhooks way.' }],
  secrets: [
    {
      name: 'signingSecret',
      label: 'Signing secret',
      required: true,
      help: 'whsec_ followed by base64 of 24–64 random bytes; put a new one before the old, separated by a space, to rotate.',
    },
  ],
} as const satisfies { config: readonly ChannelField[]; secrets: readonly ChannelField[] };
