import { z } from 'zod';
import { CaseStatus, ChannelKind, Presence, Priority, Role } from './enums.ts';
import { CHANNEL_CHECK_CODES, UPLOAD_ID_PATTERN } from './values.ts';
import {
  Agent,
  Attachment,
  Attributes,
  Case,
  CaseEvent,
  Channel,
  Conversation,
  Customer,
  E164,
  Timestamp,
  Email,
  Id,
  Message,
  MessageTemplate,
  Skill,
  WorkspaceSettings,
  Bot,
  BotSettingsFields,
  CollectedFields,
} from './entities.ts';

/** A page of results; pass `nextCursor` back as `cursor` for the next page (null: no more). */
/**
 * Facts a visitor's page gives about them (plan, page, cart…). Unverified: the server keeps
 * them as `visitor.<key>` in the customer's attributes, apart from what agents and integrations set.
 */
export const VisitorAttributes = z
  .record(z.string().min(1).max(90), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 50, { message: 'at most 50 attributes' });

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export type Page<T> = { items: T[]; nextCursor: string | null };

const Limit = z.coerce.number().int().min(1).max(200).default(50);
const Cursor = z.string().min(1).max(512).optional();
/** Query values arrive as strings; accept one value or a comma-separated list. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
    z.array(item).min(1).max(20),
  );
}

// ---- auth ----
export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(200) });
export interface LoginRequest extends z.infer<typeof LoginRequest> {}
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), agent: Agent });
export interface LoginResponse extends z.infer<typeof LoginResponse> {}

const NewPassword = z.string().min(10, 'must be at least 10 characters').max(200);

/**
 * An agent changing their own password. Every token they hold stops working, the one sending
 * this included: the answer carries a new token for this session.
 */
export const PasswordChangeRequest = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: NewPassword })
  .strict()
  .refine((v) => v.currentPassword !== v.newPassword, { message: 'must differ from the current password', path: ['newPassword'] });
export interface PasswordChangeRequest extends z.infer<typeof PasswordChangeRequest> {}
/** The answer to a password change: a new token for this session, like a sign-in's. */
export const PasswordChangeResponse = LoginResponse.extend({});
export interface PasswordChangeResponse extends z.infer<typeof PasswordChangeResponse> {}

/** Signing out: the token sent is refused from then on, on every server. */
export const SignOutResponse = z.object({ signedOut: z.literal(true) });
export interface SignOutResponse extends z.infer<typeof SignOutResponse> {}

// ---- cases ----
export const CaseListQuery = z.object({
  status: listOf(CaseStatus).optional(),
  /** An agent id, `me`, or `unassigned`. */
  assignee: z.union([z.literal('me'), z.literal('unassigned'), Id]).optional(),
  team: z.string().min(1).max(60).optional(),
  channel: listOf(ChannelKind).optional(),
  priority: listOf(Priority).optional(),
  tag: z.string().min(1).max(60).optional(),
  customerId: Id.optional(),
  /**
   * Free text: words of the subject or preview, the case number, or any part (three characters
   * or more) of the customer's name, email or phone.
   */
  q: z.string().min(1).max(200).optional(),
  limit: Limit,
  cursor: Cursor,
});
export type CaseListQuery = z.input<typeof CaseListQuery>;
export type CaseListFilter = z.output<typeof CaseListQuery>;
export const CaseListResponse = page(Case).extend({
  /** When the signed-in agent last read each listed case; a case missing here was never read. */
  readAt: z.record(z.string(), Timestamp),
  /** The customer of each listed case, by customer id (show them with `customerDisplayName`). */
  customers: z.record(z.string(), Customer),
});
export interface CaseListResponse extends z.infer<typeof CaseListResponse> {}

export const CaseReadResponse = z.object({ caseId: Id, readAt: Timestamp });
export interface CaseReadResponse extends z.infer<typeof CaseReadResponse> {}

