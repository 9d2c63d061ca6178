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
