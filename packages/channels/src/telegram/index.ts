// The adapter
export { telegramAdapter } from './telegram-adapter.ts';

// Its settings
export type { TelegramConfig, TelegramSecrets } from './settings.ts';
