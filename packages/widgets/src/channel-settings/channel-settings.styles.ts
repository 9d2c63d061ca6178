import { css } from 'lit';

export const channelSettingsStyles = css`
  section {
    display: flex;
    flex-direction: column;
    gap: 12px;
    max-inline-size: var(--casekit-channel-settings-max-width, 760px);
    padding: 16px;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    flex-wrap: wrap;
  }
  .error {
    font-size: 0.9em;
  }
  .list {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .channel {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 12px 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_bg);
  }
  .channel.off {
    background: var(--_surface);
  }
  .channel .head {
    display: flex;
    align-items: center;
    gap: 10px;
  }
  .icon {
    display: grid;
    place-items: center;
    inline-size: 32px;
    block-size: 32px;
    flex: none;
    border-radius: 50%;
    background: var(--_surface-2);
  }
  .title {
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
    flex: 1;
  }
  .title strong {
    overflow-wrap: anywhere;
  }
  .title .muted {
    font-size: 0.84em;
  }
  .switch {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    padding: 4px 6px;
    border: 0;
    border-radius: var(--_radius-sm);
    background: transparent;
    cursor: pointer;
    flex: none;
  }
  .switch:disabled {
    cursor: progress;
    opacity: 0.6;
  }
  .track {
    position: relative;
    inline-size: 36px;
    block-size: 20px;
    border-radius: 999px;
    background: var(--_surface-2);
    border: 1px solid var(--_border);
    transition: background 120ms ease;
  }
  .thumb {
    position: absolute;
    inset-block-start: 2px;
    inset-inline-start: 2px;
    inline-size: 14px;
    block-size: 14px;
    border-radius: 50%;
    background: var(--_muted);
    transition: transform 120ms ease;
  }
  .switch[aria-checked='true'] .track {
    background: var(--_accent);
    border-color: var(--_accent);
  }
  .switch[aria-checked='true'] .thumb {
    background: var(--_on-accent);
    transform: translateX(16px);
  }
  :host(:dir(rtl)) .switch[aria-checked='true'] .thumb {
    transform: translateX(-16px);
  }
  .state {
    font-size: 0.86em;
    color: var(--_muted);
    min-inline-size: 5.5em;
  }
  .state.on,
  .switch[aria-checked='true'] .state {
    color: var(--_success);
  }
  dl {
    display: grid;
    grid-template-columns: minmax(90px, max-content) 1fr;
    gap: 6px 12px;
    margin: 0;
    align-items: center;
    font-size: 0.9em;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    min-inline-size: 0;
  }
  .webhook {
    display: flex;
    gap: 6px;
    align-items: center;
    min-inline-size: 0;
  }
  .webhook .field {
    flex: 1;
    min-inline-size: 0;
    padding-block: 5px;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .copy {
    flex: none;
    min-block-size: 30px;
    padding-inline: 10px;
  }
  .secrets {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .secrets li {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .secrets .set svg {
    color: var(--_success);
  }
  .secrets .missing {
    color: var(--_muted);
  }
  .form,
  .created {
    display: flex;
    flex-direction: column;
    gap: 12px;
    padding: 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
  }
  .created {
    border-color: var(--_success);
  }
  .created p {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .created p svg {
    color: var(--_success);
  }
  fieldset {
    display: flex;
    flex-direction: column;
    gap: 12px;
    margin: 0;
    padding: 10px 12px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
  }
  legend {
    padding-inline: 4px;
    font-weight: 600;
  }
  .control.check {
    flex-direction: row;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 8px;
  }
  .control.check .help,
  .control.check .field-error {
    flex-basis: 100%;
  }
  .required {
    color: var(--_danger);
    margin-inline-start: 2px;
  }
  .field[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .field-error {
    display: flex;
    align-items: center;
    gap: 4px;
    color: var(--_danger);
    font-size: 0.86em;
  }
  .json {
    min-block-size: 84px;
    resize: vertical;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
  }
  .row-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .row-actions .btn[aria-disabled='true'] {
    opacity: 0.7;
    cursor: progress;
  }
  .test-result {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: 6px 8px;
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    font-size: 0.9em;
  }
  .test-result p {
    flex: 1;
    min-inline-size: 12em;
    overflow-wrap: anywhere;
  }
  .test-result.ok {
    border-color: var(--_success);
  }
  .test-result.ok svg {
    color: var(--_success);
  }
  .test-result.failed {
    border-color: var(--_danger);
  }
  .test-result.failed svg {
    color: var(--_danger);
  }
  .test-result .fix {
    flex: none;
  }
`;
