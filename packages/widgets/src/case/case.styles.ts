import { css } from 'lit';

export const caseStyles = css`
  .root {
    display: flex;
    flex-direction: column;
    gap: 0;
    block-size: 100%;
    overflow-y: auto;
    background: var(--_bg);
  }
  header {
    padding: 14px 16px 12px;
    border-block-end: 1px solid var(--_border);
  }
  .number {
    color: var(--_muted);
    font-size: 0.84em;
    font-variant-numeric: tabular-nums;
    display: flex;
    gap: 6px;
    align-items: center;
  }
  h2 {
    margin: 2px 0 0;
    font-size: 1.06em;
    font-weight: 650;
    line-height: 1.35;
    overflow-wrap: anywhere;
    /* Chat cases take their first message as subject; the timeline has it in full. */
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    overflow: hidden;
  }
  section {
    padding: 12px 16px;
    border-block-end: 1px solid var(--_border);
  }
  h3 {
    margin: 0 0 8px;
    font-size: 0.78em;
    font-weight: 650;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  .grid {
    display: grid;
    grid-template-columns: minmax(80px, max-content) 1fr;
    gap: 8px 12px;
    align-items: center;
  }
  .grid label {
    color: var(--_muted);
    font-size: 0.88em;
  }
  .grid select {
    padding-block: 5px;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
  }
  .tag {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    padding-inline: 8px 2px;
    border-radius: 999px;
    background: var(--_surface-2);
    font-size: 0.86em;
    line-height: 24px;
  }
  .tag button {
    border: 0;
    background: transparent;
    color: var(--_muted);
    cursor: pointer;
    inline-size: 20px;
    block-size: 20px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    padding: 0;
  }
  .tag button:hover {
    background: var(--_border);
    color: var(--_text);
  }
  .tag svg {
    inline-size: 12px;
    block-size: 12px;
  }
  .tags input {
    flex: 1 1 100px;
    min-inline-size: 80px;
    padding-block: 3px;
  }
  .customer {
    display: flex;
    gap: 10px;
    align-items: center;
    margin-block-end: 8px;
  }
  .avatar {
    inline-size: 38px;
    block-size: 38px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--_accent) 16%, var(--_bg));
    color: var(--_accent);
    font-weight: 700;
    flex: none;
  }
  .customer strong {
    display: block;
    font-size: 1.02em;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.86em;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  li {
    display: flex;
    gap: 8px;
    align-items: center;
    min-inline-size: 0;
  }
  /* Identities are one line each, cut with an ellipsis; the full value is in the title. */
  .ellipsis {
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .customer-name {
    min-inline-size: 0;
  }
  li svg {
    flex: none;
    color: var(--_muted);
  }
  .kind {
    flex: none;
    color: var(--_muted);
    font-size: 0.8em;
    margin-inline-start: auto;
    padding-inline-start: 4px;
  }
  .notice {
    margin: 10px 16px 0;
    padding: 8px 10px;
    border-radius: var(--_radius-sm);
    background: var(--_warning-bg);
    color: var(--_warning);
    font-size: 0.88em;
  }
  .empty {
    margin: auto;
    padding: 24px;
    color: var(--_muted);
    text-align: center;
  }
  dl {
    margin: 0;
    display: grid;
    grid-template-columns: fit-content(45%) minmax(0, 1fr);
    gap: 4px 12px;
    font-size: 0.88em;
  }
  dt {
    color: var(--_muted);
  }
  dl {
    margin-block-start: 10px;
  }
  dd {
    margin: 0;
    min-inline-size: 0;
    /* Long values break between words, and inside one only where nothing else fits. */
    overflow-wrap: break-word;
  }
  .supervisor {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 8px;
  }
  .transfer {
    display: flex;
    flex-direction: column;
    gap: 4px;
    inline-size: 100%;
  }
  .transfer .row {
    display: flex;
    gap: 6px;
  }
  .transfer .field {
    flex: 1;
    min-inline-size: 0;
  }
  .help {
    font-size: 0.84em;
  }
  .sla {
    list-style: none;
    margin: 8px 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
`;
