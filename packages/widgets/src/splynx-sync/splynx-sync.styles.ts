import { css } from 'lit';

export const splynxSyncStyles = css`
  .page {
    display: flex;
    flex-direction: column;
    gap: 16px;
    max-inline-size: var(--casekit-splynx-sync-max-width, 1000px);
    padding: 16px;
  }
  section {
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 14px;
    margin: 0;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .ok {
    color: var(--_success);
  }
  .notice[data-state='not-configured'] {
    color: var(--_warning);
    background: var(--_warning-bg);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .runs {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .runs li {
    display: flex;
    flex-direction: column;
    gap: 2px;
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
  }
  progress {
    inline-size: 100%;
    accent-color: var(--_accent);
  }
  tr[data-level='error'] .level {
    color: var(--_danger);
  }
  tr[data-level='warning'] .level {
    color: var(--_warning);
  }
  td {
    overflow-wrap: anywhere;
  }
`;
