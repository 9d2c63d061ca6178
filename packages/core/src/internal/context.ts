import { CasekitError, type Case, type CaseChanges, type CaseEvent, type ChannelCapabilities, type NewCaseEvent } from '@casekit/protocol';
import type { Clock, Publisher, Store, StoreReader, StoreTx } from '../ports.ts';
import type { IdempotencyKey } from '../types.ts';
import { idempotentAnswerExpired } from '../store-rules.ts';

/** Appends an event in the running transaction; it is published after the commit. */
type Emit = (event: NewCaseEvent) => Promise<void>;

/** What one engine operation gets: the transaction, the event sink and the operation's time. */
export interface Step {
  tx: StoreTx;
  emit: Emit;
  now: Date;
  /** `now` as ISO text, the form entities keep. */
  at: string;
}

/** What the engine's operations share. */
export interface EngineContext {
  store: Store;
  defaultReopenHours: number;
  /** What a kind of channel can carry, when the engine was told. */
  capabilitiesOf(kind: string): ChannelCapabilities | undefined;
  /** The engine's clock, for reads that decide by the time (reply windows). */
  now(): Date;
  /** Moves on each time a transaction of the workspace commits events: cached reads compare it. */
  generation(workspaceId: string): number;
  /** Runs `fn` as one transaction at one time; publishes its events after the commit. */
  run<T>(workspaceId: string, fn: (step: Step) => Promise<T>, idempotency?: IdempotencyKey): Promise<T>;
}

export function createContext(
  store: Store,
  clock: Clock,
  publisher: Publisher | undefined,
  defaultReopenHours: number,
  onPublishError: (error: unknown) => void,
): EngineContext {
  const generations = new Map<string, number>();
  return {
    store,
    defaultReopenHours,
    generation: (workspaceId) => generations.get(workspaceId) ?? 0,
    capabilitiesOf: () => undefined,
    now: () => clock.now(),
    async run(workspaceId, fn, idempotency) {
      const events: CaseEvent[] = [];
      const now = clock.now();
      const at = now.toISOString();
      let replayed = false;
      const result = await store.transaction(async (tx) => {
        events.length = 0;
        replayed = false;
        if (idempotency) {
          const stored = await tx.getIdempotent(workspaceId, idempotency.scope, idempotency.key);
          // An answer past its time is forgotten: the key runs as new and its answer replaces it.
          if (stored && !idempotentAnswerExpired(stored, at)) {
            if (stored.requestHash !== idempotency.requestHash) {
              throw new CasekitError('conflict', 'This Idempotency-Key was already used with a different request; use a new key.', {
                details: { issues: [{ path: 'headers.idempotency-key', message: 'already used with a different request' }] },
              });
            }
            replayed = true;
            return stored.body as Awaited<ReturnType<typeof fn>>;
          }
        }
        const value = await fn({ tx, emit: async (event) => void events.push(await tx.appendEvent(event)), now, at });
        if (idempotency) {
          await tx.putIdempotent(workspaceId, idempotency.scope, idempotency.key, {
            status: idempotency.status,
            body: value,
            requestHash: idempotency.requestHash,
            storedAt: at,
          });
        }
        return value;
      });
      if (replayed) idempotency?.onReplay?.();
      if (events.length > 0) generations.set(workspaceId, (generations.get(workspaceId) ?? 0) + 1);
      if (events.length > 0 && publisher) {
        // The change is committed: a receiver that fails must not turn it into a failure.
        try {
          publisher.publish(events);
        } catch (error) {
          onPublishError(error);
        }
      }
      return result;
    },
  };
}

export function notFound(what: string, id: string): CasekitError {
  return new CasekitError('not_found', `No ${what} with id "${id}" in this workspace.`);
}

export async function requireCase(reader: StoreReader, workspaceId: string, caseId: string): Promise<Case> {
  const kase = await reader.getCase(workspaceId, caseId);
  if (!kase) throw notFound('case', caseId);
  return kase;
}

/** Which of `keys` differ between `before` and `after`, as [before, after] pairs. */
export function diff<T extends object>(before: T, after: T, keys: readonly (keyof T)[]): CaseChanges {
  const changes: CaseChanges = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key as string] = [before[key], after[key]];
  }
  return changes;
}

export const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const PREVIEW_LENGTH = 140;

/** The first line of a message, trimmed for lists. */
export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat;
}