/** What a channel can carry; the composer shows it and replies are checked against it. */
export const ChannelCapabilities = z.object({
  /** Longest text one message may carry, in characters. */
  maxTextLength: z.number().int().positive(),
  /** Files per message and their total size; null when the channel takes none. */
  attachments: z.object({ maxCount: z.number().int().min(0), maxTotalBytes: z.number().int().min(0) }).nullable(),
  /** Hours after the customer's last message in which a free-form reply is allowed; null: no window. */
  replyWindowHours: z.number().positive().nullable(),
  /** Receipts the provider reports. */
  receipts: z.object({ delivered: z.boolean(), read: z.boolean() }),
  /** Whether we may write first to someone who has not written to us. */
  canInitiate: z.boolean(),
  /** Whether messages carry a subject and HTML (email). */
  rich: z.boolean(),
  /** SMS: text is billed and split in segments (160 GSM-7 or 70 UCS-2 characters). */
  segmented: z.boolean().optional(),
  /** Whether it sends the approved templates its config lists (WhatsApp); absent: no. */
  templates: z.boolean().optional(),
});
export interface ChannelCapabilities extends z.infer<typeof ChannelCapabilities> {}

/** A template as the composer offers it. */
export const TemplateSummary = MessageTemplate.pick({ name: true, language: true, body: true });
export interface TemplateSummary extends z.infer<typeof TemplateSummary> {}

/**
 * A channel a reply on the case can go on, as the engine decides it: where it goes, whether free
 * text may go now, and the templates that may go when it may not.
 */
export const ReplyChannel = z.object({
  channelId: Id,
  name: z.string(),
  kind: z.string(),
  medium: ChannelKind,
  enabled: z.boolean(),
  /** The case's conversation a reply on this channel joins; null: a new conversation is started. */
  conversationId: Id.nullable(),
  /** The customer's address the reply goes to (their email, number or id on the channel). */
  address: z.string(),
  /** Whether free text may go now; otherwise only a template (or nothing, without templates). */
  freeForm: z.boolean(),
  /** When free text stops being allowed (the reply window's end); null when it does not run out. */
  windowClosesAt: Timestamp.nullable(),
  /** When the customer last wrote on this channel, in any conversation; null: never. */
  lastInboundAt: Timestamp.nullable(),
  templates: z.array(TemplateSummary),
  /** What the channel carries; null for a kind this server does not run. */
  capabilities: ChannelCapabilities.nullable(),
});
export interface ReplyChannel extends z.infer<typeof ReplyChannel> {}

export const CaseDetail = z.object({
  case: Case,
  customer: Customer,
  conversations: z.array(Conversation),
  /** Every channel a reply can go on, the case's own conversations first: the composer's "Reply via". */
  replyChannels: z.array(ReplyChannel),
});
export interface CaseDetail extends z.infer<typeof CaseDetail> {}

export const CaseUpdateRequest = z
  .object({
    /** The `version` you last saw; a stale one gets 409 `version_conflict`. */
    version: z.number().int().positive(),
    status: CaseStatus.optional(),
    priority: Priority.optional(),
    assigneeId: Id.nullable().optional(),
    team: z.string().min(1).max(60).nullable().optional(),
    tags: z.array(z.string().min(1).max(60)).max(50).optional(),
    subject: z.string().min(1).max(300).optional(),
  })
  .strict();
export interface CaseUpdateRequest extends z.infer<typeof CaseUpdateRequest> {}

export const MessageListQuery = z.object({ limit: Limit, cursor: Cursor });
export type MessageListQuery = z.input<typeof MessageListQuery>;
export const MessageListResponse = page(Message);

const MessageText = z.string().trim().min(1, 'must not be empty').max(10_000);
const ClientMessageId = z.string().min(1).max(100);

/** An approved template of the channel to send, by name, with the values of its `{{1}}`, `{{2}}`… in order. */
export const TemplateReply = z
  .object({
    name: z.string().min(1).max(512),
    variables: z.array(z.string().trim().min(1, 'must not be empty: WhatsApp refuses an empty variable').max(1024)).max(100).optional(),
  })
  .strict();
export interface TemplateReply extends z.infer<typeof TemplateReply> {}

export const ReplyRequest = z
  .object({
    /** Free text; or send `template` instead. */
    text: MessageText.optional(),
    /** An approved template of the channel (the one way to write outside WhatsApp's 24 hours). */
    template: TemplateReply.optional(),
    /** Reply on this conversation; default: the case's most recent one. */
    conversationId: Id.optional(),
    /**
     * Reply on this channel instead: the case's conversation on it, or a new one addressed to the
     * customer's identity there (see `replyChannels` of the case).
     */
    channelId: Id.optional(),
    attachments: z.array(Attachment).max(10).optional(),
    /** Retrying with the same id never sends twice. */
    clientMessageId: ClientMessageId.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.text === undefined) === (value.template === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'send either text or a template' });
    }
    if (value.template && value.attachments?.length) ctx.addIssue({ code: 'custom', path: ['attachments'], message: 'a template carries no files' });
    if (value.conversationId && value.channelId) ctx.addIssue({ code: 'custom', path: ['channelId'], message: 'give conversationId or channelId, not both' });
  });
