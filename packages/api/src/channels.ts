import { ChannelConfigError, publicChannel, type ChannelAdapter, type ChannelRecord } from '@casekit/core';
import { CasekitError, CHANNEL_CAPABILITIES, type ChannelCapabilities, type ChannelDetails, type ChannelKindInfo, type ChannelTestResult } from '@casekit/protocol';

/**
 * What the API needs of a kind of channel to configure it: its medium, fields, capabilities and
 * a check of its settings. Every `ChannelAdapter` is one; web chat is built in.
 */
export type ChannelKindSpec = Pick<ChannelAdapter, 'kind' | 'medium' | 'capabilities' | 'fields' | 'validate'> &
  Partial<Pick<ChannelAdapter, 'verify' | 'parse' | 'send' | 'handshake' | 'fetchAttachment' | 'check'>>;

/** Web chat: the realtime connection delivers it; its one secret signs verified visitors' ids. */
export const WEBCHAT_KIND: ChannelKindSpec = {
  kind: 'webchat',
  medium: 'webchat',
  capabilities: CHANNEL_CAPABILITIES.webchat,
  fields: {
    config: [],
    secrets: [
      {
        name: 'identitySecret',
        label: 'Identity secret',
        required: false,
        help: 'Your site signs its signed-in users\' ids with it (hex HMAC-SHA256), so their chats follow them across devices. At least 16 characters.',
      },
    ],
  },
  validate({ config, secrets }) {
    if (config !== undefined && (typeof config !== 'object' || config === null || Object.keys(config).length > 0)) {
      throw new ChannelConfigError('config', 'config: web chat takes no settings.');
    }
    const given = (secrets ?? {}) as Record<string, unknown>;
    for (const name of Object.keys(given)) if (name !== 'identitySecret') throw new ChannelConfigError(`secrets.${name}`, `secrets.${name}: web chat has no such secret.`);
    const secret = given.identitySecret;
    if (secret === undefined) return { config: {}, secrets: {} as Record<string, string> };
    if (typeof secret !== 'string' || secret.length < 16 || secret.length > 500) {
      throw new ChannelConfigError('secrets.identitySecret', 'secrets.identitySecret: must be 16 to 500 characters.');
    }
    return { config: {}, secrets: { identitySecret: secret } };
  },
};

/** Capabilities of a stored channel whose kind this server does not run: the shipped kind's, else the least. */
function capabilitiesWithout(kind: string): ChannelCapabilities {
  return (CHANNEL_CAPABILITIES as Record<string, ChannelCapabilities>)[kind] ?? CHANNEL_CAPABILITIES.bot;
}

/** The kinds a server runs, by name, and how their channels look on the wire. */
export interface ChannelKinds {
  get(kind: string): ChannelKindSpec | undefined;
  /** What channels of a kind carry: its adapter's word, else the shipped kind's table. */
  capabilities(kind: string): ChannelCapabilities;
  list(): ChannelKindInfo[];
  /** A channel as the API shows it: no secrets, with its webhook URL and capabilities. */
  details(record: ChannelRecord): ChannelDetails;
  /** Checks a channel's settings with its kind; a bad field answers 400 naming `body.config.…`. */
  validate(kind: string, input: { config: unknown; secrets: unknown }): { spec: ChannelKindSpec; config: Record<string, unknown>; secrets: Record<string, string> };
}

/**
 * The registry of channel kinds: web chat plus the adapters given. `webhookBaseUrl` is the
 * server's public URL (`CASEKIT_PUBLIC_URL`); webhook URLs are made from it alone.
 */
export function createChannelKinds(adapters: readonly ChannelKindSpec[], webhookBaseUrl: string | (() => string) | undefined): ChannelKinds {
  const byKind = new Map<string, ChannelKindSpec>([[WEBCHAT_KIND.kind, WEBCHAT_KIND]]);
  for (const adapter of adapters) {
    if (byKind.has(adapter.kind) && adapter !== byKind.get(adapter.kind)) throw new Error(`Two channel adapters for the kind "${adapter.kind}".`);
    byKind.set(adapter.kind, adapter);
  }
  const base = () => (typeof webhookBaseUrl === 'function' ? webhookBaseUrl() : webhookBaseUrl)?.replace(/\/+$/, '');
  const takesWebhooks = (spec: ChannelKindSpec | undefined) => Boolean(spec?.verify && spec.parse);
  return {
    get: (kind) => byKind.get(kind),
    capabilities: (kind) => byKind.get(kind)?.capabilities ?? capabilitiesWithout(kind),
    list: () =>
      [...byKind.values()].map((spec) => ({
        kind: spec.kind,
        medium: spec.medium,
        capabilities: spec.capabilities,
        fields: { config: [...spec.fields.config], secrets: [...spec.fields.secrets] },
        webhooks: takesWebhooks(spec),
      })),
    details(record) {
      const spec = byKind.get(record.kind);
      const url = base();
      return {
        ...publicChannel(record),
        webhookUrl: takesWebhooks(spec) && url ? `${url}/webhooks/${record.id}` : null,
        capabilities: spec?.capabilities ?? capabilitiesWithout(record.kind),
      };
    },
    validate(kind, input) {
      const spec = byKind.get(kind);
      if (!spec) {
        throw new CasekitError('validation_failed', `This server runs no channels of kind "${kind}"; it runs ${[...byKind.keys()].join(', ')}.`, {
          details: { issues: [{ path: 'body.kind', message: `unknown channel kind "${kind}"` }] },
        });
      }
      try {
        const { config, secrets } = spec.validate(input) as { config: Record<string, unknown>; secrets: Record<string, string> };
        return { spec, config, secrets };
      } catch (error) {
        if (!(error instanceof ChannelConfigError)) throw error;
        throw new CasekitError('validation_failed', error.message, { details: { issues: [{ path: `body.${error.field}`, message: error.message }] }, cause: error });
      }
    },
  };
}

/**
 * A check's result as the API answers it: any secret of the channel that a provider's words (or
 * an adapter's slip) put in a message is blanked out, whatever the adapter promised.
 */
export function withoutSecrets(result: ChannelTestResult, secrets: Record<string, string>): ChannelTestResult {
  const blank = (text: string) => blankSecrets(text, secrets);
  return {
    ok: result.ok,
    ...(result.detail !== undefined && { detail: blank(result.detail) }),
    ...(result.error && { error: { ...result.error, message: blank(result.error.message) } }),
  };
}

/** `text` with every secret of a channel (of 6 characters or more) blanked out: for answers and logs alike. */
export function blankSecrets(text: string, secrets: Record<string, string>): string {
  return Object.values(secrets)
    .filter((value) => value.length >= 6)
    .reduce((out, value) => out.split(value).join('••••'), text);
}
