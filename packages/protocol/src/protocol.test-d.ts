// Type tests: checked by `pnpm typecheck`; a wrong inference fails the build.
import type { z } from 'zod';
import type {
  Attachment,
  Case,
  CaseEvent,
  CaseListFilter,
  CaseListQuery,
  CaseStatus,
  ErrorCode,
  Message,
  NewCaseEvent,
  Page,
  ReplyChannel,
  SlaClock,
  WorkspaceSettings,
} from './index.ts';
import type { ROUTES } from './schemas.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Tests = [
  Expect<Equal<CaseStatus, 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed'>>,
  Expect<Equal<Case['assigneeId'], string | null>>,
  Expect<Equal<Message['direction'], 'inbound' | 'outbound'>>,
  // Events narrow on `type`.
  Expect<Equal<Extract<CaseEvent, { type: 'message.created' }>['data']['message'], Message>>,
  Expect<Equal<Extract<CaseEvent, { type: 'case.updated' }>['data']['case'], Case>>,
  // SLA: clocks on the case (absent on old rows), announcements as events, settings in the workspace.
  Expect<Equal<Extract<CaseEvent, { type: 'case.sla' }>['data']['kind'], 'warning' | 'breach'>>,
  Expect<Equal<NonNullable<Case['sla']>['firstResponse'], SlaClock>>,
  Expect<Equal<undefined extends Case['sla'] ? true : false, true>>,
  Expect<Equal<SlaClock['dueAt'], string | null>>,
  Expect<Equal<NonNullable<WorkspaceSettings['sla']>['calendars'][number]['holidays'], string[]>>,
  // A new event has everything but its seq.
  Expect<Equal<'seq' extends keyof NewCaseEvent ? true : false, false>>,
  // Query input accepts strings for numbers; the parsed filter has defaults filled in.
  Expect<Equal<CaseListFilter['limit'], number>>,
  Expect<Equal<undefined extends CaseListQuery['limit'] ? true : false, true>>,
  // Route responses infer their entity types.
  Expect<Equal<z.output<(typeof ROUTES)['listCases']['response']>['items'], Page<Case>['items']>>,
  Expect<Equal<z.output<(typeof ROUTES)['listCases']['response']>['readAt'], Record<string, string>>>,
  Expect<Equal<z.output<(typeof ROUTES)['markCaseRead']['response']>, { caseId: string; readAt: string }>>,
  Expect<Equal<z.output<(typeof ROUTES)['reply']['response']>, Message>>,
  // A reply is free text or a template, on a conversation or a channel; the case lists where it can go.
  Expect<Equal<z.input<(typeof ROUTES)['reply']['body']>['template'], { name: string; variables?: string[] | undefined } | undefined>>,
  Expect<Equal<z.input<(typeof ROUTES)['reply']['body']>['text'], string | undefined>>,
  Expect<Equal<z.input<(typeof ROUTES)['reply']['body']>['channelId'], string | undefined>>,
  Expect<Equal<z.output<(typeof ROUTES)['getCase']['response']>['replyChannels'], ReplyChannel[]>>,
  Expect<Equal<ReplyChannel['templates'][number], { name: string; language: string; body: string }>>,
  Expect<Equal<Message['template'], { name: string; language: string; variables: string[] } | undefined>>,
  Expect<Equal<'reply_window_closed' | 'unreachable_customer' extends ErrorCode ? true : false, true>>,
  Expect<Equal<'version_conflict' extends ErrorCode ? true : false, true>>,
  // Uploads answer with the attachment to put on a message; the status is counts and booleans only.
  Expect<Equal<z.output<(typeof ROUTES)['upload']['response']>, Attachment>>,
  Expect<Equal<z.output<(typeof ROUTES)['visitorStatus']['response']>, { agentsAvailable: boolean; queuePosition: number | null; estimatedWaitSeconds: number | null; botAnswers?: boolean | undefined }>>,
];

// The zod-free error body matches its schema.
import type { ErrorBody, ErrorBodyShape } from './index.ts';
export type ErrorTests = [Expect<Equal<ErrorBody extends ErrorBodyShape ? true : false, true>>];
