import { css } from 'lit';

export const agentsStyles = css`
  section {
    display: flex;
    flex-direction: column;
    gap: 12px;
    max-inline-size: var(--casekit-agents-max-width, 900px);
    padding: 16px;
  }
  .password {
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .secret {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  code {
    padding: 4px 8px;
    border-radius: var(--_radius-sm);
    background: var(--_surface-2);
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    user-select: all;
  }
  tbody th {
    font-weight: 550;
  }
  .name,
  .email {
    display: block;
    overflow-wrap: anywhere;
  }
  .email {
    font-weight: 400;
    font-size: 0.9em;
  }
  tr.off > * {
    color: var(--_muted);
  }
  .presence-dot {
    display: inline-block;
    margin-inline-end: 6px;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .form {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
    gap: 10px 12px;
    padding: 10px;
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  .actions {
    grid-column: 1 / -1;
    display: flex;
    justify-content: flex-end;
    gap: 8px;
  }
  .capacity {
    grid-column: 1 / -1;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(110px, 1fr));
    gap: 8px 10px;
    margin: 0;
    padding: 8px 10px 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
  }
  .capacity legend {
    padding-inline: 4px;
    font-weight: 550;
  }
  .capacity .help {
    grid-column: 1 / -1;
  }
`;
