// Type tests: checked by `pnpm typecheck`; a wrong inference fails the build. Nothing here runs.
import type {
  AgentListResponse,
  Agent,
  Attachment,
  BillingAccount,
  Bot,
  BotCreateResponse,
  BotListResponse,
  BotTokenResponse,
  Case,
  CaseDetail,
  CaseEvent,
  CaseStatus,
  ChannelDetails,
  ChannelKindInfo,
  ChannelCheckCode,
  Customer,
  ErrorCode,
  HandoffResponse,
  LoginResponse,
  Message,
  Page,
  SyncLogEntry,
  SyncRun,
  SyncStatus,
  VisitorSessionResponse,
  VisitorStatusResponse,
} from '@casekit/protocol';
import type {
  AgentClient,
  CasekitApiError,
  ConnectionState,
  PendingMessage,
  RequestInput,
  RouteQuery,
  RouteResponse,
  VisitorClient,
} from './index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Resolved<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

export type Tests = [
  // Convenience wrappers resolve to the protocol's types.
  Expect<Equal<Resolved<AgentClient['listCases']>['items'], Page<Case>['items']>>,
  Expect<Equal<Resolved<AgentClient['listCases']>['readAt'], Record<string, string>>>,
  Expect<Equal<Resolved<AgentClient['listCases']>['customers'], Record<string, Customer>>>,
  Expect<Equal<Resolved<AgentClient['changePassword']>, LoginResponse>>,
  Expect<Equal<Resolved<AgentClient['resetAgentPassword']>, { agent: Agent; password: string }>>,
  Expect<Equal<Resolved<AgentClient['deactivateAgent']>, Agent>>,
  Expect<Equal<Resolved<AgentClient['signOut']>, void>>,
  Expect<Equal<Parameters<AgentClient['updateAgent']>[1]['role'], 'agent' | 'supervisor' | 'admin' | undefined>>,
  Expect<Equal<Resolved<AgentClient['getCase']>, CaseDetail>>,
  Expect<Equal<Resolved<AgentClient['getCustomerBilling']>, BillingAccount | null>>,
  Expect<Equal<Resolved<AgentClient['getSplynxStatus']>, SyncStatus>>,
  Expect<Equal<Resolved<AgentClient['listSplynxLog']>['items'], SyncLogEntry[]>>,
  Expect<Equal<Resolved<AgentClient['startSplynxSync']>, SyncRun>>,
  Expect<Equal<Parameters<AgentClient['startSplynxSync']>[0], { full?: boolean } | undefined>>,
  Expect<Equal<Resolved<AgentClient['markCaseRead']>, { caseId: string; readAt: string }>>,
  Expect<Equal<Resolved<AgentClient['reply']>, Message>>,
  Expect<Equal<Resolved<AgentClient['me']>, Agent>>,
  Expect<Equal<Resolved<AgentClient['login']>, LoginResponse>>,
  Expect<Equal<Resolved<AgentClient['timeline']>, Page<CaseEvent>>>,
  Expect<Equal<Resolved<AgentClient['listAgents']>, AgentListResponse>>,
  Expect<Equal<Resolved<AgentClient['listAgents']>['items'], Agent[]>>,
  Expect<Equal<Resolved<AgentClient['getChannel']>, ChannelDetails>>,
  // Bots: the credentials shown once are in the create / update / new-token answers only.
  Expect<Equal<Resolved<AgentClient['listBots']>, BotListResponse>>,
  Expect<Equal<Resolved<AgentClient['createBot']>, BotCreateResponse>>,
  Expect<Equal<Resolved<AgentClient['createBot']>['token'], string | null>>,
  Expect<Equal<Resolved<AgentClient['updateBot']>, BotCreateResponse>>,
  Expect<Equal<Resolved<AgentClient['newBotToken']>, BotTokenResponse>>,
  Expect<Equal<Resolved<AgentClient['revokeBotToken']>, Bot>>,
  Expect<Equal<Resolved<AgentClient['handoff']>, HandoffResponse>>,
  Expect<Equal<Parameters<AgentClient['handoff']>[1]['reason'], 'requested' | 'bot' | undefined>>,
  Expect<Equal<Parameters<AgentClient['createBot']>[0]['name'], string>>,
  Expect<Equal<Resolved<AgentClient['updateChannel']>, ChannelDetails>>,
  Expect<Equal<Resolved<AgentClient['listChannelKinds']>['items'], ChannelKindInfo[]>>,
  Expect<Equal<Resolved<AgentClient['testChannel']>, { ok: boolean; detail?: string | undefined; error?: { code: ChannelCheckCode; message: string; field?: string | undefined; retryable: boolean } | undefined }>>,
  Expect<Equal<Resolved<VisitorClient['start']>, VisitorSessionResponse>>,
  Expect<Equal<Resolved<VisitorClient['send']>, Message | PendingMessage>>,
  Expect<Equal<Resolved<VisitorClient['history']>, Page<Message>>>,
  // Uploads answer the attachment to put on a message, on both clients.
  Expect<Equal<Resolved<AgentClient['uploadAttachment']>, Attachment>>,
  Expect<Equal<Resolved<VisitorClient['uploadAttachment']>, Attachment>>,
  Expect<Equal<Resolved<VisitorClient['status']>, VisitorStatusResponse>>,
  // request() is typed from ROUTES by name.
  Expect<Equal<RouteResponse<'getCustomer'>, Customer>>,
  Expect<Equal<RouteResponse<'listEvents'>['lastSeq'], number>>,
  // Query lists are arrays of the enum; every field is optional.
  Expect<Equal<RouteQuery<'listCases'>['status'], CaseStatus[] | undefined>>,
  Expect<Equal<RouteQuery<'listCases'>['limit'], number | undefined>>,
  // Routes with path params require them; routes without take none.
  Expect<Equal<RequestInput<'getCase'>['params'], { caseId: string }>>,
  Expect<Equal<RequestInput<'listAgents'>['params'], undefined>>,
  Expect<Equal<RequestInput<'listAgents'>['body'], undefined>>,
  Expect<Equal<CasekitApiError['code'], ErrorCode>>,
  Expect<Equal<AgentClient['connection'], ConnectionState>>,
];

// Call sites: listeners are typed per event, inputs are checked.
declare const agent: AgentClient;
declare const visitor: VisitorClient;

agent.on('message', (message, kase) => {
  const text: string = message.text;
  const status: CaseStatus | undefined = kase?.status;
  void text;
  void status;
});
agent.on('connection', (state) => {
  const s: ConnectionState = state;
  void s;
});
visitor.on('status', ({ messageId, status }) => void [messageId, status]);
void agent.request('updateCase', { params: { caseId: 'c_1' }, body: { version: 3, status: 'solved' } });
void agent.listCases({ status: ['open', 'pending'], assignee: 'me' });

// @ts-expect-error 'archived' is not a case status
void agent.listCases({ status: ['archived'] });
// @ts-expect-error getCase needs its caseId param
void agent.request('getCase', {});
// @ts-expect-error a secret is a string, or null to remove it
void agent.updateChannel('ch_1', { secrets: { authToken: 42 } });
// @ts-expect-error testChannel takes the channel's id
void agent.testChannel();
// @ts-expect-error the check's code is one of CHANNEL_CHECK_CODES
void agent.testChannel('ch_1').then((result) => result.error?.code === 'timeout');
// @ts-expect-error updateCase needs the version
void agent.updateCase('c_1', { status: 'open' });
// @ts-expect-error the 'message' listener receives a Message, not a number
agent.on('message', (message: number) => void message);
// @ts-expect-error no such event
agent.on('messages', () => undefined);
