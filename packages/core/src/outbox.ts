import type { Message } from '@casekit/protocol';
import type { CaseEngine } from './types.ts';
import type { ChannelRecord, Clock, OutboxItem, Store } from './ports.ts';

/** Sends one outbound message through its provider; throws to retry later. */
export interface OutboundSender {
  send(message: Message, channel: ChannelRecord): Promise<{ providerMessageId?: string }>;
}

export interface OutboxWorkerOptions {
  store: Store;
  engine: CaseEngine;
  /** The sender for each channel kind; items of other kinds wait. */
  senders: Partial<Record<ChannelRecord['kind'], OutboundSender>>;
  clock?: Clock;
  /** How long a claimed item stays ours. Default 30 s. */
  leaseMs?: number;
  /** Items per claim. Default 20. */
  batchSize?: number;
  /** Attempts before the message is marked failed. Default 8. */
  maxAttempts?: number;
  /** Delay before retry n (1-based). Default: 2^n seconds, at most 10 minutes. */
  backoffMs?: (attempt: number) => number;
  onError?: (error: unknown, item: OutboxItem) => void;
}

export interface OutboxWorker {
  /** Claims and delivers one batch; resolves to how many items it handled. */
  runOnce(): Promise<number>;
  /** Polls every `intervalMs` until `stop()`. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

const system = (item: OutboxItem) => ({ workspaceId: item.workspaceId, system: 'outbox' });
const defaultBackoff = (attempt: number) => Math.min(2 ** attempt * 1000, 600_000);

/**
 * Delivers queued replies at least once, with backoff; leases keep two nodes from sending the
 * same item at the same time, and delivery statuses only move forward.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, engine, senders } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const leaseMs = options.leaseMs ?? 30_000;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoffMs ?? defaultBackoff;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function deliver(item: OutboxItem): Promise<void> {
    const [message, channel] = await Promise.all([
      store.getMessage(item.workspaceId, item.messageId),
      store.getChannel(item.workspaceId, item.channelId),
    ]);
    if (!message || !channel) {
      await store.completeOutbox(item.workspaceId, item.id);
      return;
    }
    const sender = senders[channel.kind];
    try {
      if (!sender) throw new Error(`No sender configured for ${channel.kind} channels.`);
      await sender.send(message, channel);
      await engine.updateDeliveryStatus(system(item), message.id, 'sent');
      await store.completeOutbox(item.workspaceId, item.id);
    } catch (error) {
      options.onError?.(error, item);
      const attempt = item.attempts + 1;
      const giveUp = attempt >= maxAttempts;
      const retryAt = giveUp ? null : new Date(clock.now().getTime() + backoff(attempt));
      await store.failOutbox(item.workspaceId, item.id, error instanceof Error ? error.message : String(error), retryAt);
      if (giveUp) await engine.updateDeliveryStatus(system(item), message.id, 'failed');
    }
  }

  async function runOnce(): Promise<number> {
    const items = await store.claimOutbox(clock.now(), leaseMs, batchSize);
    await Promise.all(items.map(deliver));
    return items.length;
  }

  return {
    runOnce,
    start(intervalMs = 500) {
      stopped = false;
      const tick = () => {
        running = runOnce()
          .catch(() => 0)
          .then((handled) => {
            if (!stopped) timer = setTimeout(tick, handled === batchSize ? 0 : intervalMs);
          });
      };
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
