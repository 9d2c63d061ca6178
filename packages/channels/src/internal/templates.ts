import { DeliveryError, type ChannelField, type OutboundMessage } from '@casekit/core';
import { MessageTemplate } from '@casekit/protocol/schemas';
import { z } from 'zod';

/** A list of approved templates, each name once. */
function templateList<T extends z.ZodType<{ name: string }>>(entry: T) {
  return z
    .array(entry)
    .max(100, 'lists at most 100 templates')
    .superRefine((list, ctx) => {
      list.forEach((template, i) => {
        if (list.findIndex((other) => other.name === template.name) !== i) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `names "${template.name}" twice: each template is listed once` });
        }
      });
    })
    .optional();
}

/**
 * `config.templates`: the approved templates a WhatsApp channel may send outside the 24-hour
 * window. Twilio sends them by Content SID, so there it is required; Meta sends them by name.
 */
export const templatesSetting = {
  twilio: templateList(MessageTemplate.required({ contentSid: true })),
  cloud: templateList(MessageTemplate.omit({ contentSid: true }).strict()),
};

/** How the channel settings form describes `config.templates`. */
export function templatesField(options: { contentSid: boolean }): ChannelField {
  const example = options.contentSid
    ? '[{"name":"order_update","language":"en","body":"Hi {{1}}, your order {{2}} has shipped.","contentSid":"HX…"}]'
    : '[{"name":"order_update","language":"en_US","body":"Hi {{1}}, your order {{2}} has shipped."}]';
  return {
    name: 'templates',
    label: 'Approved templates',
    required: false,
    type: 'object',
    help: `The templates agents may send once the 24-hour window has closed, as approved${options.contentSid ? ' in the Content Template Builder' : ' in WhatsApp Manager'}: ${example}`,
  };
}

/**
 * The channel's template a message was sent as, looked up by name and language; a permanent
 * `DeliveryError` when the channel no longer lists it.
 */
export function templateOfMessage<T extends { name: string; language: string }>(outbound: OutboundMessage, templates: readonly T[] | undefined): { template: T; variables: string[] } | null {
  const ref = outbound.message.template;
  if (!ref) return null;
  const template = templates?.find((t) => t.name === ref.name && t.language === ref.language);
  if (!template) {
    throw new DeliveryError(`The template "${ref.name}" (${ref.language}) is no longer in the channel's settings; add it again or send another.`, {
      retryable: false,
      code: 'template_missing',
    });
  }
  return { template, variables: ref.variables };
}
