// No zod here: browser bundles take the value lists and the lifecycle from this module.

/** Every medium a customer can write in on: a message's and a conversation's `channelKind`. */
export const CHANNEL_KINDS = [
  'webchat',
  'email',
  'sms',
  'whatsapp',
  'messenger',
  'instagram',
  'telegram',
  'x',
  'bot',
  'api',
] as const;

/**
 * The channel kinds casekit ships, each with the medium its messages travel on. A channel's `kind`
 * names its provider (`twilio-sms`); messages and conversations carry the medium (`sms`) as
 * `channelKind`. Kinds are names, not positions: a new one can be added anywhere.
 */
export const CHANNEL_MEDIA = {
  webchat: 'webchat',
  email: 'email',
  'twilio-sms': 'sms',
  'twilio-whatsapp': 'whatsapp',
  'whatsapp-cloud': 'whatsapp',
  messenger: 'messenger',
  instagram: 'instagram',
  telegram: 'telegram',
  x: 'x',
  api: 'api',
  bot: 'bot',
} as const satisfies Record<string, (typeof CHANNEL_KINDS)[number]>;

/** Case statuses; allowed moves between them are in `CASE_TRANSITIONS`. */
export const CASE_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const ROLES = ['agent', 'supervisor', 'admin'] as const;

/**
 * The least role each guarded operation needs: the engine enforces it, the API answers 403 by it
 * before reading a body, and the widgets hide what a role may not do. Anything not listed is
 * open to every agent.
 */
export const PERMISSIONS = {
  /** Merging two customer profiles into one, or cases of two customers (which merges them). */
  mergeCustomers: 'supervisor',
  /** Setting another agent's presence. */
  setOthersPresence: 'supervisor',
  createAgent: 'admin',
  /** Editing, deactivating and reactivating agents, and resetting their passwords. */
  manageAgents: 'admin',
  createChannel: 'admin',
  updateChannel: 'admin',
  /** Checking a channel's credentials with its provider: it uses them. */
  testChannel: 'admin',
  updateSettings: 'admin',
  /** The live queue: every waiting case with its place, and every agent's load. */
  viewQueue: 'supervisor',
  /** Handing a case a bot holds over to people, for anyone but the bot holding it. */
  handOffCases: 'supervisor',
  /** Seeing the billing sync's status and log, and starting a sync. */
  manageIntegrations: 'admin',
} as const satisfies Record<string, (typeof ROLES)[number]>;

/** An operation with a role requirement in `PERMISSIONS`. */
export type Permission = keyof typeof PERMISSIONS;

/** Whether `role` is `needed` or above it. */
export function roleAtLeast(role: (typeof ROLES)[number], needed: (typeof ROLES)[number]): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export const PRESENCES = ['online', 'away', 'offline'] as const;

/** How a routing policy chooses among eligible agents. */
export const ROUTING_SELECTIONS = ['least-loaded', 'round-robin'] as const;
/** What happens to an agent's open cases when they go offline, per routing policy. */
export const ROUTING_OFFLINE_ACTIONS = ['reassign', 'keep'] as const;
/** When an automation runs: a case opens, a customer writes on an open case, or a solved case reopens. */
export const AUTOMATION_TRIGGERS = ['case.created', 'message.received', 'case.reopened'] as const;

