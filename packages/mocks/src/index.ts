// The mock backend
export { createMockApi } from './mock-api.ts';
export type { MockApi, MockApiOptions, MockClock } from './mock-api.ts';

// Channel kinds for the `channelKinds` option, from the copies the mocks run on
export { ChannelConfigError } from '@casekit/core';
export type { ChannelKindSpec } from '@casekit/api';

// Seeds
export { seedDemo, seedEmpty, DEMO_PASSWORD, DEMO_WEBCHAT_SECRET } from './demo.ts';

// Passwords in the browser
export { webCryptoPasswords } from './passwords.ts';

// msw's own helpers, from the copy the mocks run on: override a route in a test with them
export { http, HttpResponse, delay } from 'msw';
