import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The part of the SDK clients' event emitter the controller needs. */
export interface Emitter {
  on(event: never, fn: never): unknown;
  off(event: never, fn: never): unknown;
}

// Listener signatures are checked where handlers are written; here they are passed through.
type Handlers = Record<string, (...args: never[]) => void>;
type LooseEmitter = { on(e: string, fn: unknown): unknown; off(e: string, fn: unknown): unknown };

/**
 * Subscribes a widget to an SDK client's events while the widget is connected, and follows
 * the client when it changes (context or property). Unsubscribes on disconnect so a removed
 * widget never leaks listeners or updates.
 */
export class ClientController<C extends Emitter> implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly getClient: () => C | undefined;
  private readonly handlers: Handlers;
  private readonly onAttach: ((client: C) => void) | undefined;
  private attached: C | undefined;
  private connected = false;

  constructor(
    host: ReactiveControllerHost,
    options: { client: () => C | undefined; on: Handlers; attached?: (client: C) => void },
  ) {
    this.host = host;
    this.getClient = options.client;
    this.handlers = options.on;
    this.onAttach = options.attached;
    host.addController(this);
  }

  /** The client currently subscribed to, if any. */
  get client(): C | undefined {
    return this.attached;
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostUpdate(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.detach();
  }

  /** Re-reads the client; call after setting it outside of a Lit update. */
  sync(): void {
    const next = this.connected ? this.getClient() : undefined;
    if (next === this.attached) return;
    this.detach();
    if (!next) return;
    for (const [name, fn] of Object.entries(this.handlers)) (next as unknown as LooseEmitter).on(name, fn);
    this.attached = next;
    this.onAttach?.(next);
  }

  private detach(): void {
    const prev = this.attached;
    if (!prev) return;
    for (const [name, fn] of Object.entries(this.handlers)) (prev as unknown as LooseEmitter).off(name, fn);
    this.attached = undefined;
  }
}