export interface ReplyRequest extends z.infer<typeof ReplyRequest> {}

export const NoteRequest = z
  .object({ text: MessageText, attachments: z.array(Attachment).max(10).optional(), clientMessageId: ClientMessageId.optional() })
  .strict();
export interface NoteRequest extends z.infer<typeof NoteRequest> {}

export const CaseMergeRequest = z
  .object({
    targetCaseId: Id,
    /**
     * Cases of two different customers merge only when this is true: the source case's customer
     * is then merged into the target case's customer (a supervisor's right), since one case has
     * one customer.
     */
    mergeCustomers: z.boolean().optional(),
  })
  .strict();
export interface CaseMergeRequest extends z.infer<typeof CaseMergeRequest> {}

// ---- customers ----
export const CustomerListQuery = z.object({ q: z.string().min(1).max(200).optional(), limit: Limit, cursor: Cursor });
export type CustomerListQuery = z.input<typeof CustomerListQuery>;
export const CustomerListResponse = page(Customer);

export const CustomerUpdateRequest = z
  .object({
    name: z.string().min(1).max(200).optional(),
    emails: z.array(Email).max(20).optional(),
    phones: z.array(E164).max(20).optional(),
    attributes: Attributes.optional(),
  })
  .strict();
export interface CustomerUpdateRequest extends z.infer<typeof CustomerUpdateRequest> {}

/** One entry of a customer's timeline: a message or an event, in `seq` order. */
export const TimelineQuery = z.object({
  limit: Limit,
  /** Entries before this cursor (scrolling back in time). */
  cursor: Cursor,
});
export type TimelineQuery = z.input<typeof TimelineQuery>;
export const TimelineResponse = page(CaseEvent);

export const CustomerMergeRequest = z.object({ sourceCustomerId: Id }).strict();

/** Another profile that may be the same person, and why it looks so. */
export const MergeSuggestion = z.object({
  customer: Customer,
  /** What they share: the same email, phone number or name. */
  reasons: z.array(z.enum(['email', 'phone', 'name'])),
});
export interface MergeSuggestion extends z.infer<typeof MergeSuggestion> {}
export const MergeSuggestionsResponse = z.object({ items: z.array(MergeSuggestion) });
export interface MergeSuggestionsResponse extends z.infer<typeof MergeSuggestionsResponse> {}
export interface CustomerMergeRequest extends z.infer<typeof CustomerMergeRequest> {}

// ---- agents ----
export const AgentCreateRequest = z
  .object({
    email: Email,
    name: z.string().min(1).max(200),
    password: z.string().min(10, 'must be at least 10 characters').max(200),
    role: Role.default('agent'),
    teams: z.array(z.string().min(1).max(60)).max(20).default([]),
    skills: z.array(Skill).max(50).default([]),
    languages: z.array(z.string().min(2).max(10)).max(20).default(['en']),
    /** Open cases of each channel kind routing gives them at once; default 5 of each messaging kind and 10 emails. */
    capacity: z.partialRecord(ChannelKind, z.number().int().min(0).max(100)).optional(),
  })
  .strict();
export type AgentCreateRequest = z.input<typeof AgentCreateRequest>;
export const AgentListResponse = z.object({ items: z.array(Agent) });
export interface AgentListResponse extends z.infer<typeof AgentListResponse> {}

/** What an admin may change of an agent; fields left out stay as they are. */
export const AgentUpdateRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: Role.optional(),
    teams: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
    skills: z.array(Skill).max(50).optional(),
    languages: z.array(z.string().min(2).max(10)).max(20).optional(),
    /** Open cases of each channel kind routing gives them at once; a kind left out gets none. */
    capacity: z.partialRecord(ChannelKind, z.number().int().min(0).max(100)).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'send at least one of name, role, teams, skills, languages or capacity' });
