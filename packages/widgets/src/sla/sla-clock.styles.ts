import { css } from 'lit';

export const slaClockStyles = css`
  :host {
    display: inline-block !important;
    vertical-align: middle;
  }
  .root {
    display: inline-flex;
  }
  .clock {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding-block: 1px;
    padding-inline: 6px;
    border-radius: 999px;
    font-size: var(--casekit-sla-clock-font-size, 0.86em);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    color: var(--_text);
    background: var(--_surface);
  }
  :host([compact]) .clock {
    font-size: var(--casekit-sla-clock-font-size, 0.78em);
    padding-inline: 4px;
  }
  .icon {
    display: inline-flex;
    inline-size: 1.1em;
    block-size: 1.1em;
  }
  .icon svg {
    inline-size: 100%;
    block-size: 100%;
  }
  .label {
    font-weight: 550;
  }
  .clock[data-state='paused'],
  .clock[data-state='none'] {
    color: var(--_muted);
  }
  .clock[data-state='met'] {
    color: var(--_success);
  }
  .clock[data-state='warning'] {
    color: var(--_warning);
    background: var(--_warning-bg);
  }
  .clock[data-state='breached'] {
    color: var(--_danger);
    font-weight: 600;
  }
  :host([flash]) .clock {
    animation: casekit-sla-flash 700ms ease-in-out 3;
  }
  @keyframes casekit-sla-flash {
    50% {
      box-shadow: 0 0 0 3px var(--_danger);
    }
  }
`;
