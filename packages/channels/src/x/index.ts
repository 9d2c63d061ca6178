// The adapter
export { xAdapter } from './x-adapter.ts';

// Its settings
export type { XConfig, XSecrets } from './settings.ts';
