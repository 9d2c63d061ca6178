import { css } from 'lit';

export const slaSettingsStyles = css`
  :host {
    block-size: 100%;
  }
  .root {
    block-size: 100%;
    overflow-y: auto;
    background: var(--_bg);
  }
  form,
  .root > section {
    display: flex;
    flex-direction: column;
    gap: 14px;
    max-inline-size: var(--casekit-sla-settings-max-width, 900px);
    padding: 16px;
  }
  section {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  h2,
  h3 {
    margin: 0;
    font-weight: 650;
  }
  h2 {
    font-size: 1.1em;
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
    font-size: 0.86em;
  }
  .field[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .notice,
  .failure {
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  .failure {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .failure ul {
    margin: 6px 0 0;
    padding-inline-start: 18px;
  }
  fieldset {
    margin: 0;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  fieldset.plain {
    border: 0;
    padding: 0;
    gap: 18px;
  }
  .card {
    padding: 12px 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
  }
  legend {
    font-weight: 600;
    padding-inline: 4px;
  }
  .hours,
  .holidays,
  .escalation {
    border: 0;
    padding: 0;
  }
  .hours legend,
  .holidays legend,
  .escalation legend {
    padding: 0 0 4px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 10px;
    align-items: end;
  }
  .row .control {
    flex: 1 1 180px;
  }
  .day {
    display: grid;
    grid-template-columns: 8em 1fr auto;
    gap: 8px;
    align-items: start;
  }
  .day-name {
    padding-block-start: 8px;
  }
  .intervals {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 14px;
    align-items: center;
    min-block-size: 36px;
  }
  .interval,
  .amount {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 4px;
    align-items: center;
  }
  .cell {
    display: inline-flex;
    flex-direction: column;
    gap: 2px;
  }
  .interval input[type='text'] {
    inline-size: 6.5em;
  }
  .amount input {
    inline-size: 6em;
  }
  .amount .unit {
    inline-size: auto;
  }
  .amount .field-error {
    flex-basis: 100%;
  }
  .targets {
    border-collapse: collapse;
    inline-size: 100%;
  }
  .targets caption {
    text-align: start;
    font-weight: 600;
    padding-block-end: 6px;
  }
  .targets th,
  .targets td {
    text-align: start;
    padding: 4px 6px;
    vertical-align: top;
  }
  .targets thead th {
    font-size: 0.86em;
    color: var(--_muted);
    font-weight: 550;
  }
  .check {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .channels {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
  }
  .channels legend {
    grid-column: 1 / -1;
  }
  .btn.small {
    min-block-size: 30px;
    padding-inline: 10px;
    align-self: start;
  }
  .btn.danger {
    color: var(--_danger);
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    inline-size: 30px;
    block-size: 30px;
    border: 1px solid transparent;
    border-radius: 50%;
    background: none;
    color: var(--_muted);
    cursor: pointer;
  }
  .icon-btn:hover {
    background: var(--_surface);
    color: var(--_text);
  }
  .actions {
    display: flex;
    justify-content: flex-end;
  }
`;