/** The three SLA clocks of a case, in the order ties between their deadlines are broken. */
export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;
/** `none`: no target for the case's priority, or (next response) no customer waiting for a reply. */
export const SLA_CLOCK_STATES = ['running', 'paused', 'met', 'breached', 'none'] as const;
/** What a `case.sla` event reports: a clock reached its warning, or passed its target. */
export const SLA_NOTICE_KINDS = ['warning', 'breach'] as const;
/** Weekday keys of an SLA calendar's `hours`. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const AUTHOR_KINDS = ['customer', 'agent', 'bot', 'system'] as const;

export const DIRECTIONS = ['inbound', 'outbound'] as const;

/** Delivery statuses only move forward, in this order; `failed` may follow any but `read`. */
export const DELIVERY_STATUSES = ['pending', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;

/**
 * True when a message's delivery status may move from `current` to `next`: statuses only move
 * forward, and `failed` never follows `read`. The engine stores by it, and clients show by it.
 */
export function isForwardStatus(current: (typeof DELIVERY_STATUSES)[number], next: (typeof DELIVERY_STATUSES)[number]): boolean {
  if (current === next) return false;
  if (next === 'failed') return current !== 'read' && current !== 'failed';
  if (current === 'failed') return false;
  return DELIVERY_STATUSES.indexOf(next) > DELIVERY_STATUSES.indexOf(current);
}

/**
 * The case lifecycle: which status may follow which. `closed` is final; a customer writing
 * into a closed case opens a new one. See docs/case-lifecycle.md.
 */
export const CASE_TRANSITIONS = {
  new: ['open', 'pending', 'on_hold', 'solved', 'closed'],
  open: ['pending', 'on_hold', 'solved', 'closed'],
  pending: ['open', 'on_hold', 'solved', 'closed'],
  on_hold: ['open', 'pending', 'solved', 'closed'],
  solved: ['open', 'closed'],
  closed: [],
} as const satisfies Record<(typeof CASE_STATUSES)[number], readonly (typeof CASE_STATUSES)[number][]>;

/** File types a server accepts by default: raster images, PDF and plain text. */
export const DEFAULT_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] as const;

/** The largest file a server accepts by default: 10 MB. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Image types shown inline: as thumbnails in the widgets, and in the browser when downloaded.
 * SVG is left out on purpose: it can carry script.
 */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** Attachments of this content type are suggested answers (a bot's buttons), not files: `name` is the label, `url` the value. */
export const QUICK_REPLY_CONTENT_TYPE = 'application/vnd.casekit.quick-reply';

/** An upload's id: `up_` and at least 128 random bits, URL-safe (unanchored, to build patterns from). */
export const UPLOAD_ID_PATTERN = 'up_[A-Za-z0-9_-]{22,60}';

/** What a channel of a shipped kind carries; its adapter declares the same, and the composer shows it. */
export interface ChannelCapabilityValues {
  maxTextLength: number;
  attachments: { maxCount: number; maxTotalBytes: number } | null;
  replyWindowHours: number | null;
  receipts: { delivered: boolean; read: boolean };
  canInitiate: boolean;
  rich: boolean;
  segmented?: boolean;
  /** Whether the channel sends pre-approved templates (its config lists them), the one way to write outside the reply window. */
  templates?: boolean;
}

const MB = 1024 * 1024;
const none = { delivered: false, read: false };

/**
 * The capabilities of the channel kinds casekit ships, from the providers' documented limits
 * (each provider's own documentation): the one table adapters, the API and the composer read.
 */
export const CHANNEL_CAPABILITIES = {
  webchat: { maxTextLength: 10_000, attachments: { maxCount: 10, maxTotalBytes: 50 * MB }, replyWindowHours: null, receipts: { delivered: true, read: false }, canInitiate: false, rich: false, templates: false },
  email: { maxTextLength: 100_000, attachments: { maxCount: 20, maxTotalBytes: 10 * MB }, replyWindowHours: null, receipts: none, canInitiate: true, rich: true, templates: false },
  'twilio-sms': { maxTextLength: 1600, attachments: { maxCount: 10, maxTotalBytes: 5 * MB }, replyWindowHours: null, receipts: { delivered: true, read: false }, canInitiate: true, rich: false, segmented: true, templates: false },
  'twilio-whatsapp': { maxTextLength: 1600, attachments: { maxCount: 1, maxTotalBytes: 5 * MB }, replyWindowHours: 24, receipts: { delivered: true, read: true }, canInitiate: false, rich: false, templates: true },
  'whatsapp-cloud': { maxTextLength: 4096, attachments: { maxCount: 1, maxTotalBytes: 16 * MB }, replyWindowHours: 24, receipts: { delivered: true, read: true }, canInitiate: false, rich: false, templates: true },
  messenger: { maxTextLength: 2000, attachments: { maxCount: 1, maxTotalBytes: 25 * MB }, replyWindowHours: 24, receipts: { delivered: true, read: false }, canInitiate: false, rich: false, templates: false },
  instagram: { maxTextLength: 1000, attachments: { maxCount: 1, maxTotalBytes: 8 * MB }, replyWindowHours: 24, receipts: { delivered: false, read: true }, canInitiate: false, rich: false, templates: false },
  telegram: { maxTextLength: 4096, attachments: { maxCount: 1, maxTotalBytes: 50 * MB }, replyWindowHours: null, receipts: none, canInitiate: false, rich: false, templates: false },
  x: { maxTextLength: 10_000, attachments: { maxCount: 1, maxTotalBytes: 5 * MB }, replyWindowHours: null, receipts: none, canInitiate: false, rich: false, templates: false },
  api: { maxTextLength: 10_000, attachments: { maxCount: 10, maxTotalBytes: 25 * MB }, replyWindowHours: null, receipts: { delivered: true, read: true }, canInitiate: true, rich: false, templates: false },
  bot: { maxTextLength: 10_000, attachments: null, replyWindowHours: null, receipts: none, canInitiate: true, rich: false, templates: false },
} as const satisfies Record<keyof typeof CHANNEL_MEDIA, ChannelCapabilityValues>;

// GSM 03.38: the default alphabet (one septet each) and its extension table (escape + septet).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

/** How an SMS text is encoded and billed. */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Messages the text is split into (0 for an empty text). */
  segments: number;
  /** Units counted against the limits: septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  characters: number;
}

/**
 * Counts the SMS segments a text is sent as: GSM-7 fits 160 septets in one message and 153 per
 * part when split; anything outside GSM-7 switches the whole text to UCS-2 (70, then 67 per part).
 * A character is never split across two parts.
 * @example countSmsSegments('Your router is back online') // { encoding: 'GSM-7', segments: 1, characters: 26 }
 */
export function countSmsSegments(text: string): SmsSegments {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const widths = gsm ? chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1)) : chars.map((c) => c.length);
  const characters = widths.reduce((sum, width) => sum + width, 0);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: characters === 0 ? 0 : characters <= single ? 1 : split(widths, part), characters };
}

