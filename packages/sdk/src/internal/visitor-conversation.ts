import { isForwardStatus, type DeliveryStatus, type Message } from '@casekit/protocol';
import type { ChatItem, PendingMessage } from '../visitor-client.ts';


/**
 * The visitor's conversation as this page knows it: confirmed messages from history, realtime
 * and send answers, once each, ordered by `createdAt`, with delivery states that only move forward.
 */
export class VisitorConversation {
  #confirmed: Message[] = [];
  #ids = new Set<string>();

  /** Adds or updates a confirmed message; true when it was new. Internal notes never show. */
  merge(message: Message): boolean {
    if (message.internal) return false;
    if (this.#ids.has(message.id)) {
      const index = this.#confirmed.findIndex((m) => m.id === message.id);
      const current = this.#confirmed[index];
      if (current && isForwardStatus(current.status, message.status)) this.#confirmed[index] = message;
      return false;
    }
    this.#ids.add(message.id);
    let at = this.#confirmed.length;
    while (at > 0 && this.#confirmed[at - 1]!.createdAt > message.createdAt) at--;
    this.#confirmed.splice(at, 0, message);
    return true;
  }

  /** Moves a message's delivery state on; true when the view changed. */
  advance(messageId: string, status: DeliveryStatus): boolean {
    const index = this.#confirmed.findIndex((m) => m.id === messageId);
    const current = this.#confirmed[index];
    if (!current || !isForwardStatus(current.status, status)) return false;
    this.#confirmed[index] = { ...current, status };
    return true;
  }

  /** The confirmed message sent with `clientMessageId`, if the server has answered for it. */
  sent(clientMessageId: string): Message | undefined {
    return this.#confirmed.find((m) => m.clientMessageId === clientMessageId);
  }

  clear(): void {
    this.#confirmed = [];
    this.#ids.clear();
  }

  /** The confirmed messages, then the ones still waiting, as one frozen list. */
  withPending(pending: PendingMessage[]): ReadonlyArray<ChatItem> {
    return Object.freeze([...this.#confirmed, ...pending]);
  }
}
