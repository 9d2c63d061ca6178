import { z } from 'zod';

/** Every kind of channel a customer can write in on. */
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
export const ChannelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof ChannelKind>;

/** Case statuses; allowed moves between them are in `CASE_TRANSITIONS`. */
export const CASE_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;

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
} as const satisfies Record<CaseStatus, readonly CaseStatus[]>;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PRESENCES = ['online', 'away', 'offline'] as const;
export const Presence = z.enum(PRESENCES);
export type Presence = z.infer<typeof Presence>;

export const AUTHOR_KINDS = ['customer', 'agent', 'bot', 'system'] as const;
export const AuthorKind = z.enum(AUTHOR_KINDS);
export type AuthorKind = z.infer<typeof AuthorKind>;

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const Direction = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof Direction>;

/** Delivery statuses only move forward, in this order; `failed` may follow any but `read`. */
export const DELIVERY_STATUSES = ['pending', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;
