// The value lists come from the protocol's zod-free module, so widget bundles carry no schemas.
export { CASE_STATUSES, CASE_TRANSITIONS, CHANNEL_KINDS, PRIORITIES } from '@casekit/protocol';

/** Most characters one message may carry on a channel kind. */
export function channelLimit(kind: string | undefined): number {
  switch (kind) {
    case 'sms':
      return 1600;
    case 'whatsapp':
      return 4096;
    case 'x':
      return 10000;
    default:
      return 10000;
  }
}
