import { css } from 'lit';

export const timelineStyles = css`
  :host {
    block-size: 100%;
    min-block-size: 200px;
  }
  .root {
    display: flex;
    flex-direction: column;
    block-size: 100%;
    background: var(--_surface);
  }
  .scroller {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 12px 16px 16px;
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .earlier {
    align-self: center;
  }
  .start {
    align-self: center;
    color: var(--_muted);
    font-size: 0.8em;
  }
  .item {
    display: flex;
    flex-direction: column;
    max-inline-size: min(640px, 86%);
    align-items: flex-start;
  }
  .item.outbound {
    align-self: flex-end;
    align-items: flex-end;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    gap: 0 6px;
    align-items: center;
    font-size: 0.78em;
    color: var(--_muted);
    margin-block-end: 3px;
    margin-inline: 4px;
  }
  .head strong {
    color: var(--_text);
    font-weight: 600;
  }
  .head svg {
    inline-size: 14px;
    block-size: 14px;
  }
  .head > *,
  .change time,
  .case-ref {
    white-space: nowrap;
  }
  .head > strong {
    white-space: normal;
  }
  /* Within the open case every item would say so; only items from other cases are marked. */
  .case-ref:not(.other) {
    display: none;
  }
  .case-ref {
    padding-inline: 5px;
    border-radius: 4px;
    background: var(--_surface-2);
  }
  .case-ref.other {
    background: transparent;
    outline: 1px dashed var(--_border);
  }
  .bubble {
    padding: 9px 13px;
    border-radius: 14px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .outbound .bubble {
    background: color-mix(in srgb, var(--_accent) 12%, var(--_bg));
    border-color: color-mix(in srgb, var(--_accent) 30%, var(--_border));
  }
  .note .bubble {
    background: var(--_note-bg);
    border: 1px dashed var(--_note-border);
  }
  .handoff-reason {
    margin: 4px 0;
  }
  .handoff-fields {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px 12px;
    margin: 4px 0;
    padding: 6px 10px;
    background: var(--_note-bg);
    border: 1px dashed var(--_note-border);
    border-radius: 6px;
  }
  .handoff-fields div {
    display: contents;
  }
  .handoff-fields dt {
    font-weight: 600;
  }
  .handoff-fields dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .note-label {
    display: inline-flex;
    gap: 4px;
    align-items: center;
    font-weight: 600;
    color: var(--_warning);
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-size: 0.74em;
    color: var(--_muted);
    margin-block-start: 2px;
    margin-inline: 4px;
  }
  .status svg {
    inline-size: 14px;
    block-size: 14px;
    flex: none;
  }
  .status.read {
    color: var(--_accent);
  }
  .status.failed {
    color: var(--_danger);
  }
  .file-error {
    margin: 4px 0 0;
    color: var(--_danger);
    font-size: 0.86em;
  }
  .status:focus {
    outline: none;
  }
  .delivery-failed {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 4px 8px;
    max-inline-size: 100%;
  }
  .delivery-failed .status {
    font-size: 0.8em;
    overflow-wrap: anywhere;
  }
  .delivery-failed .status strong {
    font-weight: 650;
  }
  .retry {
    min-block-size: 26px;
    padding-block: 2px;
    padding-inline: 10px;
    font-size: 0.8em;
  }
  .retry-error {
    flex-basis: 100%;
    text-align: end;
    color: var(--_danger);
    font-size: 0.8em;
  }
  .change,
  .divider {
    align-self: center;
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 6px;
    align-items: center;
    font-size: 0.82em;
    color: var(--_muted);
    text-align: center;
  }
  .divider {
    inline-size: 100%;
    font-weight: 600;
    color: var(--_text);
  }
  .divider::before,
  .divider::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_border);
  }
  .file {
    color: var(--_accent);
  }
  .empty {
    margin: auto;
    color: var(--_muted);
  }
`;
