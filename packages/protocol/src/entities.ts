import { z } from 'zod';
import {
  AuthorKind,
  CaseStatus,
  ChannelKind,
  DeliveryStatus,
  Direction,
  Presence,
  Priority,
  Role,
} from './enums.ts';
import { RoutingSettings, SkillRequirement } from './routing.ts';
import { CaseSla, SlaNotice, SlaSettings } from './sla.ts';
import { BOT_FIELD_KINDS, DEFAULT_HANDOFF_KEYWORDS, HANDOFF_REASONS, MAX_TEMPLATE_LENGTH, ROUTING_SELECTIONS, templateVariableCount } from './values.ts';
import { Id, Timestamp } from './primitives.ts';
import { BillingAccount } from './billing.ts';

export { Id, Timestamp };

/** A phone number in E.164 form, e.g. `+14155550100`. */
export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +14155550100');
export const Email = z.email().max(320);
export const Attributes = z.record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]));

export const Workspace = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  createdAt: Timestamp,
});
export interface Workspace extends z.infer<typeof Workspace> {}

/** Settings an admin may change. */
export const WorkspaceSettings = z.object({
  /** A customer writing again within this many hours of a case being solved reopens it. */
  reopenWindowHours: z.number().int().min(0).max(24 * 90),
  /** Business name shown to customers in the chat. */
  displayName: z.string().min(1).max(200),
  /** How new cases are prioritized and given to agents; absent: the built-in defaults (docs/routing.md). */
  routing: RoutingSettings.optional(),
  /** Service-level targets, business hours and escalation; absent: cases carry no SLA clocks (docs/sla.md). */
  sla: SlaSettings.optional(),
});
export interface WorkspaceSettings extends z.infer<typeof WorkspaceSettings> {}

/** How one channel knows a customer: unique per channel. */
export const ChannelIdentity = z.object({
  channelId: Id,
  kind: ChannelKind,
  externalId: z.string().min(1).max(320),
});
export interface ChannelIdentity extends z.infer<typeof ChannelIdentity> {}

