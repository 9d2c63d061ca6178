// The adapter
export { apiChannelAdapter, generateSigningSecret } from './api-adapter.ts';

// Standard Webhooks signing, for other signed posts (bots)
export { standardWebhookHeaders } from './internal/standard-webhooks.ts';

// Its settings
export type { ApiChannelConfig, ApiChannelSecrets } from './settings.ts';
