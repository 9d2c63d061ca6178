import { css } from 'lit';

export const botsStyles = css`
  .page,
  .form {
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .page {
    max-inline-size: var(--casekit-bots-max-width, 900px);
    padding: 16px;
  }
  .form {
    padding: 10px;
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  fieldset {
    margin: 0;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
    gap: 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    padding: 8px 12px 12px;
  }
  legend {
    padding-inline: 4px;
    font-weight: 600;
  }
  .item {
    background: var(--_bg);
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
    gap: 8px 12px;
    align-items: start;
  }
  .checks,
  .kind {
    flex-direction: row;
    flex-wrap: wrap;
    gap: 4px 12px;
  }
  .kind legend {
    inline-size: 100%;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .buttons,
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .actions {
    justify-content: flex-end;
  }
  tbody th {
    font-weight: 550;
  }
  .name,
  .url {
    display: block;
    overflow-wrap: anywhere;
  }
  .url {
    font-size: 0.9em;
  }
  tr.off > * {
    color: var(--_muted);
  }
  .credentials {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 10px 12px;
    border: 2px solid var(--_accent);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  .secret {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .secret-label {
    font-weight: 600;
    min-inline-size: 9em;
  }
  .secret code {
    padding: 4px 8px;
    border-radius: var(--_radius-sm);
    background: var(--_surface-2);
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    overflow-wrap: anywhere;
    user-select: all;
  }
  dialog {
    max-inline-size: min(28rem, 90vw);
    padding: 16px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_bg);
    color: var(--_text);
  }
  dialog h3 {
    margin-block-end: 8px;
  }
  dialog p {
    margin-block-end: 12px;
  }
`;