export interface AgentUpdateRequest extends z.infer<typeof AgentUpdateRequest> {}

/**
 * A reset password: generated by the server, shown once to the admin to hand over. The agent's
 * tokens stop working; they sign in with it and change it from the workbench.
 */
export const PasswordResetResponse = z.object({ agent: Agent, password: z.string() });
export interface PasswordResetResponse extends z.infer<typeof PasswordResetResponse> {}
export const PresenceRequest = z.object({ presence: Presence }).strict();
export interface PresenceRequest extends z.infer<typeof PresenceRequest> {}

export const SettingsUpdateRequest = WorkspaceSettings.partial().strict();
export interface SettingsUpdateRequest extends z.infer<typeof SettingsUpdateRequest> {}


/** One field of a channel kind's `config` or `secrets`, for forms and validation messages. */
export const ChannelField = z.object({
  name: z.string(),
  label: z.string(),
  required: z.boolean(),
  /** `text` when absent; `object` fields take JSON. */
  type: z.enum(['text', 'url', 'email', 'number', 'boolean', 'select', 'object']).optional(),
  options: z.array(z.string()).readonly().optional(),
  help: z.string().optional(),
});
export interface ChannelField extends z.infer<typeof ChannelField> {}

/** A kind of channel this server can run, with the fields it takes. */
export const ChannelKindInfo = z.object({
  kind: z.string(),
  medium: ChannelKind,
  capabilities: ChannelCapabilities,
  fields: z.object({ config: z.array(ChannelField), secrets: z.array(ChannelField) }),
  /** Whether the provider calls `webhookUrl` (web chat and bots do not). */
  webhooks: z.boolean(),
});
export interface ChannelKindInfo extends z.infer<typeof ChannelKindInfo> {}
export const ChannelKindListResponse = z.object({ items: z.array(ChannelKindInfo) });
export interface ChannelKindListResponse extends z.infer<typeof ChannelKindListResponse> {}

/** A channel as the API shows it: with where its webhooks go and what it can carry. */
export const ChannelDetails = Channel.extend({
  /** `${CASEKIT_PUBLIC_URL}/webhooks/<id>`; give it to the provider. Null for channels without webhooks. */
  webhookUrl: z.string().nullable(),
  capabilities: ChannelCapabilities,
});
export interface ChannelDetails extends z.infer<typeof ChannelDetails> {}

const ChannelSecrets = z.record(z.string().max(100), z.string().min(1).max(10_000));

