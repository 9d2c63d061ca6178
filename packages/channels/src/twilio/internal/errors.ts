/** Twilio's error 63016: a free-form WhatsApp message outside the 24-hour customer service window. */
export const WINDOW_CLOSED = '63016';

// Reasons for the codes status callbacks carry without an ErrorMessage, in Twilio's words.
const KNOWN_REASONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '21211': "The 'To' number is not a valid phone number.",
    '21610': 'The recipient has unsubscribed (they replied STOP); they must reply START before they can be messaged again.',
    '21614': "The 'To' number is not a valid mobile number.",
    '30003': 'Unreachable destination handset.',
    '30004': 'Message blocked by the recipient or their carrier.',
    '30005': 'Unknown destination handset: the number does not exist.',
    '30006': 'Landline or unreachable carrier.',
    '30007': 'Message filtered by the carrier.',
    '30008': 'Unknown error from the carrier.',
  }),
);

/**
 * A Twilio error as a delivery error: Twilio's code and its message, with a link to its page.
 * 63016 becomes `window_closed`, saying that a template is needed.
 */
export function describeTwilioError(code: string | undefined, message: string | undefined): { code: string; reason: string } {
  if (code === WINDOW_CLOSED) {
    return {
      code: 'window_closed',
      reason:
        "WhatsApp's 24-hour customer service window is closed (Twilio error 63016): a free-form message cannot be sent now. " +
        'Send an approved template (ContentSid) to reopen the conversation, or wait for the customer to write again.',
    };
  }
  if (!code) return { code: 'unknown', reason: message || 'Twilio reported a failure without an error code.' };
  const reason = message || KNOWN_REASONS.get(code) || `Twilio error ${code}.`;
  return { code, reason: `${reason} See https://www.twilio.com/docs/api/errors/${code}` };
}
