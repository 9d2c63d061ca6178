// Elements
export { CasekitChat, quickRepliesOf, QUICK_REPLY_CONTENT_TYPE } from './chat/chat.ts';
export type { ChatIdentity, ChatAttributes, QuickReply } from './chat/chat.ts';
export { CasekitInbox, matchesFilter } from './inbox/inbox.ts';
export type { InboxFilter } from './inbox/inbox.ts';
export { CasekitTimeline } from './timeline/timeline.ts';
export { CasekitComposer } from './composer/composer.ts';
export type { CannedResponse } from './composer/composer.ts';
export { CasekitCase } from './case/case.ts';
export { CasekitChannelSettings } from './channel-settings/channel-settings.ts';
export { CasekitAgents, AgentSavedEvent } from './agents/agents.ts';
export { CasekitBots, BotSavedEvent } from './bots/bots.ts';
export { CasekitQueue } from './queue/queue.ts';
export { CasekitRoutingSettings, RoutingSavedEvent } from './routing-settings/routing-settings.ts';
export { CasekitWorkbench, SignedInEvent, SignedOutEvent } from './workbench/workbench.ts';
export { CasekitSlaClock } from './sla/sla-clock.ts';
export type { SlaMetric } from './sla/sla-clock.ts';
export { CasekitSlaSettings, SlaSettingsSavedEvent } from './sla-settings/sla-settings.ts';
export { CasekitBillingPanel } from './billing/billing-panel.ts';
export { CasekitSplynxSync } from './splynx-sync/splynx-sync.ts';

// Events
export {
  ChatOpenedEvent,
  ChatClosedEvent,
  MessageReceivedEvent,
  MessageSentEvent,
  MessageSendRequestEvent,
  CaseSelectEvent,
  CaseChangeRequestEvent,
  CaseChangedEvent,
  ChannelSavedEvent,
} from './events.ts';
export type { CasekitEventMap } from './events.ts';

// Context and the SDK controller
export { agentClientContext, visitorClientContext } from './context.ts';
export { ClientController } from './client-controller.ts';
export type { Emitter } from './client-controller.ts';

// Localization
export { registerMessages, translate } from './i18n.ts';
export type { Catalog, MessageKey } from './i18n.ts';
