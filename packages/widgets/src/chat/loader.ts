/**
 * The `<script>` loader for `<casekit-chat>`: draws a featherweight launcher at once and
 * imports the full chat (Lit, SDK, realtime) on the first interaction or when the page is idle.
 *
 * @example
 * <script src="https://cdn.example.com/casekit-chat.js" data-channel-id="ch_web" async></script>
 */

import { placeFixed } from '../internal/top-layer.ts';

type Stubbed = HTMLElement & { __casekitQueue?: [string, unknown[]][] } & Record<string, unknown>;

const TAG = 'casekit-chat';
const STUBS = ['open', 'close', 'identify', 'setAttributes', 'reset'];
const DATA_ATTRIBUTES = [
  'base-url',
  'channel-id',
  'pre-chat',
  'lang',
  'theme',
  'position',
  'heading',
  'subheading',
  'user-id',
  'user-hash',
  'user-name',
  'user-email',
  'no-leave-message',
  'no-attachments',
  'accept',
  'max-file-size',
];

// Mirrors the real launcher in chat.styles.ts so the swap is invisible.
const PLACEHOLDER = `<style data-casekit-placeholder>
:host{display:contents}
button{all:initial;position:fixed;z-index:var(--casekit-z-index,2147483000);inset-block-end:var(--casekit-chat-offset-block,20px);inset-inline-end:var(--casekit-chat-offset-inline,20px);inline-size:var(--casekit-launcher-size,56px);block-size:var(--casekit-launcher-size,56px);border-radius:50%;display:grid;place-items:center;cursor:pointer;color-scheme:light dark;background:var(--casekit-color-accent,light-dark(#4f46e5,#818cf8));color:var(--casekit-color-on-accent,light-dark(#fff,#0b0b1a));box-shadow:var(--casekit-shadow,0 12px 32px rgb(16 24 40/.18),0 2px 6px rgb(16 24 40/.08))}
:host([position=start]) button{inset-inline-end:auto;inset-inline-start:var(--casekit-chat-offset-inline,20px)}
:host([theme=light]) button{color-scheme:light}:host([theme=dark]) button{color-scheme:dark}
@supports (color:oklch(from red l c h)){button{color:var(--casekit-color-on-accent,oklch(from var(--casekit-color-accent,light-dark(#4f46e5,#818cf8)) clamp(.16,(.64 - l)*1000,1) 0 0))}}
button:focus-visible{outline:2px solid var(--casekit-color-focus,var(--casekit-color-accent,#4f46e5));outline-offset:2px}
svg{inline-size:26px;block-size:26px}
</style><button data-casekit-placeholder type="button" aria-label="Open chat" aria-expanded="false"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z"/></svg></button>`;

const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[data-casekit-chat]') ??
  Array.from(document.scripts).find((s) => /casekit-chat(\.min)?\.js(\?|$)/.test(s.src)) ??
  null;
const fullUrl = new URL(script?.dataset['full'] || './casekit-chat.full.js', script?.src || location.href).href;

let loading: Promise<unknown> | undefined;
function load(): Promise<unknown> {
  return (loading ??= import(/* @vite-ignore */ fullUrl).catch((err: unknown) => {
    loading = undefined;
    console.error('casekit-chat: could not load the chat', err);
  }));
}

function prepare(el: Stubbed): void {
  if (customElements.get(TAG) || el.__casekitQueue) return;
  const queue: [string, unknown[]][] = (el.__casekitQueue = []);
  // Calls made before the chat arrives are queued and replayed by the real element.
  for (const name of STUBS) {
    el[name] = (...args: unknown[]) => {
      queue.push([name, args]);
      void load();
      return Promise.resolve();
    };
  }
  if (el.hasAttribute('opened')) {
    void load();
    return;
  }
  const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
  root.innerHTML = PLACEHOLDER;
  const button = root.querySelector('button')!;
  const lang = el.closest('[lang]')?.getAttribute('lang') ?? navigator.language;
  const label = lang.toLowerCase().startsWith('es') ? 'Abrir chat' : 'Open chat';
  button.setAttribute('aria-label', label);
  placeFixed(button, el);
  button.addEventListener('pointerenter', () => void load(), { once: true });
  button.addEventListener('focus', () => void load(), { once: true });
  button.addEventListener('click', () => {
    queue.push(['open', []]);
    void load();
  });
}

function scan(): void {
  if (script?.dataset['channelId'] && !document.querySelector(TAG)) {
    const el = document.createElement(TAG);
    for (const name of DATA_ATTRIBUTES) {
      const value = script.getAttribute(`data-${name}`);
      if (value !== null) el.setAttribute(name, value);
    }
    document.body.append(el);
  }
  document.querySelectorAll<Stubbed>(TAG).forEach(prepare);
}

if (!customElements.get(TAG)) {
  if (document.body) scan();
  else document.addEventListener('DOMContentLoaded', scan, { once: true });
  // Elements the host adds later (single-page apps) get the placeholder too.
  const observer = new MutationObserver(() => {
    if (customElements.get(TAG)) observer.disconnect();
    else document.querySelectorAll<Stubbed>(TAG).forEach(prepare);
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  const idle = (window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
  const whenIdle = () => (idle ? idle(() => void load(), { timeout: 4000 }) : setTimeout(() => void load(), 2500));
  if (document.readyState === 'complete') whenIdle();
  else addEventListener('load', whenIdle, { once: true });
}

