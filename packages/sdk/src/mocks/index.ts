// msw handlers
export { createMockHandlers } from './handlers.ts';
export type { MockHandlersOptions, MockApi } from './handlers.ts';

// In-memory database
export { MockDb } from './db.ts';
export type { MockPrincipal, MockInbound } from './db.ts';

// Seed data
export { seedDemo, DEMO_PASSWORD } from './seed.ts';
