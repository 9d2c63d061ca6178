import { z } from 'zod';

/** Opaque identifier: letters, digits, `_` and `-`, at most 64 characters. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"');
/** ISO-8601 timestamp in UTC. */
export const Timestamp = z.iso.datetime();
