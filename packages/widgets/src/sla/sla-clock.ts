import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { SLA_METRICS } from '@casekit/protocol';
import type { CaseSla, SlaClock } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { slaClockStyles } from './sla-clock.styles.ts';
import { resolveLang, translate } from '../i18n.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-sla.ts';
import { formatFull, formatMinutes } from '../internal/format.ts';
import * as icons from '../internal/icons.ts';

/** One of a case's three SLA clocks. */
export type SlaMetric = (typeof SLA_METRICS)[number];

/** How a clock reads at one moment: its tone (colour) and the moment its text counts from. */
type ClockReading =
  | { tone: 'ok' | 'warning'; dueAt: number }
  | { tone: 'breached'; since: number }
  | { tone: 'paused'; leftSeconds: number | null }
  | { tone: 'met' | 'none' };

const MINUTE = 60_000;
const time = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

/** A clock as of `now`: a running clock past its due time reads as breached before the server says so. */
function readClock(clock: SlaClock, now: number): ClockReading {
  switch (clock.state) {
    case 'running': {
      const dueAt = time(clock.dueAt);
      if (Number.isNaN(dueAt)) return { tone: 'none' };
      if (dueAt <= now) return { tone: 'breached', since: dueAt };
      return { tone: time(clock.warnAt) <= now ? 'warning' : 'ok', dueAt };
    }
    case 'breached':
      return { tone: 'breached', since: time(clock.breachedAt) };
    case 'paused':
      return { tone: 'paused', leftSeconds: clock.targetSeconds === null ? null : clock.targetSeconds - clock.elapsedSeconds };
    default:
      return { tone: clock.state };
  }
}

/** Lower is more urgent: overdue and still waiting, then running by due time, then the rest. */
function urgency(clock: SlaClock, now: number): number {
  const reading = readClock(clock, now);
  if (reading.tone === 'breached') return clock.metAt ? 3e15 : reading.since - 2e15;
  if (reading.tone === 'ok' || reading.tone === 'warning') return reading.dueAt;
  return reading.tone === 'paused' ? 4e15 : Infinity;
}

/** The metric whose clock needs an answer soonest, or undefined when no clock runs, waits or breached. */
function mostUrgentMetric(sla: CaseSla, now = Date.now()): SlaMetric | undefined {
  let best: SlaMetric | undefined;
  let bestScore = Infinity;
  for (const metric of SLA_METRICS) {
    const score = urgency(sla[metric], now);
    if (score < bestScore) [best, bestScore] = [metric, score];
  }
  return best;
}

/**
 * A compact SLA clock: the time left on one of a case's clocks ("32 min left", updated each minute),
 * or that it is paused, met or breached ("Breached 12 min ago"), coloured by state (warning, danger).
 * Without `metric` it shows the case's most urgent clock, and nothing when no clock runs or breached.
 * Screen readers hear it as a timer named after the metric; it does not interrupt them as it ticks.
 *
 * @example
 * <casekit-sla-clock .sla=${kase.sla} metric="firstResponse" show-label></casekit-sla-clock>
 *
 * @csspart clock - The clock: icon, label and text; `data-state` is ok, warning, breached, paused, met or none.
 * @csspart label - The metric's name (with `show-label`).
 *
 * @cssproperty --casekit-sla-clock-font-size - Text size (default 0.86em; 0.78em when `compact`).
 */
@customElement('casekit-sla-clock')
export class CasekitSlaClock extends LitElement {
  static override styles = [themeStyles, slaClockStyles];

  /** The case's clocks (`case.sla`); nothing is shown without them. */
  @property({ attribute: false }) accessor sla: CaseSla | undefined;
  /** `firstResponse`, `nextResponse` or `resolution`; unset for the most urgent clock. */
  @property() accessor metric: SlaMetric | undefined;
  /** Shows the metric's name before the time. */
  @property({ type: Boolean, attribute: 'show-label' }) accessor showLabel = false;
  /** Smaller, for list rows. */
  @property({ type: Boolean, reflect: true }) accessor compact = false;
  /** Set for a moment to draw the eye (a breach just announced); the host removes it. */
  @property({ type: Boolean, reflect: true }) accessor flash = false;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor locale = 'en';
  @state() private accessor tick = 0;

