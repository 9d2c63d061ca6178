import { DEFAULT_SETTINGS } from './defaults.ts';
import type { Clock, Publisher, Store } from './ports.ts';
import type { CaseEngine } from './types.ts';
import type { ChannelCapabilities } from '@casekit/protocol';
import { createContext, type EngineContext } from './internal/context.ts';
import { mergeCases, updateCase } from './internal/cases.ts';
import { createCustomer, identifyVisitor, linkIdentity, mergeCustomers, updateCustomer } from './internal/customers.ts';
import { ingest } from './internal/ingest.ts';
import { createRoutingMemory, placeInQueue, queueView, routeWaitingCases } from './internal/assignment.ts';
import { agentMessage, applyReceipt, listReplyChannels, markCaseRead, retryDelivery, updateDeliveryStatus } from './internal/messages.ts';
import { deactivateAgent, reactivateAgent, revokeToken, setAgentPassword, updateAgent } from './internal/agents.ts';
import { checkSla } from './internal/sla.ts';
import { createAgent, createChannel, ensureWorkspace, setPresence, updateChannel, updateSettings } from './internal/workspace.ts';
import { handoff } from './internal/handoff.ts';
import { awaitBotAnswer, createBot, setBotToken, updateBot } from './internal/bots.ts';
import { applyBilling } from './internal/billing.ts';
import { addSystemNote } from './internal/system-notes.ts';

export interface CaseEngineOptions {
  store: Store;
  /** Receives each transaction's events after it commits. */
  publisher?: Publisher;
  /** The one clock of every change (default: the system time). */
  clock?: Clock;
  /** Reopen window used when a workspace has no settings (hours). Default: `DEFAULT_SETTINGS`'. */
  defaultReopenWindowHours?: number;
  /** Hears a publisher's failure; the change it was about stays committed. Default: `console.error`. */
  onPublishError?: (error: unknown) => void;
  /**
   * What each kind of channel can carry (its adapter's `capabilities`): replies are checked
   * against it (length, files, the reply window). A kind it does not know is not checked.
   */
  channelCapabilities?: (kind: string) => ChannelCapabilities | undefined;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Creates the case engine, the only writer of casekit's state: every method is one store
 * transaction at one time of the engine's clock, and its events are published after the commit.
 * @example const engine = createCaseEngine({ store: await createSqliteStore({ filename }) })
 */
export function createCaseEngine(options: CaseEngineOptions): CaseEngine {
  const base = createContext(
    options.store,
    options.clock ?? systemClock,
    options.publisher,
    options.defaultReopenWindowHours ?? DEFAULT_SETTINGS.reopenWindowHours,
    options.onPublishError ?? ((error) => console.error('publishing committed events failed', error)),
  );
  const ctx: EngineContext = { ...base, capabilitiesOf: options.channelCapabilities ?? (() => undefined) };
  const routing = createRoutingMemory();
  return {
    ingest: (input) => ingest(ctx, input),
    reply: (actor, input, opts) => agentMessage(ctx, actor, input, false, opts),
    addNote: (actor, input, opts) => agentMessage(ctx, actor, input, true, opts),
    replyChannels: (actor, caseId) => listReplyChannels(ctx, actor, caseId),
    markCaseRead: (actor, caseId) => markCaseRead(ctx, actor, caseId),
    updateDeliveryStatus: (actor, messageId, status, details) => updateDeliveryStatus(ctx, actor, messageId, status, details),
    applyReceipt: (actor, receipt) => applyReceipt(ctx, actor, receipt),
    retryDelivery: (actor, caseId, messageId) => retryDelivery(ctx, actor, caseId, messageId),
    updateCase: (actor, caseId, update) => updateCase(ctx, actor, caseId, update),
    mergeCases: (actor, sourceCaseId, targetCaseId, opts) => mergeCases(ctx, actor, sourceCaseId, targetCaseId, opts),
    mergeCustomers: (actor, targetId, sourceId) => mergeCustomers(ctx, actor, targetId, sourceId),
    createCustomer: (actor, input) => createCustomer(ctx, actor, input),
    updateCustomer: (actor, customerId, patch) => updateCustomer(ctx, actor, customerId, patch),
    linkIdentity: (actor, customerId, identity) => linkIdentity(ctx, actor, customerId, identity),
    identifyVisitor: (actor, input) => identifyVisitor(ctx, actor, input),
    setPresence: (actor, agentId, presence) => setPresence(ctx, actor, agentId, presence),
    ensureWorkspace: (input) => ensureWorkspace(ctx, input),
    updateSettings: (actor, patch) => updateSettings(ctx, actor, patch),
    createAgent: (actor, input, opts) => createAgent(ctx, actor, input, opts),
    updateAgent: (actor, agentId, patch) => updateAgent(ctx, actor, agentId, patch),
    deactivateAgent: (actor, agentId) => deactivateAgent(ctx, actor, agentId),
    reactivateAgent: (actor, agentId) => reactivateAgent(ctx, actor, agentId),
    setAgentPassword: (actor, agentId, passwordHash) => setAgentPassword(ctx, actor, agentId, passwordHash),
    revokeToken: (actor, agentId, token) => revokeToken(ctx, actor, agentId, token),
    createChannel: (actor, input, opts) => createChannel(ctx, actor, input, opts),
    updateChannel: (actor, channelId, patch) => updateChannel(ctx, actor, channelId, patch),
    routeWaitingCases: (actor) => routeWaitingCases(ctx, routing, actor),
    placeInQueue: (workspaceId, caseId) => placeInQueue(ctx, routing, workspaceId, caseId),
    queue: (actor) => queueView(ctx, routing, actor),
    handoff: (actor, caseId, input) => handoff(ctx, actor, caseId, input),
    awaitBotAnswer: (actor, caseId, input) => awaitBotAnswer(ctx, actor, caseId, input),
    createBot: (actor, input, opts) => createBot(ctx, actor, input, opts),
    updateBot: (actor, agentId, patch) => updateBot(ctx, actor, agentId, patch),
    setBotToken: (actor, agentId, tokenHash) => setBotToken(ctx, actor, agentId, tokenHash),
    checkSla: (actor, caseId) => checkSla(ctx, actor, caseId),
    applyBilling: (actor, batch) => applyBilling(ctx, actor, batch),
    addSystemNote: (actor, caseId, input) => addSystemNote(ctx, actor, caseId, input),
  };
}
