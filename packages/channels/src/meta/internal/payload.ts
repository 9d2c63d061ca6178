import { ChannelPayloadError } from '@casekit/core';
import type { z } from 'zod';

/** Which Meta product a webhook body belongs to (its top-level `object`). */
export type MetaObject = 'whatsapp_business_account' | 'page' | 'instagram';

/**
 * Reads a verified body as JSON and checks that it belongs to the product this channel serves:
 * a Messenger body sent to a WhatsApp channel is refused rather than half-read.
 */
export function readMetaBody(body: Uint8Array, expected: MetaObject): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new ChannelPayloadError('The webhook body is not UTF-8 JSON, so it is not a Meta webhook.');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ChannelPayloadError('The webhook body is not a JSON object, so it is not a Meta webhook.');
  }
  const object = (payload as Record<string, unknown>).object;
  if (object !== expected) {
    throw new ChannelPayloadError(
      `The webhook body is for Meta object "${String(object)}" but this channel reads "${expected}": point that product's webhook at its own channel.`,
    );
  }
  return payload as Record<string, unknown>;
}

/** Parses `payload` with `schema`, turning a mismatch into a `ChannelPayloadError` naming the field. */
export function readShape<T extends z.ZodType>(schema: T, payload: unknown): z.infer<T> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(body)';
  throw new ChannelPayloadError(`The Meta webhook body cannot be read at ${path}: ${issue.message}.`);
}

/** An ISO 8601 time from Meta's epoch seconds (WhatsApp, as a string) or milliseconds (Messenger). */
export function isoFromEpoch(value: string | number | undefined, unit: 's' | 'ms'): string | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const date = new Date(unit === 's' ? n * 1000 : n);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