export const Customer = z.object({
  id: Id,
  workspaceId: Id,
  name: z.string().max(200),
  emails: z.array(Email),
  phones: z.array(E164),
  identities: z.array(ChannelIdentity),
  splynxId: z.string().nullable(),
  attributes: Attributes,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export interface Customer extends z.infer<typeof Customer> {}

export const Skill = z.object({ name: z.string().min(1).max(60), level: z.number().int().min(1).max(5) });
export interface Skill extends z.infer<typeof Skill> {}

export const Agent = z.object({
  id: Id,
  workspaceId: Id,
  kind: z.enum(['human', 'bot']),
  email: Email,
  name: z.string().min(1).max(200),
  role: Role,
  teams: z.array(z.string().min(1).max(60)),
  skills: z.array(Skill),
  languages: z.array(z.string().min(2).max(10)),
  /** How many open cases of each channel kind the agent takes at once. */
  capacity: z.partialRecord(ChannelKind, z.number().int().min(0).max(100)),
  presence: Presence,
  /** False once an admin deactivated the agent: they cannot sign in, and their cases stay as they are. */
  active: z.boolean().default(true),
  createdAt: Timestamp,
});
export interface Agent extends z.infer<typeof Agent> {}

/** A configured inbox. Its secrets never leave the server: only their names do. */
export const Channel = z.object({
  id: Id,
  workspaceId: Id,
  /** Its provider: `webchat`, `email`, `twilio-sms`, `whatsapp-cloud`… (`CHANNEL_MEDIA` lists those shipped). */
  kind: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a channel kind such as "email" or "twilio-sms"'),
  /** What its messages travel on (`sms`, `whatsapp`…): their `channelKind`. */
  medium: ChannelKind,
  name: z.string().min(1).max(200),
  /** A disabled channel stores nothing its webhooks bring and sends nothing. */
  enabled: z.boolean(),
  /** Its settings that are not secret: addresses, account ids, the provider's API base URL. */
  config: z.record(z.string(), z.unknown()),
  /** Names of the secrets it holds. */
  secretNames: z.array(z.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export interface Channel extends z.infer<typeof Channel> {}

export const Case = z.object({
  id: Id,
  workspaceId: Id,
  /** Human case number, per workspace, starting at 1. */
  number: z.number().int().positive(),
  subject: z.string().max(300),
  status: CaseStatus,
  priority: Priority,
  customerId: Id,
  assigneeId: Id.nullable(),
  team: z.string().nullable(),
  /** Skills an agent needs to take it, each with the lowest level that will do (set by routing rules). */
  skills: z.array(SkillRequirement),
  /** The language the customer writes in, when known: routing prefers agents who speak it. */
  language: z.string().min(2).max(10).nullable().optional(),
  /** Since when it waits for an agent: set when it starts waiting, kept while assigned so a released case keeps its place. */
  queuedAt: Timestamp.nullable().optional(),
  /** The agent who last served this customer when the case opened: sticky routing offers it to them first. */
  previousAgentId: Id.nullable().optional(),
  tags: z.array(z.string().min(1).max(60)),
  /** Channel kinds this case has conversations on, first one first. */
  channels: z.array(ChannelKind),
  preview: z.string().max(300),
  messageCount: z.number().int().min(0),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastActivityAt: Timestamp,
  solvedAt: Timestamp.nullable(),
  /** Its SLA clocks, while the workspace has SLA settings (docs/sla.md). */
  sla: CaseSla.optional(),
  /** Increases on every change; send it back to update (optimistic concurrency). */
  version: z.number().int().positive(),
});
export interface Case extends z.infer<typeof Case> {}

export const Conversation = z.object({
  id: Id,
  workspaceId: Id,
  caseId: Id,
  customerId: Id,
  channelId: Id,
  channelKind: ChannelKind,
  /** The provider's thread key (email thread, chat id), when it has one. */
  externalThreadId: z.string().nullable(),
  createdAt: Timestamp,
  lastMessageAt: Timestamp,
  /** When the customer last wrote on it: reply windows (WhatsApp's 24 hours) count from here. */
  lastInboundAt: Timestamp.optional(),
  /** The customer's latest message on it: an email reply answers its headers. */
  lastInboundMessageId: Id.optional(),
});
export interface Conversation extends z.infer<typeof Conversation> {}

/**
 * A pre-approved template a channel may send outside the reply window, as an admin lists it in the
 * channel's `config.templates`: the name and language it was approved under, its body with `{{1}}`…
 * placeholders, and for Twilio its Content SID.
 */
export const MessageTemplate = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be the template name as approved: lower-case letters, digits and "_"'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code as approved, such as en or en_US'),
  body: z
    .string()
    .min(1, 'must be the approved text, with {{1}}, {{2}}… where the variables go')
    .max(MAX_TEMPLATE_LENGTH, `must be at most ${MAX_TEMPLATE_LENGTH} characters, as WhatsApp allows`)
    .refine((body) => {
      const count = templateVariableCount(body);
      return Array.from({ length: count }, (_, i) => i + 1).every((n) => new RegExp(`\\{\\{\\s*${n}\\s*\\}\\}`).test(body));
    }, 'must number its placeholders from {{1}} without gaps'),
  /** Twilio: the Content SID of the approved template (`HX` and 32 hex digits). */
  contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Content SID: "HX" and 32 hexadecimal characters, as the Twilio Content Template Builder shows it').optional(),
});
export interface MessageTemplate extends z.infer<typeof MessageTemplate> {}

/** The template a message was sent as: which one, and the values of its `{{n}}` in order. */
export const MessageTemplateRef = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(10),
  variables: z.array(z.string()),
});
export interface MessageTemplateRef extends z.infer<typeof MessageTemplateRef> {}

export const Attachment = z.object({
  name: z.string().min(1).max(255),
  contentType: z.string().min(1).max(127),
  size: z.number().int().min(0),
  url: z.string().max(2048),
});
export interface Attachment extends z.infer<typeof Attachment> {}

/** Why a bot gave a case to people (see `HANDOFF_REASONS`). */
export const HandoffReason = z.enum(HANDOFF_REASONS);
export type HandoffReason = z.infer<typeof HandoffReason>;

const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,59}$/, 'must be a name such as "email" or "order_number": a letter, then letters, digits, "_", "-" or "."');

/** What a bot learned from the customer, by field name (an order number, an email…). */
export const CollectedFields = z
  .record(FieldName, z.string().max(1000))
  .refine((fields) => Object.keys(fields).length <= 30, { message: 'at most 30 fields' });
export type CollectedFields = z.infer<typeof CollectedFields>;

