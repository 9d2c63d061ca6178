import { css } from 'lit';

export const routingSettingsStyles = css`
  .page,
  form,
  section {
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .page {
    max-inline-size: var(--casekit-routing-settings-max-width, 900px);
    padding: 16px;
  }
  fieldset {
    margin: 0;
    min-inline-size: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    padding: 8px 12px 12px;
  }
  fieldset.plain {
    display: flex;
    flex-direction: column;
    gap: 16px;
    border: 0;
    padding: 0;
  }
  legend {
    padding-inline: 4px;
    font-weight: 600;
  }
  .group {
    display: flex;
    flex-direction: column;
    gap: 10px;
    background: var(--_surface);
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
    gap: 8px 12px;
    align-items: end;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    margin-inline-end: 10px;
  }
  .kinds {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .condition {
    display: flex;
    flex-direction: column;
    gap: 8px;
    background: var(--_bg);
  }
  .children {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0;
    padding-inline-start: 20px;
  }
  .children > li {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 4px;
  }
  .children > li > fieldset {
    align-self: stretch;
  }
  .steps caption {
    text-align: start;
    font-weight: 550;
    padding-block-end: 4px;
  }
  .steps th,
  .steps td {
    padding: 4px 6px;
  }
  .buttons,
  .add-row,
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: end;
  }
  .actions {
    justify-content: flex-end;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  }
`;
