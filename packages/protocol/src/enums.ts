import { z } from 'zod';
import { CHANNEL_KINDS, CASE_STATUSES, PRIORITIES, ROLES, PRESENCES, AUTHOR_KINDS, DIRECTIONS, DELIVERY_STATUSES } from './values.ts';

export const ChannelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Presence = z.enum(PRESENCES);
export type Presence = z.infer<typeof Presence>;

export const AuthorKind = z.enum(AUTHOR_KINDS);
export type AuthorKind = z.infer<typeof AuthorKind>;

export const Direction = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof Direction>;

export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;
