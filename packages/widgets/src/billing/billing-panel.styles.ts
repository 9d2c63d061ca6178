import { css } from 'lit';

export const billingPanelStyles = css`
  .root {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 12px 16px;
    border-block-start: 1px solid var(--_border);
  }
  h3,
  h4 {
    margin: 0;
    font-size: 1em;
    font-weight: 650;
  }
  h4 {
    margin-block-start: 6px;
    font-size: 0.92em;
  }
  p {
    margin: 0;
  }
  .muted {
    color: var(--_muted);
    font-weight: 400;
  }
  .error {
    color: var(--_danger);
  }
  .summary {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 4px 10px;
    align-items: center;
  }
  .badge {
    justify-self: start;
    display: inline-block;
    padding: 1px 8px;
    border-radius: 999px;
    border: 1px solid var(--_border);
    font-size: 0.84em;
    font-weight: 600;
  }
  .badge.active {
    color: var(--_success);
  }
  .badge.warning {
    color: var(--_warning);
    background: var(--_warning-bg);
    border-color: currentColor;
  }
  .owed {
    color: var(--_warning);
  }
  ul {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: flex;
    flex-direction: column;
  }
  .detail {
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  table {
    inline-size: 100%;
    border-collapse: collapse;
    font-size: 0.92em;
  }
  th,
  td {
    padding: 4px;
    border-block-end: 1px solid var(--_border);
    text-align: start;
    font-weight: 400;
  }
  thead th {
    color: var(--_muted);
    font-weight: 600;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  summary {
    cursor: pointer;
    padding-block: 4px;
  }
  summary:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  footer {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 6px;
    font-size: 0.9em;
  }
  a {
    color: var(--_accent);
  }
`;
