import type { ChannelField } from '@casekit/core';
import { z } from 'zod';
import { baseUrl, validateSettings } from '../internal/settings.ts';

// Types rather than interfaces, so the adapter also fits the plain `ChannelAdapter` (whose
// settings are `Record<…>`) that the server keeps its adapters as.

/** The X account that answers (its numeric user id) and where the X API is reached. */
export type XConfig = {
  userId: string;
  apiBaseUrl: string;
};

/** The app's consumer keys and the account's access token, for OAuth 1.0a user context. */
export type XSecrets = {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
};

const configSchema = z.object({
  userId: z.string().regex(/^\d{1,20}$/, "must be the account's numeric user id"),
  apiBaseUrl: baseUrl.default('https://api.x.com'),
});

const key = z.string().trim().min(1, 'is required');
const secretsSchema = z.object({ consumerKey: key, consumerSecret: key, accessToken: key, accessTokenSecret: key });

/** Checks an X channel's settings; the API base defaults to X's own. */
export function validateXSettings(input: { config: unknown; secrets: unknown }): { config: XConfig; secrets: XSecrets } {
  return validateSettings({ config: configSchema, secrets: secretsSchema }, input);
}

/** The fields an X channel's form asks for. */
export const xFields = {
  config: [
    { name: 'userId', label: 'Account user id', required: true, help: 'The numeric id of the X account customers write to.' },
    { name: 'apiBaseUrl', label: 'API base URL', required: false, type: 'url', help: 'Default https://api.x.com.' },
  ],
  secrets: [
    { name: 'consumerKey', label: 'API key (consumer key)', required: true },
    { name: 'consumerSecret', label: 'API key secret (consumer secret)', required: true, help: 'Also signs the webhooks and answers the CRC.' },
    { name: 'accessToken', label: 'Access token', required: true, help: "The account's token, with Direct Message read and write." },
    { name: 'accessTokenSecret', label: 'Access token secret', required: true },
  ],
} as const satisfies { config: readonly ChannelField[]; secrets: readonly ChannelField[] };
