import { css } from 'lit';

export const queueStyles = css`
  section {
    display: flex;
    flex-direction: column;
    gap: 12px;
    max-inline-size: var(--casekit-queue-max-width, 1100px);
    padding: 16px;
  }
  th,
  td {
    padding: 6px;
  }
  .case-link {
    padding: 0;
    border: 0;
    background: none;
    color: var(--_accent);
    text-align: start;
    cursor: pointer;
    text-decoration: underline;
  }
  .priority-urgent,
  .priority-high {
    color: var(--_danger);
    font-weight: 600;
  }
  .waiting {
    font-variant-numeric: tabular-nums;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
  }
  .actions .field {
    inline-size: auto;
    max-inline-size: 16em;
  }
  .agents {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
    gap: 10px;
    padding: 0;
    margin: 0;
    list-style: none;
  }
  .agent {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  .agent-name {
    display: flex;
    align-items: center;
    gap: 6px;
    font-weight: 600;
  }
  .load {
    display: grid;
    grid-template-columns: 7em 1fr 3.5em;
    align-items: center;
    gap: 6px;
    font-size: 0.88em;
  }
  .bar {
    block-size: 8px;
    border-radius: 4px;
    background: var(--_surface-2);
    overflow: hidden;
  }
  .bar > span {
    display: block;
    block-size: 100%;
    background: var(--casekit-queue-bar-color, var(--_accent));
  }
  .bar.full > span {
    background: var(--_warning);
  }
  .count {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
`;
