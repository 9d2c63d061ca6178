import { css } from 'lit';

export const workbenchStyles = css`
  :host {
    block-size: 100%;
    min-block-size: 420px;
  }
  .root {
    container: workbench / inline-size;
    block-size: 100%;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--casekit-workbench-radius, 0);
    overflow: hidden;
    display: flex;
    flex-direction: column;
  }
  .header {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 10px;
    min-block-size: 44px;
    padding-inline: 10px;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
  }
  .header:empty {
    display: none;
  }
  .presence {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .presence select {
    padding-block: 4px;
  }
  .account {
    position: relative;
  }
  .account-button {
    max-inline-size: 220px;
  }
  .account-button span {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .menu {
    position: absolute;
    inset-inline-end: 0;
    inset-block-start: calc(100% + 4px);
    z-index: var(--casekit-workbench-menu-z-index, 10);
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-inline-size: 200px;
    padding: 4px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_bg);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.16);
  }
  .menu[hidden] {
    display: none;
  }
  .menu .btn {
    justify-content: flex-start;
    border-color: transparent;
  }
  .menu .btn[aria-pressed='true'] {
    background: var(--_surface-2);
  }
  dialog {
    max-inline-size: min(400px, 92vw);
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_bg);
    color: var(--_text);
  }
  .password-form {
    display: flex;
    flex-direction: column;
    gap: 12px;
    padding: 20px;
  }
  .password-form h2 {
    margin: 0;
    font-size: 1.1em;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
  }
  .layout {
    display: grid;
    flex: 1;
    min-block-size: 0;
    grid-template-columns: var(--casekit-workbench-inbox-width, 340px) minmax(0, 1fr) var(--casekit-workbench-side-width, 320px);
    grid-template-rows: minmax(0, 1fr);
    grid-template-areas: 'inbox main side';
  }
  .inbox {
    grid-area: inbox;
    min-block-size: 0;
    display: flex;
    flex-direction: column;
  }
  .inbox casekit-inbox {
    flex: 1;
    min-block-size: 0;
  }
  .inbox-foot {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 8px 10px;
    border-block-start: 1px solid var(--_border);
    border-inline-end: 1px solid var(--_border);
    background: var(--_bg);
  }
  .settings-button {
    inline-size: 100%;
    justify-content: flex-start;
  }
  .settings-button[aria-pressed='true'] {
    background: var(--_surface-2);
  }
  .main > [hidden] {
    display: none !important;
  }
  .bar h2:focus {
    outline: none;
  }
  casekit-channel-settings,
  casekit-agents {
    flex: 1;
    min-block-size: 0;
  }
  .layout[data-view='settings'] .main {
    grid-column: 2 / -1;
  }
  .layout[data-view='settings'] .side {
    display: none !important;
  }
  .main {
    grid-area: main;
    display: flex;
    flex-direction: column;
    min-block-size: 0;
    min-inline-size: 0;
  }
  .side {
    grid-area: side;
    min-block-size: 0;
    border-inline-start: 1px solid var(--_border);
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 8px;
    min-block-size: 48px;
    padding-inline: 12px;
    border-block-end: 1px solid var(--_border);
    background: var(--_bg);
  }
  .bar h2 {
    flex: 1;
    margin: 0;
    font-size: 1em;
    font-weight: 650;
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .bar .number {
    color: var(--_muted);
    font-weight: 500;
    margin-inline-end: 6px;
  }
  .back,
  .tabs {
    display: none;
  }
  .close {
    display: grid;
  }
  .back,
  .close {
    border: 0;
    background: transparent;
    inline-size: 34px;
    block-size: 34px;
    border-radius: 50%;
    cursor: pointer;
    place-items: center;
    flex: none;
  }
  .back:hover,
  .close:hover {
    background: var(--_surface);
  }
  :host(:dir(rtl)) .back svg {
    transform: scaleX(-1);
  }
  .tabs {
    gap: 2px;
    padding: 2px;
    border-radius: var(--_radius-sm);
    background: var(--_surface);
    flex: none;
  }
  .tabs button {
    border: 0;
    background: transparent;
    padding: 4px 10px;
    border-radius: 6px;
    cursor: pointer;
    color: var(--_muted);
    font-weight: 550;
  }
  .tabs button[aria-selected='true'] {
    background: var(--_bg);
    color: var(--_text);
    box-shadow: 0 1px 2px rgb(0 0 0 / 0.12);
  }
  .thread {
    flex: 1;
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  casekit-timeline {
    flex: 1;
    min-block-size: 0;
  }
  .placeholder {
    margin: auto;
    color: var(--_muted);
    text-align: center;
    padding: 24px;
  }
  .signin {
    max-inline-size: 340px;
    margin: 10vh auto;
    padding: 24px;
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .signin h2 {
    margin: 0;
  }
  .signin label {
    display: block;
    font-weight: 550;
    margin-block-end: 4px;
  }
  .error {
    color: var(--_danger);
  }

  /* Medium: details move into a tab of the main pane. */
  @container workbench (max-width: 1099px) {
    .layout {
      grid-template-columns: var(--casekit-workbench-inbox-width, 300px) minmax(0, 1fr);
      grid-template-areas: 'inbox main';
    }
    .side {
      grid-area: main;
      border-inline-start: 0;
      display: none;
    }
    .layout[data-tab='details'] .side {
      display: block;
      margin-block-start: 49px;
    }
    /* On the wrapper: the widgets' own :host display cannot be overridden from here. */
    .layout[data-tab='details'] .thread {
      display: none;
    }
    .tabs {
      display: inline-flex;
    }
  }

  /* Narrow (a side panel down to ~360px): one pane at a time. */
  @container workbench (max-width: 699px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'main';
    }
    .inbox {
      grid-area: main;
    }
    .layout[data-view='list'] .main,
    .layout[data-view='list'] .side {
      display: none;
    }
    .layout[data-view='case'] .inbox,
    .layout[data-view='settings'] .inbox {
      display: none;
    }
    .layout[data-view='settings'] .main {
      grid-column: auto;
    }
    .back {
      display: grid;
    }
    .bar {
      flex-wrap: wrap;
      align-content: center;
      row-gap: 4px;
      block-size: 84px;
    }
    .tabs {
      flex: 1 0 100%;
    }
    .tabs button {
      flex: 1;
      padding-inline: 8px;
    }
    .layout[data-tab='details'] .side {
      margin-block-start: 85px;
    }
  }
`;
