import type { ChannelField } from '@casekit/core';
import { z } from 'zod';
import { baseUrl } from '../../internal/settings.ts';

/** Meta's Graph API, where every send goes unless a channel points elsewhere (a test fake). */
const GRAPH_API_BASE = 'https://graph.facebook.com';
/** The Graph API version sends are made with, unless a channel pins its own. */
const GRAPH_API_VERSION = 'v23.0';

/** `apiBaseUrl` and `apiVersion`, with Meta's defaults. */
export const graphConfigFields = {
  apiBaseUrl: baseUrl.default(GRAPH_API_BASE),
  apiVersion: z
    .string()
    .trim()
    .regex(/^v\d+\.\d+$/, 'must be a Graph API version such as v23.0')
    .default(GRAPH_API_VERSION),
};

/** A secret as pasted: surrounding spaces dropped, never empty. */
export const secretField = z.string().trim().min(1, 'is required');

/** A numeric Meta object id (Phone number ID, Page ID). */
export const graphId = (what: string) => z.string().trim().regex(/^\d+$/, `must be the numeric ${what}`);

/** Form descriptions of the Graph settings every Meta channel has. */
export const GRAPH_CONFIG_FIELDS: readonly ChannelField[] = [
  { name: 'apiBaseUrl', label: 'Graph API base URL', required: false, type: 'url', help: `Defaults to ${GRAPH_API_BASE}.` },
  { name: 'apiVersion', label: 'Graph API version', required: false, help: `Defaults to ${GRAPH_API_VERSION}.` },
];

/** The Meta app's secrets that sign and subscribe webhooks. */
export const APP_SECRET_FIELDS: readonly ChannelField[] = [
  { name: 'appSecret', label: 'App Secret', required: true, help: "App settings › Basic in the Meta app dashboard; it signs every webhook (X-Hub-Signature-256)." },
  {
    name: 'verifyToken',
    label: 'Verify Token',
    required: true,
    help: "Any string you choose; enter the same one with this channel's webhook URL in the Meta app's Webhooks settings.",
  },
];

/** The URL of a Graph object under a channel's base and version. */
export function graphUrl(config: { apiBaseUrl?: string | undefined; apiVersion?: string | undefined }, objectId: string): string {
  const base = (config.apiBaseUrl ?? GRAPH_API_BASE).replace(/\/+$/, '');
  return `${base}/${config.apiVersion ?? GRAPH_API_VERSION}/${encodeURIComponent(objectId)}`;
}

/** The origin of a channel's Graph API: in tests, the fake's, where plain http is allowed too. */
export function graphOrigin(config: { apiBaseUrl?: string | undefined }): string {
  return new URL(config.apiBaseUrl ?? GRAPH_API_BASE).origin;
}
