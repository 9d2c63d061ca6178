import type { Attachment, Message } from '@casekit/protocol';
import { DeliveryError, type ChannelAdapter, type ChannelRuntime, type OutboundMessage, type SendResult } from './channel-port.ts';
import type { CaseEngine, SystemActor } from './types.ts';
import type { ChannelRecord, Clock, OutboxItem, Store } from './ports.ts';
import { customerAddressOn } from './internal/reply-targets.ts';

export interface OutboxWorkerOptions {
  store: Store;
  engine: CaseEngine;
  /** The adapter of each channel kind that sends; a message on a kind without one fails. */
  adapters: Readonly<Record<string, Pick<ChannelAdapter, 'send'>>>;
  /** What an adapter sends with: the channel's settings, the public URL, `fetch`. */
  runtime(channel: ChannelRecord): ChannelRuntime;
  /** The bytes of an attachment, for providers that take uploads rather than links. */
  loadAttachment?(attachment: Attachment): Promise<Uint8Array>;
  clock?: Clock;
  /**
   * How long a claimed item stays ours. Default 60 s. A send's requests are cut off shortly
   * before the lease ends (counted as a retryable failure), so no other node sends it meanwhile.
   */
  leaseMs?: number;
  /** Items per claim. Default 20. */
  batchSize?: number;
  /** Attempts before a message that keeps failing is marked failed. Default 10 (about 1.5 hours). */
  maxAttempts?: number;
  /** Delay before attempt n + 1 after n failures (1-based). Default: exponential from 2 s to 15 min, with jitter. */
  backoffMs?: (attempt: number) => number;
  /** Random numbers in [0, 1) for the jitter; tests fix them. */
  random?: () => number;
  onError?: (error: unknown, item: OutboxItem) => void;
}

export interface OutboxWorker {
  /** Claims and delivers one batch; resolves to how many items it handled. */
  runOnce(): Promise<number>;
  /** Polls every `intervalMs` until `stop()`. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

const system = (item: OutboxItem): SystemActor => ({ workspaceId: item.workspaceId, system: 'outbox' });

/** The longest wait before a retry, whatever a provider asks for. */
const MAX_WAIT_MS = 900_000;

/** 2 s, 4 s, 8 s … up to 15 min, each drawn between half and all of it so retries of many messages spread out. */
export function defaultBackoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(2 ** attempt * 1000, MAX_WAIT_MS);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** An error as the message shows it: the provider's code and words, or what went wrong here. */
function describe(error: unknown): { retryable: boolean; code: string; reason: string; retryAfterMs?: number } {
  if (error instanceof DeliveryError) {
    return { retryable: error.retryable, code: error.code, reason: error.message, ...(error.options.retryAfterMs !== undefined && { retryAfterMs: error.options.retryAfterMs }) };
  }
  // Anything else (a bug, a dropped connection the adapter did not name) may pass: try again.
  return { retryable: true, code: 'error', reason: error instanceof Error ? error.message : String(error) };
}

/**
 * Delivers queued replies through their channel's adapter, at least once: leases keep two
 * nodes from sending one item at the same time, retryable failures wait with backoff and
 * jitter, and a permanent one (or the last attempt) fails the message with the provider's
 * reason. The provider's id is stored with the message, so receipts find it.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, engine, adapters } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 10;
  const random = options.random ?? Math.random;
  const backoff = options.backoffMs ?? ((attempt: number) => defaultBackoff(attempt, random));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  /** What the adapter needs besides the message; throws a permanent DeliveryError when the message cannot be addressed. */
  async function outboundOf(message: Message, channel: ChannelRecord): Promise<OutboundMessage> {
    const [conversation, customer] = await Promise.all([
      store.getConversation(message.workspaceId, message.conversationId),
      store.getCustomer(message.workspaceId, message.customerId),
    ]);
    if (!conversation || !customer) throw new DeliveryError('The conversation or the customer of this message is gone.', { retryable: false, code: 'not_found' });
    const email = customer.emails[0];
    const phone = customer.phones[0];
    const externalId = customerAddressOn(customer, channel);
    if (!externalId) {
      throw new DeliveryError(`${customer.name} has no address on "${channel.name}"; reply on a channel they wrote in on.`, { retryable: false, code: 'no_address' });
    }
    const lastInbound = conversation.lastInboundMessageId ? await store.getMessage(message.workspaceId, conversation.lastInboundMessageId) : null;
    return {
      message,
      conversation,
      to: { externalId, name: customer.name, ...(email && { email }), ...(phone && { phone }) },
      lastInbound,
      ...(options.loadAttachment && { loadAttachment: options.loadAttachment }),
    };
  }