/** On the messages a handoff writes: why the bot gave the case to people, and what it collected (empty on the customer's copy). */
export const MessageHandoff = z.object({ reason: HandoffReason, fields: CollectedFields });
export interface MessageHandoff extends z.infer<typeof MessageHandoff> {}

export const Message = z.object({
  id: Id,
  workspaceId: Id,
  caseId: Id,
  conversationId: Id,
  customerId: Id,
  channelId: Id,
  channelKind: ChannelKind,
  direction: Direction,
  authorKind: AuthorKind,
  authorId: Id.nullable(),
  authorName: z.string().max(200),
  /** Internal notes are never sent to the customer. */
  internal: z.boolean(),
  text: z.string(),
  attachments: z.array(Attachment),
  providerMessageId: z.string().nullable(),
  clientMessageId: z.string().nullable(),
  status: DeliveryStatus,
  /** Why delivery failed, in the provider's words; set with status `failed`. */
  deliveryError: z.object({ code: z.string().max(100), reason: z.string().max(1000) }).optional(),
  /** Email: the subject line. */
  subject: z.string().max(998).optional(),
  /** Email: the body as sanitized HTML, beside `text`. */
  html: z.string().optional(),
  /** Headers kept for threading (`message-id`, `in-reply-to`, `references`), names in lower case. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Sent as this approved template; `text` is what it read once filled in. */
  template: MessageTemplateRef.optional(),
  /** Set on the internal note and the customer's notice a bot's handoff writes. */
  handoff: MessageHandoff.optional(),
  createdAt: Timestamp,
});
export interface Message extends z.infer<typeof Message> {}

/** What moved on a case: field name to [before, after]. */
export const CaseChanges = z.record(z.string(), z.tuple([z.unknown(), z.unknown()]));
export interface CaseChanges extends z.infer<typeof CaseChanges> {}

const eventBase = {
  seq: z.number().int().positive(),
  workspaceId: Id,
  at: Timestamp,
  actorId: Id.nullable(),
  caseId: Id.nullable(),
  customerId: Id.nullable(),
};

/** Why routing changed a case: the policy, and the reason (how the agent was chosen, or that its agent went offline). */
export const RoutingNote = z.object({
  policyId: z.string(),
  reason: z.enum(['sticky', ...ROUTING_SELECTIONS, 'agent-offline']),
  /** The widening step that made the agent eligible (0 for a release). */
  step: z.number().int().min(0),
});
export interface RoutingNote extends z.infer<typeof RoutingNote> {}

/** Every state change, in per-workspace `seq` order. The log feeds realtime, timeline and replay. */
export const CaseEvent = z.discriminatedUnion('type', [
  z.object({
    ...eventBase,
    type: z.literal('message.created'),
    /** `case` is the case after the message; visitors receive the message alone. */
    data: z.object({ message: Message, case: Case.optional() }),
  }),
  z.object({
    ...eventBase,
    type: z.literal('message.status'),
    data: z.object({ messageId: Id, status: DeliveryStatus, internal: z.boolean() }),
  }),
  z.object({ ...eventBase, type: z.literal('case.created'), data: z.object({ case: Case }) }),
  z.object({
    ...eventBase,
    type: z.literal('case.updated'),
    /** `routing`: routing made this change, under which policy and why. */
    data: z.object({ case: Case, changes: CaseChanges, routing: RoutingNote.optional() }),
  }),
  /** An SLA clock of the case reached its warning or passed its target; agents only. */
  z.object({ ...eventBase, type: z.literal('case.sla'), data: SlaNotice }),
  z.object({ ...eventBase, type: z.literal('case.merged'), data: z.object({ sourceCaseId: Id, targetCaseId: Id }) }),
  z.object({ ...eventBase, type: z.literal('customer.created'), data: z.object({ customer: Customer }) }),
  z.object({ ...eventBase, type: z.literal('customer.updated'), data: z.object({ customer: Customer }) }),
  z.object({ ...eventBase, type: z.literal('customer.merged'), data: z.object({ sourceId: Id, targetId: Id }) }),
  /** The customer's billing account changed (a sync read it again); agents only. */
  z.object({ ...eventBase, type: z.literal('customer.billing'), data: z.object({ account: BillingAccount }) }),
  z.object({ ...eventBase, type: z.literal('agent.presence'), data: z.object({ agentId: Id, presence: Presence }) }),
  z.object({ ...eventBase, type: z.literal('agent.created'), data: z.object({ agent: Agent }) }),
  z.object({ ...eventBase, type: z.literal('agent.updated'), data: z.object({ agent: Agent }) }),
  z.object({ ...eventBase, type: z.literal('channel.created'), data: z.object({ channel: Channel }) }),
  z.object({ ...eventBase, type: z.literal('channel.updated'), data: z.object({ channel: Channel }) }),
  z.object({ ...eventBase, type: z.literal('settings.updated'), data: z.object({ settings: WorkspaceSettings }) }),
  /** An agent read a case up to `readAt`; only that agent receives it (their other tabs and devices). */
  z.object({ ...eventBase, type: z.literal('case.read'), data: z.object({ readAt: Timestamp }) }),
]);
export type CaseEvent = z.infer<typeof CaseEvent>;
export type CaseEventType = CaseEvent['type'];
/** An event before the store gives it its `seq`. */
export type NewCaseEvent = CaseEvent extends infer E ? (E extends CaseEvent ? Omit<E, 'seq'> : never) : never;

