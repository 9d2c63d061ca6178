import { css } from 'lit';

export const composerStyles = css`
  .root {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 10px 12px 12px;
    background: var(--_bg);
    border-block-start: 1px solid var(--_border);
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    justify-content: space-between;
  }
  .modes {
    display: inline-flex;
    padding: 2px;
    border-radius: var(--_radius-sm);
    background: var(--_surface);
    border: 1px solid var(--_border);
  }
  .modes button {
    border: 0;
    background: transparent;
    padding: 4px 12px;
    border-radius: 6px;
    cursor: pointer;
    font-weight: 550;
    color: var(--_muted);
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .modes button[aria-checked='true'] {
    background: var(--_bg);
    color: var(--_text);
    box-shadow: 0 1px 2px rgb(0 0 0 / 0.12);
  }
  .modes button.note[aria-checked='true'] {
    background: var(--_note-bg);
    color: var(--_warning);
  }
  .via {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    color: var(--_muted);
    font-size: 0.84em;
  }
  .via.pick {
    flex: 1 1 auto;
    min-inline-size: 0;
  }
  .via.pick label {
    white-space: nowrap;
  }
  .via.pick select {
    inline-size: auto;
    min-inline-size: 0;
    max-inline-size: 100%;
    padding-block: 3px;
    font-size: 1em;
    color: var(--_text);
  }
  .via svg,
  .window svg,
  .notice svg {
    flex: none;
  }
  .window {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    color: var(--_muted);
    font-size: 0.8em;
    white-space: nowrap;
  }
  .window.soon {
    color: var(--_warning);
    font-weight: 600;
  }
  .notice {
    display: flex;
    align-items: flex-start;
    gap: 8px;
    padding: 8px 10px;
    border-radius: var(--_radius-sm);
    background: var(--_warning-bg);
    color: var(--_text);
    border: 1px solid var(--_note-border);
    font-size: 0.86em;
  }
  .notice svg {
    margin-block-start: 2px;
    color: var(--_warning);
  }
  .notice strong {
    display: block;
  }
  .canned {
    max-inline-size: 220px;
    padding-block: 4px;
    font-size: 0.86em;
  }
  textarea {
    resize: vertical;
    min-block-size: 76px;
    max-block-size: 40vh;
    line-height: 1.45;
  }
  :host([mode='note']) textarea {
    background: var(--_note-bg);
    border-color: var(--_note-border);
  }
  .foot {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 10px;
    flex-wrap: wrap;
  }
  .hint {
    color: var(--_muted);
    font-size: 0.78em;
  }
  .count {
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
    font-size: 0.8em;
  }
  .count.over {
    color: var(--_danger);
    font-weight: 600;
  }
  .error {
    margin: 0;
    color: var(--_danger);
    font-size: 0.86em;
  }
  .attach[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .attach {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .attach svg {
    inline-size: 16px;
    block-size: 16px;
  }
  .actions {
    display: flex;
    align-items: center;
    gap: 10px;
    margin-inline-start: auto;
  }
  :host([mode='note']) .btn.primary {
    background: var(--_warning);
    border-color: var(--_warning);
    color: var(--_bg);
  }
  .limits {
    color: var(--_muted);
    font-size: 0.9em;
    white-space: nowrap;
  }
  .templates {
    display: grid;
    grid-template-columns: max-content 1fr;
    align-items: center;
    gap: 6px 10px;
    margin: 0;
    padding: 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
  }
  .templates legend {
    padding-inline: 4px;
    font-weight: 600;
    font-size: 0.9em;
  }
  .templates label,
  .templates .preview-label {
    margin: 0;
    font-size: 0.86em;
    color: var(--_muted);
  }
  .template-preview {
    margin: 0;
    padding: 8px 10px;
    border-radius: var(--_radius-sm);
    background: var(--_surface, transparent);
    white-space: pre-wrap;
  }
  .templates button {
    grid-column: 2;
    justify-self: end;
  }
  .templates .error {
    grid-column: 1 / -1;
  }
`;