export const ChannelCreateRequest = z
  .object({
    kind: z.string().min(1).max(40),
    name: z.string().min(1).max(200),
    /** The kind's settings; each kind names its fields (`GET /channel-kinds`). */
    config: z.record(z.string().max(100), z.unknown()).optional(),
    /** Tokens and keys; stored encrypted, never returned. */
    secrets: ChannelSecrets.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export interface ChannelCreateRequest extends z.infer<typeof ChannelCreateRequest> {}

/** `config` replaces the settings; `secrets` are merged by name (null removes one). */
export const ChannelUpdateRequest = z
  .object({
    name: z.string().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    config: z.record(z.string().max(100), z.unknown()).optional(),
    secrets: z.record(z.string().max(100), z.string().min(1).max(10_000).nullable()).optional(),
  })
  .strict();
export interface ChannelUpdateRequest extends z.infer<typeof ChannelUpdateRequest> {}
export const ChannelListResponse = z.object({ items: z.array(ChannelDetails) });
export interface ChannelListResponse extends z.infer<typeof ChannelListResponse> {}

/**
 * Why a channel's check failed: `auth` the provider refused a secret, `not_found` an id in the
 * config names nothing those credentials reach, `unreachable` the provider did not answer (try
 * again), `rate_limited` it asked to wait, `misconfigured` the credentials work but the setup is
 * wrong (a webhook pointing elsewhere, a suspended account), `rejected` any other refusal, and
 * `unsupported` a kind with nothing to check.
 */
export const ChannelCheckCode = z.enum(CHANNEL_CHECK_CODES);
export type ChannelCheckCode = z.infer<typeof ChannelCheckCode>;

/**
 * What `POST /channels/:id/test` found: `ok` with what the provider said about the account (its
 * name, the bot's username, the number's display number) in `detail`, or the failure with the
 * field to fix (`secrets.authToken`, `config.phoneNumberId`) and whether trying again may help.
 */
export const ChannelTestResult = z.object({
  ok: z.boolean(),
  detail: z.string().optional(),
  error: z
    .object({
      code: ChannelCheckCode,
      message: z.string(),
      /** `config.<name>` or `secrets.<name>`, as the channel's fields are named. */
      field: z.string().optional(),
      retryable: z.boolean(),
    })
    .optional(),
});
export interface ChannelTestResult extends z.infer<typeof ChannelTestResult> {}

// ---- events ----
export const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export type EventsQuery = z.input<typeof EventsQuery>;
export const EventsResponse = z.object({
  events: z.array(CaseEvent),
  /** With `hasMore`, where to ask from next; otherwise the newest seq in the log. */
  lastSeq: z.number().int().min(0),
  /** More events may follow: ask again with `after` = `lastSeq`. */
  hasMore: z.boolean(),
});
export interface EventsResponse extends z.infer<typeof EventsResponse> {}

// ---- visitor (web chat) ----
export const VisitorSessionRequest = z
  .object({
    channelId: Id,
    /** Returning visitor: the token of an earlier session keeps the same customer. */
    resumeToken: z.string().max(2000).optional(),
    name: z.string().min(1).max(200).optional(),
    email: Email.optional(),
    /** The host site's own user id, with `userHash` = hex HMAC-SHA256(userId, channel secret). */
    userId: z.string().min(1).max(200).optional(),
    userHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex HMAC-SHA256').optional(),
    attributes: VisitorAttributes.optional(),
  })
  .strict()
  .refine((v) => (v.userId === undefined) === (v.userHash === undefined), {
    message: 'userId and userHash go together',
    path: ['userHash'],
  });
export interface VisitorSessionRequest extends z.infer<typeof VisitorSessionRequest> {}
export const VisitorSessionResponse = z.object({
  token: z.string(),
  customerId: Id,
  channelId: Id,
  identified: z.boolean(),
  expiresAt: z.string(),
});
export interface VisitorSessionResponse extends z.infer<typeof VisitorSessionResponse> {}

export const VisitorSendRequest = z
  .object({ text: MessageText, clientMessageId: ClientMessageId, attachments: z.array(Attachment).max(10).optional() })
  .strict();
export interface VisitorSendRequest extends z.infer<typeof VisitorSendRequest> {}

/** Where the visitor stands: whether anybody can answer now, and their place in the queue. */
export const VisitorStatusResponse = z.object({
  /** True when at least one human agent is online. */
  agentsAvailable: z.boolean(),
  /** 1-based place of the visitor's waiting case among unassigned cases; null when not waiting (or no token was sent). */
  queuePosition: z.number().int().positive().nullable(),
  /** Rough seconds until an agent takes the case; null when not waiting or nobody who could take it is online. */
  estimatedWaitSeconds: z.number().int().min(0).nullable(),
  /** True when a bot answers new conversations on the channel (the token's, else `channelId`'s); absent otherwise. */
  botAnswers: z.boolean().optional(),
});
export interface VisitorStatusResponse extends z.infer<typeof VisitorStatusResponse> {}

/** Contact details and facts a visitor gives about themselves after the session started. */
export const VisitorProfileRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    /** Unverified, so kept as `attributes.contactEmail`, never as one of the profile's emails that inbound mail is matched by. */
    email: Email.optional(),
    attributes: VisitorAttributes.optional(),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.email !== undefined || v.attributes !== undefined, {
    message: 'send at least one of name, email or attributes',
  });
export interface VisitorProfileRequest extends z.infer<typeof VisitorProfileRequest> {}
export const VisitorProfileResponse = z.object({ name: z.string() });
export interface VisitorProfileResponse extends z.infer<typeof VisitorProfileResponse> {}

// ---- uploads ----
/** The last path segment of a file name, without control or direction-changing characters. */
function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
}

/** Query of an upload: the file's name (the bytes are the body, typed by `Content-Type`). */
export const UploadQuery = z.object({
  name: z
    .string()
    .max(255)
    .transform(baseName)
    .pipe(z.string().min(1, 'must name the file, e.g. ?name=photo.jpg')),
});
export type UploadQuery = z.input<typeof UploadQuery>;

