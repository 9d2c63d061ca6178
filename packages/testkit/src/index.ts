// Contract suites: run them from each adapter's own tests
export { runStoreContract } from './store-contract.ts';
export type { StoreContractArea, StoreContractOptions } from './store-contract.ts';
export { runSearchContract } from './search-contract.ts';
export type { StoreAndSearch } from './search-contract.ts';
export { runEngineContract, createManualClock, seedEngineWorkspace } from './engine-contract.ts';

// One scenario for every implementation of the API (the server, the mocks)
export { runApiScenario, normalizeScenario, seedScenarioWorkspace, SCENARIO_WORKSPACE, SCENARIO_PASSWORD, SCENARIO_WEBCHAT_SECRET } from './api-scenario.ts';
export type { ScenarioStep, ScenarioFetch } from './api-scenario.ts';

// Entity fixtures
export {
  FIXTURE_WORKSPACE,
  FIXTURE_TIME,
  fixtureId,
  fixtureTime,
  makeWorkspace,
  makeChannel,
  makeAgent,
  makeCustomer,
  makeCase,
  makeConversation,
  makeMessage,
  makeMessageEvent,
  makePresenceEvent,
  makeOutboxItem,
} from './fixtures.ts';

// Services started by tests
export { startRedis, RedisStartError } from './redis-server.ts';
export type { RunningRedis } from './redis-server.ts';
