import type { EventEmitter } from 'eventemitter3';

/** The typed listener API both clients expose (eventemitter3 underneath). */
export interface TypedEmitter<E extends EventEmitter.ValidEventTypes> {
  /** Adds a listener. */
  on<K extends EventEmitter.EventNames<E>>(event: K, listener: EventEmitter.EventListener<E, K>, context?: unknown): this;
  /** Adds a listener that runs at most once. */
  once<K extends EventEmitter.EventNames<E>>(event: K, listener: EventEmitter.EventListener<E, K>, context?: unknown): this;
  /** Removes a listener (or all listeners of the event when none is given). */
  off<K extends EventEmitter.EventNames<E>>(
    event: K,
    listener?: EventEmitter.EventListener<E, K>,
    context?: unknown,
    once?: boolean,
  ): this;
}

/** Browser-safe random id: randomUUID where the page is a secure context, random bytes otherwise. */
export function randomId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