/** An upload id: `up_` and at least 128 random bits. */
export const UploadId = z.string().regex(new RegExp(`^${UPLOAD_ID_PATTERN}$`), 'must be an upload id such as up_3q2…');

/** What `download` answers: the file's bytes with its type (not JSON). */
export const FileBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'the file itself');

export const HealthResponse = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
export interface HealthResponse extends z.infer<typeof HealthResponse> {}

// ---- queue ----
/** A waiting case in routing order, with its place among cases of its team and channel kind. */
export const QueueEntry = z.object({
  case: Case,
  /** The channel kind it is routed on. */
  channel: ChannelKind,
  /** Since when it waits (its place in line counts from here). */
  waitingSince: Timestamp,
  position: z.number().int().positive(),
  /** Rough seconds until an agent takes it; 0 when routing is giving it out now, null when nobody who could is online. */
  estimatedWaitSeconds: z.number().int().min(0).nullable(),
  /** The routing policy that applies to it. */
  policyId: z.string(),
});
export interface QueueEntry extends z.infer<typeof QueueEntry> {}

/** An agent's open cases and capacity per channel kind. */
export const AgentLoad = z.object({
  agentId: Id,
  presence: Presence,
  load: z.partialRecord(ChannelKind, z.number().int().min(0)),
  capacity: z.partialRecord(ChannelKind, z.number().int().min(0)),
});
export interface AgentLoad extends z.infer<typeof AgentLoad> {}

/** The live queue: waiting cases in routing order (highest priority, then longest waiting), and each routable agent's load. */
export const QueueResponse = z.object({ at: Timestamp, cases: z.array(QueueEntry), agents: z.array(AgentLoad) });
export interface QueueResponse extends z.infer<typeof QueueResponse> {}

// ---- bots ----
/**
 * A bot (the one holding the case) or a supervisor gives the case to people: it is unassigned so
 * routing gives it to an agent, with what the bot collected. `reason` defaults to `bot`.
 */
export const HandoffRequest = z
  .object({
    reason: z.enum(['requested', 'bot']).optional(),
    fields: CollectedFields.optional(),
    /** A line for the agent on what the bot learned or why it stopped. */
    summary: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();
export interface HandoffRequest extends z.infer<typeof HandoffRequest> {}
/** The case after a handoff; `handedOff` is false when no bot held it (a repeat changes nothing). */
export const HandoffResponse = z.object({ case: Case, handedOff: z.boolean() });
export interface HandoffResponse extends z.infer<typeof HandoffResponse> {}

/** A new bot agent. Without `email` it gets an address of its own that nobody receives mail at. */
export const BotCreateRequest = BotSettingsFields.extend({ name: z.string().trim().min(1).max(200), email: Email.optional() })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.rules === undefined) === (value.external === undefined)) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'give either rules or external' });
  });
export type BotCreateRequest = z.input<typeof BotCreateRequest>;
/** A change to a bot; fields left out stay. Giving `rules` or `external` replaces the other. */
export const BotUpdateRequest = BotSettingsFields.partial()
  .extend({ name: z.string().trim().min(1).max(200).optional() })
  .strict()
  .superRefine((value, ctx) => {
    if (value.rules !== undefined && value.external !== undefined) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'give rules or external, not both' });
  });
export type BotUpdateRequest = z.input<typeof BotUpdateRequest>;
/**
 * A created or changed bot, with the credentials made for it, shown once: an external bot's API
 * `token` (it replies and hands off with it) and the `signingSecret` casekit signs what it posts
 * to the bot with. Null when none was made (a rules bot, or one that already had them).
 */
export const BotCreateResponse = z.object({ bot: Bot, token: z.string().nullable(), signingSecret: z.string().nullable() });
export interface BotCreateResponse extends z.infer<typeof BotCreateResponse> {}
export const BotListResponse = z.object({ items: z.array(Bot) });
export interface BotListResponse extends z.infer<typeof BotListResponse> {}
/** A new API token of a bot, shown once; the bot's earlier token stops working. */
export const BotTokenResponse = z.object({ bot: Bot, token: z.string() });
export interface BotTokenResponse extends z.infer<typeof BotTokenResponse> {}

/** Which web-chat channel a visitor without a session asks about (a session's token names its own). */
export const VisitorStatusQuery = z.object({ channelId: Id.optional() });
export type VisitorStatusQuery = z.input<typeof VisitorStatusQuery>;
