import { MessageTemplate } from '@casekit/protocol/schemas';
import {
  CasekitError,
  defaultReplyConversation,
  MAX_TEMPLATE_LENGTH,
  renderTemplate,
  templateVariableCount,
  type Case,
  type Channel,
  type ChannelCapabilities,
  type Conversation,
  type Customer,
  type MessageTemplateRef,
  type ReplyChannel,
} from '@casekit/protocol';
import type { StoreReader } from '../ports.ts';

// Where a reply may go and what may go there: one decision, used by the engine when it stores a
// reply, by the outbox when it addresses one, and by the case read that lists "Reply via".

const HOUR_MS = 3_600_000;
const Templates = MessageTemplate.array();

/**
 * The customer's address on a channel: their identity on it; else, on email, SMS and WhatsApp,
 * their first email or phone number (addresses every provider of the medium shares). Null when
 * the channel cannot reach them.
 */
export function customerAddressOn(customer: Customer, channel: Pick<Channel, 'id' | 'medium'>): string | null {
  const identity = customer.identities.find((i) => i.channelId === channel.id);
  if (identity) return identity.externalId;
  if (channel.medium === 'email') return customer.emails[0] ?? null;
  if (channel.medium === 'sms' || channel.medium === 'whatsapp') return customer.phones[0] ?? null;
  return null;
}

/** The approved templates a channel lists in `config.templates`, when its kind sends templates. */
function templatesOf(channel: Pick<Channel, 'config'>, capabilities: ChannelCapabilities | undefined): MessageTemplate[] {
  if (!capabilities?.templates) return [];
  const parsed = Templates.safeParse(channel.config.templates ?? []);
  return parsed.success ? parsed.data : [];
}

/** What a reply on one channel of a case may be: where it goes and whether free text may go now. */
export interface ReplyTarget {
  channel: Channel;
  capabilities: ChannelCapabilities | undefined;
  /** The case's conversation on the channel (the latest); null: a reply starts a new one. */
  conversation: Conversation | null;
  address: string | null;
  lastInboundAt: string | null;
  windowClosesAt: string | null;
  freeForm: boolean;
  templates: MessageTemplate[];
}

/**
 * Decides a reply on `channel` for the case: free text may go where the channel has a reply window
 * and the customer wrote on it (in any of their conversations) within it; where it has none, when
 * we may write first (`canInitiate`) or they have written on it before. Otherwise only a template.
 */
export async function replyTargetOn(
  reader: StoreReader,
  facts: { kase: Case; customer: Customer; channel: Channel; caseConversations: readonly Conversation[]; capabilities: ChannelCapabilities | undefined; now: Date },
): Promise<ReplyTarget> {
  const { kase, customer, channel, capabilities, now } = facts;
  const own = facts.caseConversations.filter((c) => c.channelId === channel.id);
  const conversation = defaultReplyConversation(own);
  const latest = await reader.findLatestConversation(kase.workspaceId, customer.id, channel.id);
  const lastInboundAt = [...own, latest].reduce<string | null>((last, c) => (c?.lastInboundAt && (!last || c.lastInboundAt > last) ? c.lastInboundAt : last), null);
  const hours = capabilities?.replyWindowHours ?? null;
  const windowClosesAt = hours !== null && lastInboundAt ? new Date(Date.parse(lastInboundAt) + hours * HOUR_MS).toISOString() : null;
  let freeForm = true;
  if (capabilities && hours !== null) freeForm = windowClosesAt !== null && now.getTime() < Date.parse(windowClosesAt);
  else if (capabilities) freeForm = capabilities.canInitiate || conversation !== null || lastInboundAt !== null;
  return {
    channel,
    capabilities,
    conversation,
    address: customerAddressOn(customer, channel),
    lastInboundAt,
    windowClosesAt: freeForm ? windowClosesAt : null,
    freeForm,
    templates: templatesOf(channel, capabilities),
  };
}

/** A target as the API lists it in the case's `replyChannels`. */
export function toReplyChannel(target: ReplyTarget & { address: string }): ReplyChannel {
  const { channel } = target;
  return {
    channelId: channel.id,
    name: channel.name,
    kind: channel.kind,
    medium: channel.medium,
    enabled: channel.enabled,
    conversationId: target.conversation?.id ?? null,
    address: target.address,
    freeForm: target.freeForm,
    windowClosesAt: target.windowClosesAt,
    lastInboundAt: target.lastInboundAt,
    templates: target.templates.map(({ name, language, body }) => ({ name, language, body })),
    capabilities: target.capabilities ?? null,
  };
}

const issue = (path: string, message: string) => new CasekitError('validation_failed', message, { details: { issues: [{ path, message }] } });

/** The error of free text where only a template may go; its details name the templates a client can offer. */
export function windowClosed(target: ReplyTarget): CasekitError {
  const { channel, capabilities } = target;
  const hours = capabilities?.replyWindowHours ?? null;
  const offer = target.templates.length > 0 ? `send one of its approved templates (${target.templates.map((t) => t.name).join(', ')})` : 'send an approved template';
  const message =
    hours !== null
      ? `${channel.name} allows free-form replies only within ${hours} hours of the customer's last message${target.lastInboundAt ? ` (${target.lastInboundAt})` : ', and they have not written on it'}; ${offer}, or reach them on another channel.`
      : `${channel.name} cannot write first to someone who has not written on it; reach the customer on another channel.`;
  return new CasekitError('reply_window_closed', message, {
    details: {
      channelId: channel.id,
      lastInboundAt: target.lastInboundAt,
      windowHours: hours,
      templates: target.templates.map((t) => t.name),
    },
  });
}

/**
 * A template reply checked against the channel: the template exists, its variables are all given.
 * Returns the text the customer receives and the reference stored with the message.
 */
export function renderTemplateReply(target: ReplyTarget, request: { name: string; variables?: string[] | undefined }): { text: string; template: MessageTemplateRef } {
  const { channel } = target;
  if (!target.capabilities?.templates) throw issue('body.template', `${channel.name} sends no templates; write the reply as text.`);
  const template = target.templates.find((t) => t.name === request.name);
  if (!template) {
    const known = target.templates.map((t) => t.name);
    throw issue('body.template.name', `${channel.name} has no template "${request.name}"; ${known.length ? `it has ${known.join(', ')}` : 'an admin lists its approved templates in the channel settings'}.`);
  }
  const variables = request.variables ?? [];
  if (variables.some((value) => !value.trim())) throw issue('body.template.variables', 'Every value of a template must have text: WhatsApp refuses an empty one.');
  const count = templateVariableCount(template.body);
  if (variables.length !== count) {
    const takes = count === 0 ? 'no variables' : count === 1 ? 'one variable ({{1}})' : `${count} variables ({{1}}…{{${count}}})`;
    throw issue('body.template.variables', `The template "${template.name}" takes ${takes}; ${variables.length} given.`);
  }
  const text = renderTemplate(template.body, variables);
  if (text.length > MAX_TEMPLATE_LENGTH) {
    throw issue('body.template.variables', `The template "${template.name}" filled in has ${text.length} characters; WhatsApp takes at most ${MAX_TEMPLATE_LENGTH}.`);
  }
  return { text, template: { name: template.name, language: template.language, variables } };
}
