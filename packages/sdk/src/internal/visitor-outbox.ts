import type { Attachment } from '@casekit/protocol';
import type { PendingMessage } from '../visitor-client.ts';
import { randomId } from './random-id.ts';
import type { StoredPending, VisitorStore } from './visitor-store.ts';

/** The public shape of an outbox entry. */
export function toPending(item: StoredPending): PendingMessage {
  return {
    clientMessageId: item.clientMessageId,
    text: item.text,
    createdAt: item.createdAt,
    status: item.status,
    ...(item.attachments ? { attachments: item.attachments } : {}),
  };
}

/**
 * The visitor's messages not yet acknowledged by the server, in send order, mirrored in the
 * store so a reload or a closed tab keeps them. Sending them is the client's job.
 */
export class VisitorOutbox {
  #store: VisitorStore;
  #items = new Map<string, StoredPending>();
  #order = 0;
  #loaded: Promise<void> | null = null;
  #onLoad: () => void;

  /** `onLoad` runs once the stored messages are read (the view shows them). */
  constructor(store: VisitorStore, onLoad: () => void) {
    this.#store = store;
    this.#onLoad = onLoad;
  }

  /** Reads what the store kept, once (again after `reset()`). */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      for (const item of await this.#store.listPending()) {
        this.#items.set(item.clientMessageId, item);
        this.#order = Math.max(this.#order, item.order);
      }
      this.#onLoad();
    })();
    return this.#loaded;
  }

  /** Stores a new message before any request: from here on a crash still sends it later. */
  async add(text: string, attachments: Attachment[] | undefined): Promise<StoredPending> {
    await this.load();
    const item: StoredPending = {
      scope: '',
      clientMessageId: randomId(),
      text,
      ...(attachments?.length ? { attachments } : {}),
      createdAt: new Date().toISOString(),
      status: 'pending',
      order: ++this.#order,
    };
    await this.#store.putPending(item);
    this.#items.set(item.clientMessageId, item);
    return item;
  }

  get(clientMessageId: string): StoredPending | undefined {
    return this.#items.get(clientMessageId);
  }

  get size(): number {
    return this.#items.size;
  }

  /** Every entry, in send order. */
  items(): StoredPending[] {
    return [...this.#items.values()];
  }

  /** Every entry in its public shape, in send order. */
  pending(): PendingMessage[] {
    return this.items().map(toPending);
  }

  /** Marks an entry `pending` (to send again) or `failed` (refused), in the store too. */
  async mark(item: StoredPending, status: StoredPending['status']): Promise<void> {
    item.status = status;
    await this.#store.putPending(item);
  }

  /** Drops an entry the server has (or the visitor discarded); false when there was none. */
  async remove(clientMessageId: string): Promise<boolean> {
    if (!this.#items.delete(clientMessageId)) return false;
    await this.#store.deletePending(clientMessageId);
    return true;
  }

  /** Forgets the entries held in memory; `reload` reads the store again on the next `load()`. */
  clear(reload = false): void {
    this.#items.clear();
    if (reload) this.#loaded = null;
  }
}