  /** The channel's runtime, its requests cut off shortly before `item`'s lease ends: after it, another node may take the item. */
  function leasedRuntime(channel: ChannelRecord, item: OutboxItem): ChannelRuntime {
    const runtime = options.runtime(channel);
    if (item.leaseUntil === null) return runtime;
    const cutoff = AbortSignal.timeout(Math.max(0, Date.parse(item.leaseUntil) - Math.min(leaseMs / 5, 1000) - clock.now().getTime()));
    return { ...runtime, fetch: (input, init) => runtime.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, cutoff]) : cutoff }) };
  }

  async function send(item: OutboxItem, message: Message, channel: ChannelRecord | null) {
    if (!channel) throw new DeliveryError('The channel of this message was removed.', { retryable: false, code: 'not_found' });
    if (!channel.enabled) throw new DeliveryError(`The channel "${channel.name}" is disabled.`, { retryable: false, code: 'channel_disabled' });
    const adapter = adapters[channel.kind];
    if (!adapter) throw new DeliveryError(`This server sends nothing on ${channel.kind} channels; add its adapter.`, { retryable: false, code: 'no_adapter' });
    return adapter.send(await outboundOf(message, channel), leasedRuntime(channel, item));
  }

  async function deliver(item: OutboxItem): Promise<void> {
    const [message, channel] = await Promise.all([
      store.getMessage(item.workspaceId, item.messageId),
      store.getChannel(item.workspaceId, item.channelId),
    ]);
    // Gone, or no longer waiting to be sent (an agent cannot change a reply once queued): done.
    if (!message || (message.status !== 'queued' && message.status !== 'pending')) {
      await store.completeOutbox(item.workspaceId, item.id);
      return;
    }
    let result: SendResult;
    try {
      result = await send(item, message, channel);
    } catch (error) {
      await failed(item, message, error);
      return;
    }
    // It went out: whatever happens from here, it is never sent again.
    try {
      await engine.updateDeliveryStatus(system(item), message.id, 'sent', {
        providerMessageId: result.providerMessageId,
        ...(result.headers && { headers: result.headers }),
      });
    } catch (error) {
      // The provider's id clashes with a stored one (a callback answering the same id twice):
      // the message is still sent; receipts for it will not find it.
      options.onError?.(error, item);
      await engine.updateDeliveryStatus(system(item), message.id, 'sent', result.headers ? { headers: result.headers } : {});
    }
    await store.completeOutbox(item.workspaceId, item.id);
  }

  /** A send that failed: tried again later if it may be, else the message fails with the reason. */
  async function failed(item: OutboxItem, message: Message, error: unknown): Promise<void> {
    options.onError?.(error, item);
    const failure = describe(error);
    const attempt = item.attempts + 1;
    const giveUp = !failure.retryable || attempt >= maxAttempts;
    // A provider's Retry-After is honoured up to the longest backoff; a wild one would make an invalid date.
    const asked = Number.isFinite(failure.retryAfterMs) ? Math.min(failure.retryAfterMs!, MAX_WAIT_MS) : 0;
    const wait = Math.max(backoff(attempt), asked);
    const retryAt = giveUp ? null : new Date(clock.now().getTime() + wait);
    await store.failOutbox(item.workspaceId, item.id, `${failure.code}: ${failure.reason}`.slice(0, 1000), retryAt);
    if (giveUp) {
      await engine.updateDeliveryStatus(system(item), message.id, 'failed', {
        deliveryError: { code: failure.code.slice(0, 100), reason: failure.reason.slice(0, 1000) },
      });
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
