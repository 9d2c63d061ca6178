import { css } from 'lit';

export const chatStyles = css`
  :host {
    --_launcher-size: var(--casekit-launcher-size, 56px);
    --_width: var(--casekit-chat-width, 380px);
    --_height: var(--casekit-chat-height, 620px);
    --_offset-block: var(--casekit-chat-offset-block, 20px);
    --_offset-inline: var(--casekit-chat-offset-inline, 20px);
    display: contents !important;
  }
  .root {
    position: fixed;
    z-index: var(--casekit-z-index, 2147483000);
    /* On a page that traps fixed boxes this is a popover in the top layer: none of its UA look. */
    inset: auto;
    margin: 0;
    border: 0;
    padding: 0;
    overflow: visible;
    background: transparent;
    color: inherit;
    inline-size: auto;
    block-size: auto;
    inset-block-end: var(--_offset-block);
    inset-inline-end: var(--_offset-inline);
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 14px;
    pointer-events: none;
  }
  :host([position='start']) .root {
    inset-inline-end: auto;
    inset-inline-start: var(--_offset-inline);
    align-items: flex-start;
  }
  .root > * {
    pointer-events: auto;
  }
  .launcher {
    position: relative;
    inline-size: var(--_launcher-size);
    block-size: var(--_launcher-size);
    border-radius: 50%;
    border: 0;
    padding: 0;
    margin: 0;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: var(--_shadow);
    cursor: pointer;
    transition: transform 160ms ease;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher svg {
    inline-size: 26px;
    block-size: 26px;
  }
  .badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
    min-inline-size: 22px;
    block-size: 22px;
    padding-inline: 6px;
    border-radius: 11px;
    background: var(--_danger);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
    border: 2px solid var(--_bg);
  }
  .panel {
    display: flex;
    flex-direction: column;
    inline-size: min(var(--_width), calc(100vw - 2 * var(--_offset-inline)));
    block-size: min(var(--_height), calc(100dvh - var(--_launcher-size) - 3 * var(--_offset-block)));
    background: var(--_bg);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow: hidden;
    transform-origin: bottom right;
    animation: pop 160ms ease-out;
  }
  .panel[hidden] {
    display: none;
  }
  @keyframes pop {
    from {
      opacity: 0;
      transform: translateY(8px) scale(0.98);
    }
  }
  .header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 14px 16px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .header .avatar {
    inline-size: 36px;
    block-size: 36px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--_on-accent) 20%, transparent);
    flex: none;
  }
  .header .titles {
    flex: 1;
    min-inline-size: 0;
  }
  .header h2 {
    margin: 0;
    font-size: 1.08em;
    font-weight: 650;
    line-height: 1.25;
  }
  .header p {
    margin: 0;
    font-size: 0.86em;
    opacity: 0.88;
  }
  .icon-button {
    display: grid;
    place-items: center;
    inline-size: 34px;
    block-size: 34px;
    border-radius: 50%;
    border: 0;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .icon-button:hover {
    background: color-mix(in srgb, currentColor 14%, transparent);
  }
  .icon-button svg {
    inline-size: 20px;
    block-size: 20px;
  }
  .banner {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 14px;
    font-size: 0.88em;
    background: var(--_warning-bg);
    color: var(--_warning);
    border-block-end: 1px solid var(--_border);
  }
  .queue {
    padding: 6px 14px;
    font-size: 0.86em;
    color: var(--_muted);
    background: var(--_bg);
    border-block-end: 1px solid var(--_border);
  }
  .queue:empty {
    padding: 0;
    border: 0;
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 16px 14px 8px;
    display: flex;
    flex-direction: column;
    gap: 6px;
    background: var(--_surface);
  }
  .empty {
    margin: auto;
    max-inline-size: 240px;
    text-align: center;
    color: var(--_muted);
  }
  .message {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-inline-size: 82%;
  }
  .message.own {
    align-self: flex-end;
    align-items: flex-end;
  }
  .author {
    font-size: 0.78em;
    color: var(--_muted);
    margin-block-end: 2px;
    margin-inline: 4px;
  }
  .notice {
    align-self: center;
    margin: 4px 0;
    font-size: 0.8em;
    color: var(--_muted);
    text-align: center;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: 16px;
    border-end-start-radius: 4px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .own .bubble {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
    border-end-start-radius: 16px;
    border-end-end-radius: 4px;
  }
  .own.failed .bubble {
    background: transparent;
    color: var(--_text);
    border-color: var(--_danger);
  }
  .meta {
    display: flex;
    align-items: center;
    gap: 4px;
    font-size: 0.74em;
    color: var(--_muted);
    margin-block-start: 2px;
    margin-inline: 4px;
  }
  .meta svg {
    inline-size: 14px;
    block-size: 14px;
  }
  .meta .read {
    color: var(--_accent);
  }
  .meta .failed {
    color: var(--_danger);
  }
  .quick-replies {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding-block: 4px;
  }
  .quick-reply {
    border: 1px solid var(--_accent);
    color: var(--_accent);
    background: var(--_bg);
    border-radius: 999px;
    padding: 5px 12px;
    cursor: pointer;
  }
  .quick-reply:hover {
    background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
  }
  .typing {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--_muted);
    font-size: 0.85em;
    padding: 2px 4px;
  }
  .dots {
    display: inline-flex;
    gap: 3px;
    padding: 8px 10px;
    border-radius: 14px;
    background: var(--_bg);
    border: 1px solid var(--_border);
  }
  .dots span {
    inline-size: 6px;
    block-size: 6px;
    border-radius: 50%;
    background: var(--_muted);
    animation: blink 1.2s infinite ease-in-out;
  }
  .dots span:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dots span:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.3;
    }
    40% {
      opacity: 1;
    }
  }
  .composer {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 10px 12px;
    border-block-start: 1px solid var(--_border);
    background: var(--_bg);
  }
  .attach {
    flex: none;
    block-size: 40px;
    color: var(--_muted);
  }
  .composer textarea {
    flex: 1;
    resize: none;
    max-block-size: 120px;
    min-block-size: 40px;
    border-radius: 20px;
    padding-inline: 14px;
    line-height: 1.35;
  }
  .send {
    flex: none;
    inline-size: 40px;
    block-size: 40px;
    border-radius: 50%;
    border: 0;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_on-accent);
    cursor: pointer;
  }
  .send:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .send svg {
    inline-size: 20px;
    block-size: 20px;
  }
  :host(:dir(rtl)) .send svg {
    transform: scaleX(-1);
  }
  .prechat {
    flex: 1;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 14px;
    padding: 20px 18px;
  }
  .prechat p {
    margin: 0;
    color: var(--_muted);
  }
  .prechat label {
    display: block;
    font-weight: 550;
    margin-block-end: 4px;
  }
  .error {
    color: var(--_danger);
    font-size: 0.86em;
    margin-block-start: 4px;
  }
  @media (max-width: 480px) {
    :host([opened]) .root {
      inset: 0;
      gap: 0;
    }
    :host([opened]) .panel {
      inline-size: 100vw;
      block-size: 100dvh;
      border-radius: 0;
      border: 0;
    }
    :host([opened]) .launcher {
      display: none;
    }
  }
`;
