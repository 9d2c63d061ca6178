import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisitorStatusResponse } from '@casekit/protocol';
import { translate, translateOrdinal, translatePlural } from '../i18n.ts';

/** How often an open chat asks for its place in the queue (on top of every message). */
const STATUS_INTERVAL_MS = 20_000;

/**
 * Whether an agent is online and the visitor's place in line: asked when the panel opens, on
 * every message and reconnect, and every 20 seconds while the panel is open and the page visible.
 */
export class QueueStatus implements ReactiveController {
  /** Whether a human agent is online; null until the server said. */
  agentsAvailable: boolean | null = null;
  /** Whether a bot answers new conversations on the channel. */
  botAnswers = false;
  /** The visitor's place in line, or null when their case is not waiting. */
  position: number | null = null;
  /** Rough seconds until an agent takes the case; null when there is no estimate. */
  estimatedWaitSeconds: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly host: ReactiveControllerHost;
  private readonly status: () => Promise<VisitorStatusResponse> | undefined;

  /** `status` asks the server (the client's `status()`); undefined when there is no client to ask. */
  constructor(host: ReactiveControllerHost, status: () => Promise<VisitorStatusResponse> | undefined) {
    this.host = host;
    this.status = status;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.poll(false);
  }

  /** Asks at once and then every 20 seconds while the page is visible (true), or stops (false). */
  poll(on: boolean): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!on) return;
    void this.refresh();
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, STATUS_INTERVAL_MS);
  }

  async refresh(): Promise<void> {
    try {
      const status = await this.status();
      if (!status) return;
      this.agentsAvailable = status.agentsAvailable;
      this.botAnswers = status.botAnswers === true;
      this.position = status.queuePosition;
      this.estimatedWaitSeconds = status.queuePosition === null ? null : status.estimatedWaitSeconds;
      this.host.requestUpdate();
    } catch {
      // The chat works without it; the next tick asks again.
    }
  }

  /** True once the server said no person is online and no bot answers. */
  get nobodyAnswers(): boolean {
    return this.agentsAvailable === false && !this.botAnswers;
  }

  /** Stops showing a place in line (the chat was reset). */
  clear(): void {
    this.position = null;
    this.estimatedWaitSeconds = null;
  }

  /**
   * The visitor's line in `lang`: their place in the queue with the wait estimate when there is
   * one ("You are 2nd in line — about 5 minutes"), that nobody is available, or nothing.
   */
  line(lang: string): string {
    if (this.position === null) return this.nobodyAnswers ? translate(lang, 'chat.away') : '';
    const place = translateOrdinal(lang, 'chat.place', this.position);
    const wait = waitText(lang, this.estimatedWaitSeconds);
    return wait ? translate(lang, 'chat.queue.estimate', { place, wait }) : place;
  }
}

/** A wait estimate in whole minutes (hours from 90 minutes on); empty when there is none. */
function waitText(lang: string, seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return translate(lang, 'chat.wait.soon');
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? translatePlural(lang, 'chat.wait.minutes', minutes) : translatePlural(lang, 'chat.wait.hours', Math.round(minutes / 60));
}
