import { css } from 'lit';

/** The frame of a view shown in place of the case (channel settings, agents, live queue, routing): a scrolling page with a title, and its tables. */
export const panelStyles = css`
  :host {
    display: block;
    block-size: 100%;
  }
  .root {
    block-size: 100%;
    overflow-y: auto;
    background: var(--_bg);
  }
  h2,
  h3 {
    margin: 0;
    font-size: 1.1em;
    font-weight: 650;
  }
  h3 {
    font-size: 1em;
  }
  p {
    margin: 0;
  }
  .muted {
    color: var(--_muted);
  }
  .error,
  .field-error {
    color: var(--_danger);
  }
  .field-error {
    font-size: 0.86em;
  }
  .field[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .notice {
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  .btn.danger {
    color: var(--_danger);
  }
  table {
    inline-size: 100%;
    border-collapse: collapse;
    font-size: 0.92em;
  }
  th,
  td {
    padding: 8px 6px;
    border-block-end: 1px solid var(--_border);
    text-align: start;
    vertical-align: middle;
  }
  thead th {
    color: var(--_muted);
    font-weight: 600;
  }
`;
