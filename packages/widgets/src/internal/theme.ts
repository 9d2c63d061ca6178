import { css } from 'lit';

/**
 * Design tokens shared by every widget. Hosts override the public `--casekit-*` properties
 * (one value, or `light-dark(a, b)` for both schemes); `theme="light|dark"` pins a scheme.
 * Inherited text properties are reset on `.root` so page styles cannot leak in.
 */
export const themeStyles = css`
  :host {
    color-scheme: light dark;
    --_accent: var(--casekit-color-accent, light-dark(#4f46e5, #818cf8));
    --_on-accent: var(--casekit-color-on-accent, light-dark(#ffffff, #0b0b1a));
    --_bg: var(--casekit-color-bg, light-dark(#ffffff, #15171c));
    --_surface: var(--casekit-color-surface, light-dark(#f5f6f8, #1e2128));
    --_surface-2: var(--casekit-color-surface-2, light-dark(#eceef2, #272b33));
    --_text: var(--casekit-color-text, light-dark(#16181d, #eceef2));
    --_muted: var(--casekit-color-muted, light-dark(#5d6470, #a2a9b5));
    --_border: var(--casekit-color-border, light-dark(#dfe2e7, #343944));
    --_danger: var(--casekit-color-danger, light-dark(#c5221f, #ff8a80));
    --_warning: var(--casekit-color-warning, light-dark(#8a5a00, #ffcf70));
    --_warning-bg: var(--casekit-color-warning-bg, light-dark(#fff4d6, #3a2f14));
    --_success: var(--casekit-color-success, light-dark(#17753a, #7ee2a0));
    --_note-bg: var(--casekit-color-note-bg, light-dark(#fff8db, #3b3418));
    --_note-border: var(--casekit-color-note-border, light-dark(#f1d36b, #8c7625));
    --_focus: var(--casekit-color-focus, var(--_accent));
    --_radius: var(--casekit-radius, 12px);
    --_radius-sm: var(--casekit-radius-small, 8px);
    --_font: var(
      --casekit-font-family,
      system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif
    );
    --_font-size: var(--casekit-font-size, 14px);
    --_shadow: var(--casekit-shadow, 0 12px 32px rgb(16 24 40 / 0.18), 0 2px 6px rgb(16 24 40 / 0.08));
    /* Important so a page-wide reset ('* { all: unset }') cannot turn the widget inline; hide it with [hidden]. */
    display: block !important;
  }
  /* One brand colour often serves both schemes: pick white or near-black text by its lightness. */
  @supports (color: oklch(from red l c h)) {
    :host {
      --_on-accent: var(--casekit-color-on-accent, oklch(from var(--_accent) clamp(0.16, (0.64 - l) * 1000, 1) 0 0));
    }
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='light']) .root {
    color-scheme: light;
  }
  :host([theme='dark']) .root {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none !important;
  }
  .root {
    color-scheme: light dark;
    box-sizing: border-box;
    font-family: var(--_font);
    font-size: var(--_font-size);
    font-weight: 400;
    font-style: normal;
    line-height: 1.45;
    letter-spacing: normal;
    word-spacing: normal;
    text-transform: none;
    text-align: start;
    text-indent: 0;
    text-shadow: none;
    white-space: normal;
    visibility: visible;
    cursor: auto;
    color: var(--_text);
    -webkit-font-smoothing: antialiased;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    letter-spacing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  /* An agent's presence (online, away, offline) as a coloured dot. */
  .presence-dot {
    inline-size: 9px;
    block-size: 9px;
    flex: none;
    border-radius: 50%;
    background: var(--_muted);
  }
  .presence-dot.online {
    background: var(--_success);
  }
  .presence-dot.away {
    background: var(--_warning);
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-block-size: 34px;
    padding-block: 6px;
    padding-inline: 14px;
    border-radius: var(--_radius-sm);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
    cursor: pointer;
    font-weight: 500;
    line-height: 1.2;
    transition: background 120ms ease, border-color 120ms ease;
  }
  .btn:hover {
    background: var(--_surface);
  }
  .btn.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .btn.primary:hover {
    filter: brightness(1.08);
  }
  .btn:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .field {
    display: block;
    inline-size: 100%;
    padding-block: 8px;
    padding-inline: 10px;
    border-radius: var(--_radius-sm);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
  }
  .field:focus-visible {
    outline-offset: 0;
    border-color: var(--_focus);
  }
  .sr-live {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;

/** A labelled form field (`.control` around a label and its input) and its help text, as the admin views and the workbench's dialogs lay them out. */
export const formControlStyles = css`
  .control {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .control label {
    font-weight: 550;
  }
  .help {
    color: var(--_muted);
    font-size: 0.84em;
  }
`;