  private timer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLang(this);
    // Moved in the page (a list re-ordering its rows): draw the time now and start counting again.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The metric shown: the one asked for, or the most urgent. */
  get shownMetric(): SlaMetric | undefined {
    return this.sla ? (this.metric ?? mostUrgentMetric(this.sla)) : undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.schedule();
  }

  /** Re-renders when the text or colour next changes: at the next whole minute left or since, or at the warning. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const metric = this.shownMetric;
    if (!this.sla || !metric || !this.isConnected) return;
    const now = Date.now();
    const reading = readClock(this.sla[metric], now);
    let delay: number;
    if (reading.tone === 'ok' || reading.tone === 'warning') {
      delay = (reading.dueAt - now) % MINUTE || MINUTE;
      const warnIn = time(this.sla[metric].warnAt) - now;
      if (warnIn > 0) delay = Math.min(delay, warnIn);
    } else if (reading.tone === 'breached' && !Number.isNaN(reading.since)) {
      delay = MINUTE - ((now - reading.since) % MINUTE);
    } else {
      return;
    }
    // Without a metric, another clock may become the most urgent: look again each minute at least.
    this.timer = setTimeout(() => this.tick++, Math.min(delay, MINUTE));
  }

  private text(reading: ClockReading): string {
    const now = Date.now();
    const lang = this.locale;
    switch (reading.tone) {
      case 'ok':
      case 'warning':
        return translate(lang, 'sla.left', { time: formatMinutes(Math.ceil((reading.dueAt - now) / MINUTE), lang) });
      case 'breached': {
        const minutes = Math.floor((now - reading.since) / MINUTE);
        if (Number.isNaN(minutes)) return translate(lang, 'sla.breached');
        return minutes < 1 ? translate(lang, 'sla.breachedNow') : translate(lang, 'sla.breachedAgo', { time: formatMinutes(minutes, lang) });
      }
      case 'paused':
        return reading.leftSeconds === null || reading.leftSeconds <= 0
          ? translate(lang, 'sla.paused')
          : translate(lang, 'sla.pausedLeft', { time: formatMinutes(Math.ceil(reading.leftSeconds / 60), lang) });
      case 'met':
        return translate(lang, 'sla.met');
      default:
        return translate(lang, 'sla.none');
    }
  }

  protected override render() {
    void this.tick;
    const metric = this.shownMetric;
    if (!this.sla || !metric) return nothing;
    const clock = this.sla[metric];
    const reading = readClock(clock, Date.now());
    if (!this.metric && (reading.tone === 'met' || reading.tone === 'none')) return nothing;
    const label = translate(this.locale, `sla.${metric}`);
    const text = this.text(reading);
    const at = reading.tone === 'ok' || reading.tone === 'warning' ? clock.dueAt : reading.tone === 'breached' ? clock.breachedAt ?? clock.dueAt : reading.tone === 'met' ? clock.metAt : null;
    const when = at ? translate(this.locale, reading.tone === 'ok' || reading.tone === 'warning' ? 'sla.dueAt' : reading.tone === 'met' ? 'sla.metAt' : 'sla.breachedAt', { time: formatFull(at, this.locale) }) : '';
    return html`<span class="root" lang=${this.locale}>
      <span part="clock" class="clock" data-state=${reading.tone} role="timer" aria-label=${`${label}: ${text}`} title=${when || nothing}>
        <span class="icon" aria-hidden="true">${reading.tone === 'breached' ? icons.alert : reading.tone === 'met' ? icons.check : icons.clock}</span>
        ${this.showLabel ? html`<span part="label" class="label" aria-hidden="true">${label}</span>` : nothing}
        <span class="text" aria-hidden="true">${text}</span>
      </span>
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-sla-clock': CasekitSlaClock;
  }
}
