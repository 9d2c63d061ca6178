import { css } from 'lit';

export const inboxStyles = css`
  :host {
    --_row-height: var(--casekit-inbox-row-height, 76px);
    block-size: 100%;
    min-block-size: 240px;
    contain: content;
  }
  .root {
    display: flex;
    flex-direction: column;
    block-size: 100%;
    background: var(--_bg);
    color: var(--_text);
    border-inline-end: 1px solid var(--_border);
  }
  .toolbar {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 12px;
    border-block-end: 1px solid var(--_border);
  }
  .search {
    position: relative;
  }
  .search svg {
    position: absolute;
    inset-inline-start: 10px;
    inset-block-start: 50%;
    translate: 0 -50%;
    color: var(--_muted);
    pointer-events: none;
  }
  .search input {
    padding-inline-start: 34px;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .filters select,
  .filters input {
    flex: 1 1 128px;
    min-inline-size: 0;
    inline-size: auto;
    padding-block: 5px;
    padding-inline: 8px;
    font-size: 0.88em;
  }
  .summary {
    display: flex;
    justify-content: space-between;
    color: var(--_muted);
    font-size: 0.8em;
    padding-inline: 12px;
    padding-block: 6px;
    border-block-end: 1px solid var(--_border);
  }
  .viewport {
    position: relative;
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    outline: none;
    contain: strict;
  }
  .viewport:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_focus);
  }
  .spacer {
    inline-size: 1px;
  }
  .row {
    position: absolute;
    inset-inline: 0;
    inset-block-start: 0;
    block-size: var(--_row-height);
    display: grid;
    grid-template-columns: auto 1fr auto;
    grid-template-rows: auto auto auto;
    column-gap: 10px;
    align-content: center;
    padding-inline: 12px 14px;
    border-block-end: 1px solid var(--_border);
    cursor: pointer;
    contain: strict;
    will-change: transform;
  }
  .row:hover {
    background: var(--_surface);
  }
  .row.active {
    box-shadow: inset 3px 0 0 var(--_focus);
    background: var(--_surface);
  }
  :host(:dir(rtl)) .row.active {
    box-shadow: inset -3px 0 0 var(--_focus);
  }
  .row[aria-selected='true'] {
    background: color-mix(in srgb, var(--_accent) 12%, var(--_bg));
  }
  .channels {
    grid-row: 1 / span 3;
    display: flex;
    flex-direction: column;
    gap: 2px;
    align-self: center;
    color: var(--_muted);
  }
  .subject {
    display: flex;
    gap: 6px;
    align-items: baseline;
    min-inline-size: 0;
    font-weight: 550;
  }
  .unread .subject {
    font-weight: 750;
  }
  .subject .number {
    color: var(--_muted);
    font-weight: 500;
    font-variant-numeric: tabular-nums;
    flex: none;
  }
  .ellipsis {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-inline-size: 0;
  }
  .preview .customer {
    color: var(--_text);
    font-weight: 550;
  }
  .preview {
    grid-column: 2;
    color: var(--_muted);
    font-size: 0.88em;
  }
  .chips {
    grid-column: 2 / span 2;
    display: flex;
    gap: 4px;
    align-items: center;
    overflow: hidden;
    block-size: 20px;
  }
  .time {
    grid-column: 3;
    grid-row: 1;
    color: var(--_muted);
    font-size: 0.78em;
    font-variant-numeric: tabular-nums;
    display: flex;
    gap: 6px;
    align-items: center;
    justify-self: end;
  }
  .dot {
    inline-size: 9px;
    block-size: 9px;
    border-radius: 50%;
    background: var(--_accent);
  }
  .assignee {
    grid-column: 3;
    grid-row: 2;
    justify-self: end;
    inline-size: 22px;
    block-size: 22px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 10px;
    font-weight: 700;
    background: var(--_surface-2);
    color: var(--_muted);
  }
  .chip {
    font-size: 0.72em;
    line-height: 18px;
    padding-inline: 6px;
    border-radius: 4px;
    background: var(--_surface-2);
    color: var(--_muted);
    white-space: nowrap;
  }
  .chip.status-new,
  .chip.status-open {
    background: color-mix(in srgb, var(--_accent) 16%, var(--_bg));
    color: var(--_accent);
  }
  .chip.status-pending,
  .chip.status-on_hold {
    background: var(--_warning-bg);
    color: var(--_warning);
  }
  .chip.status-solved,
  .chip.status-closed {
    background: color-mix(in srgb, var(--_success) 14%, var(--_bg));
    color: var(--_success);
  }
  .chip.priority-high {
    color: var(--_warning);
    background: var(--_warning-bg);
  }
  .chip.priority-urgent {
    color: #fff;
    background: var(--_danger);
  }
  .message {
    padding: 24px 16px;
    text-align: center;
    color: var(--_muted);
  }
  .message.error {
    color: var(--_danger);
  }
`;