function split(widths: number[], part: number): number {
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > part) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return segments;
}

/** The `{{n}}` placeholders of a template's body, as written. */
const PLACEHOLDER = /\{\{\s*(\d+)\s*\}\}/g;

/**
 * How many variables a template's body takes: its highest `{{n}}` (they run from `{{1}}` up).
 * @example templateVariableCount('Hi {{1}}, your order {{2}} shipped') // 2
 */
export function templateVariableCount(body: string): number {
  let highest = 0;
  for (const match of body.matchAll(PLACEHOLDER)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

/**
 * A template's body with `{{n}}` replaced by the n-th variable: the text the customer receives.
 * The engine stores it as the message's text; the composer shows it as the preview.
 * @example renderTemplate('Hi {{1}}', ['Dana']) // 'Hi Dana'
 */
export function renderTemplate(body: string, variables: readonly string[]): string {
  return body.replace(PLACEHOLDER, (whole, n: string) => variables[Number(n) - 1] ?? whole);
}

/**
 * The conversation a reply goes on when the agent names none: the one the customer (or anyone)
 * wrote on last. The engine sends there; the composer shows it.
 */
export function defaultReplyConversation<C extends { lastMessageAt: string }>(conversations: readonly C[]): C | null {
  return conversations.reduce<C | null>((latest, c) => (!latest || c.lastMessageAt > latest.lastMessageAt ? c : latest), null);
}

/** The name the server gives an anonymous web-chat visitor who typed none; `customerDisplayName` shows a readable one instead. */
export const ANONYMOUS_VISITOR_NAME = 'Website visitor';

/** The fields of a customer profile a display name is made from. */
export interface DisplayNameSource {
  id?: string;
  name: string;
  emails: readonly string[];
  phones: readonly string[];
  identities: readonly { externalId: string }[];
}

/**
 * A short tag for an anonymous web-chat identity (`anon:3YjyFTMKu1NYQeXQ` → `3YJY`), or null
 * for any other identity: enough to tell two visitors apart at a glance, and the same for that visitor.
 */
export function anonymousVisitorTag(externalId: string): string | null {
  const match = /^anon:([A-Za-z0-9_-]{4})/.exec(externalId);
  return match ? match[1]!.toUpperCase() : null;
}

/**
 * How a customer is shown to agents everywhere (inbox rows, the profile panel, search): their own
 * name, else an email, a phone, `Visitor 3YJY` for an anonymous visitor, a signed-in visitor's
 * user id, or `Customer` and four letters of their id. Pass `visitor` to word the anonymous case
 * in another language.
 * @example customerDisplayName({ name: 'Website visitor', emails: [], phones: [], identities: [{ externalId: 'anon:3YjyFTMK' }] }) // 'Visitor 3YJY'
 */
export function customerDisplayName(customer: DisplayNameSource, visitor: (tag: string) => string = (tag) => `Visitor ${tag}`): string {
  const name = customer.name.trim();
  if (name && name !== ANONYMOUS_VISITOR_NAME) return name;
  const contact = customer.emails[0] ?? customer.phones[0];
  if (contact) return contact;
  for (const { externalId } of customer.identities) {
    const tag = anonymousVisitorTag(externalId);
    if (tag) return visitor(tag);
  }
  const user = customer.identities.find((i) => i.externalId.startsWith('user:'));
  if (user) return user.externalId.slice('user:'.length);
  const tag = (customer.id ?? '').replace(/^[a-z]+_/, '').replace(/[^A-Za-z0-9]/g, '').slice(0, 4).toUpperCase();
  return name || (tag ? `Customer ${tag}` : visitor(''));
}

/** Longest template body WhatsApp takes (Twilio error 63021, Meta's body component). */
export const MAX_TEMPLATE_LENGTH = 1024;

/** Why a channel's check failed (see `ChannelCheckCode`). */
export const CHANNEL_CHECK_CODES = ['auth', 'not_found', 'unreachable', 'rate_limited', 'misconfigured', 'rejected', 'unsupported'] as const;

/** Why a bot gave a case to people: the customer asked, the bot decided, it failed, or it did not answer in time. */
export const HANDOFF_REASONS = ['requested', 'bot', 'failed', 'timeout'] as const;

/** Words that always hand a bot's conversation to a person, in English and Spanish (whole words, any case). */
export const DEFAULT_HANDOFF_KEYWORDS = ['human', 'agent', 'person', 'operator', 'representative', 'humano', 'agente', 'persona', 'operador'] as const;

/** Kinds of value a rules bot asks for, each checked before it is kept. */
export const BOT_FIELD_KINDS = ['text', 'email', 'phone'] as const;

/** A billing account's status, as Splynx names it; `blocked` customers cannot use their services. */
export const BILLING_ACCOUNT_STATUSES = ['new', 'active', 'blocked', 'disabled'] as const;
/** What kind of service a customer pays for. */
export const BILLING_SERVICE_TYPES = ['internet', 'voice', 'custom'] as const;
export const BILLING_SERVICE_STATUSES = ['active', 'stopped', 'disabled', 'hidden', 'pending'] as const;
export const INVOICE_STATUSES = ['not_paid', 'paid', 'pending', 'deleted'] as const;
/** How many paid invoices an account keeps beside the unpaid ones. */
export const BILLING_RECENT_INVOICES = 6;
/** What started a sync run. */
export const SYNC_RUN_KINDS = ['full', 'incremental', 'hook', 'push'] as const;
export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'interrupted'] as const;
/** What a sync log entry is about. */
export const SYNC_ENTITIES = ['customer', 'service', 'invoice', 'ticket', 'ticket-message', 'hook', 'connection'] as const;

/** Whether an invoice is unpaid past its due day; `today` is `YYYY-MM-DD`. The one rule of "overdue". */
export function isInvoiceOverdue(invoice: { status: string; dueOn: string | null; due: string }, today: string): boolean {
  return invoice.status === 'not_paid' && Number(invoice.due) > 0 && invoice.dueOn !== null && invoice.dueOn < today;
}

/**
 * What routing rules and automations can test about a customer's billing account, as customer
 * attributes: `billing.status` (`blocked`…) and `billing.overdueInvoices` (a count).
 */
export function billingFacts(
  account: { status: string; invoices: readonly { status: string; dueOn: string | null; due: string }[] } | null,
  today: string,
): Record<string, string | number> {
  if (!account) return {};
  return { 'billing.status': account.status, 'billing.overdueInvoices': account.invoices.filter((invoice) => isInvoiceOverdue(invoice, today)).length };
}
