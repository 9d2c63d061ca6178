import type { CaseStatus, ChannelKind, Priority } from '@casekit/protocol';

// Local copies of the protocol's value lists: importing them from @casekit/protocol would pull
// zod into every widget bundle. protocol-sync.test.ts keeps them equal.
export const CASE_STATUSES: readonly CaseStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
export const CHANNEL_KINDS: readonly ChannelKind[] = [
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
];
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'solved', 'closed'],
  open: ['pending', 'on_hold', 'solved', 'closed'],
  pending: ['open', 'on_hold', 'solved', 'closed'],
  on_hold: ['open', 'pending', 'solved', 'closed'],
  solved: ['open', 'closed'],
  closed: [],
};

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
