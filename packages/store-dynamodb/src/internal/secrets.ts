import type { AgentRecord, ChannelRecord } from '@casekit/core';
import { CasekitError } from '@casekit/protocol';
import { docOf, type Context } from './table.ts';
import type { Item } from './write-set.ts';

/** A channel's or bot's document as stored: its secrets sealed when the store has a box. */
export function sealedDoc(ctx: Context, record: ChannelRecord | AgentRecord): string {
  const { secrets, ...rest } = record;
  if (!ctx.box?.encrypts || secrets === undefined) return JSON.stringify(record);
  return JSON.stringify({ ...rest, sealedSecrets: Object.keys(secrets).length === 0 ? null : ctx.box.seal(JSON.stringify(secrets)) });
}

/** A channel or bot as read: sealed secrets opened (a store without its box cannot). */
export function openedDoc<T extends ChannelRecord | AgentRecord>(ctx: Context, item: Item | null): T | null {
  const doc = docOf<T & { sealedSecrets?: string | null }>(item);
  if (!doc || !('sealedSecrets' in doc)) return doc;
  const { sealedSecrets, ...rest } = doc;
  if (sealedSecrets && !ctx.box) throw new CasekitError('unavailable', 'This table keeps channel secrets sealed; open the store with its secret box (CASEKIT_SECRET_KEY).');
  return { ...rest, secrets: sealedSecrets ? (JSON.parse(ctx.box!.open(sealedSecrets)) as Record<string, string>) : {} } as unknown as T;
}