// ---- bots ----

const Keyword = z.string().trim().min(1).max(60);
const BotText = z.string().trim().min(1, 'must not be empty').max(2000);

/** One answer of a rules bot, given when the customer's message holds one of its keywords as a whole word (any case). */
export const BotFaq = z.object({ keywords: z.array(Keyword).min(1).max(30), answer: BotText }).strict();
export interface BotFaq extends z.infer<typeof BotFaq> {}

/** A value a rules bot asks for, checked by its `kind` and, when given, by `pattern` (a regular expression the whole answer must match). */
export const BotField = z
  .object({
    name: FieldName,
    prompt: BotText,
    kind: z.enum(BOT_FIELD_KINDS).default('text'),
    pattern: z
      .string()
      .min(1)
      .max(200)
      .refine((source) => {
        try {
          new RegExp(source, 'u');
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression')
      .optional(),
    /** Said before the prompt again when an answer does not pass; default: "That does not look right." */
    invalid: BotText.optional(),
  })
  .strict();
export type BotField = z.output<typeof BotField>;

/**
 * A built-in rules bot: it greets, answers by keyword, and when it has no answer offers a person,
 * asks for `fields` one by one and then hands the case to people. `handoffKeywords` always hand off.
 */
export const RulesBotConfig = z
  .object({
    greeting: BotText,
    faq: z.array(BotFaq).max(200).default([]),
    fields: z
      .array(BotField)
      .max(20)
      .default([])
      .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, 'field names must differ'),
    /** Said when no answer matches, before the first field is asked for. */
    offerHuman: BotText,
    handoffKeywords: z.array(Keyword).min(1).max(50).default([...DEFAULT_HANDOFF_KEYWORDS]),
  })
  .strict();
export type RulesBotConfig = z.output<typeof RulesBotConfig>;

/** A bot of your own: casekit posts each customer message to `url` (signed) and waits `timeoutSeconds` for its reply or handoff. */
export const ExternalBotConfig = z
  .object({
    url: z
      .string()
      .max(2048)
      .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL'),
    timeoutSeconds: z.number().int().min(1).max(300).default(15),
  })
  .strict();
export type ExternalBotConfig = z.output<typeof ExternalBotConfig>;

/** What a bot agent does: the channels whose new cases it takes first, and either built-in `rules` or an `external` bot. */
export const BotSettingsFields = z
  .object({
    /** New cases on these channels start assigned to the bot; a channel has at most one bot. */
    channelIds: z.array(Id).max(50),
    rules: RulesBotConfig.optional(),
    external: ExternalBotConfig.optional(),
  })
  .strict();
/** `BotSettingsFields` with exactly one of `rules` and `external`. */
export const BotSettings = BotSettingsFields.superRefine((value, ctx) => {
    if ((value.rules === undefined) === (value.external === undefined)) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'give either rules or external' });
    if (new Set(value.channelIds).size !== value.channelIds.length) ctx.addIssue({ code: 'custom', path: ['channelIds'], message: 'lists a channel twice' });
  });
export type BotSettings = z.output<typeof BotSettings>;

/** A bot as admins see it: its agent, its settings, and whether it holds an API token (never the token). */
export const Bot = z.object({ agent: Agent, settings: BotSettings, hasToken: z.boolean() });
export type Bot = z.output<typeof Bot>;
