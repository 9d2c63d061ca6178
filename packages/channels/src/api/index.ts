// The adapter
export { apiChannelAdapter, generateSigningSecret } from './api-adapter.ts';

// Its settings
export type { ApiChannelConfig, ApiChannelSecrets } from './settings.ts';
