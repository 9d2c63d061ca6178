import { svg, type SVGTemplateResult } from 'lit';
import type { ChannelKind } from '@casekit/protocol';

// 24×24 stroke icons drawn for casekit; `currentColor` lets parts recolour them.
const wrap = (body: SVGTemplateResult) =>
  svg`<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

const channelPaths: Record<ChannelKind, SVGTemplateResult> = {
  webchat: svg`<path d="M4 5h16v11H9l-5 4z"/><path d="M8 10h8M8 13h5"/>`,
  email: svg`<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3.5 6.5 8.5 6.5 8.5-6.5"/>`,
  sms: svg`<rect x="6" y="2.5" width="12" height="19" rx="2.5"/><path d="M10 18.5h4"/>`,
  whatsapp: svg`<path d="M4 20l1.3-4A8 8 0 1 1 8.4 19z"/><path d="M9 8.5c0 3.5 3 6.5 6.5 6.5l1-1.6-2-1-1 .9a5 5 0 0 1-2.8-2.8l.9-1-1-2z"/>`,
  messenger: svg`<path d="M12 3C7 3 3 6.7 3 11.3c0 2.6 1.3 4.9 3.3 6.4V21l3-1.7c.8.2 1.8.3 2.7.3 5 0 9-3.7 9-8.3S17 3 12 3z"/><path d="m7 13.5 3.5-3.5 2.5 2.5 4-3.5"/>`,
  instagram: svg`<rect x="3.5" y="3.5" width="17" height="17" rx="5"/><circle cx="12" cy="12" r="4"/><circle cx="17.2" cy="6.8" r=".6" fill="currentColor"/>`,
  telegram: svg`<path d="M21 4 3 11l6 2 2 6 3-4 5 4z"/><path d="m9 13 8-6"/>`,
  x: svg`<path d="M4 4l16 16M20 4 4 20"/>`,
  bot: svg`<rect x="4" y="8" width="16" height="11" rx="3"/><path d="M12 4v4M9 13h.01M15 13h.01M2 13v2M22 13v2"/>`,
  api: svg`<path d="m8 7-5 5 5 5M16 7l5 5-5 5M13.5 5l-3 14"/>`,
};

/** The inline SVG icon of a channel kind (unknown kinds get the API icon). */
export function channelIcon(kind: string): SVGTemplateResult {
  return wrap(channelPaths[kind as ChannelKind] ?? channelPaths.api);
}

export const icons = {
  chat: wrap(svg`<path d="M4 5h16v11H9l-5 4z"/>`),
  close: wrap(svg`<path d="M6 6l12 12M18 6 6 18"/>`),
  attach: wrap(svg`<path d="m20 11.5-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.5a1.7 1.7 0 0 1-2.4-2.4L15 7"/>`),
  send: wrap(svg`<path d="M4 12 20 4l-4 16-4-7z"/><path d="m12 13 8-9"/>`),
  search: wrap(svg`<circle cx="11" cy="11" r="6.5"/><path d="m20 20-4.2-4.2"/>`),
  check: wrap(svg`<path d="m5 12.5 4.5 4.5L19 7.5"/>`),
  checks: wrap(svg`<path d="m2.5 12.5 4.5 4.5L16.5 7.5M12 16l1 1 9.5-9.5"/>`),
  clock: wrap(svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`),
  alert: wrap(svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5v5.5M12 16.5h.01"/>`),
  lock: wrap(svg`<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V8a4 4 0 0 1 8 0v2.5"/>`),
  back: wrap(svg`<path d="M15 5l-7 7 7 7"/>`),
  user: wrap(svg`<circle cx="12" cy="8.5" r="4"/><path d="M4.5 20a7.5 7.5 0 0 1 15 0"/>`),
  tag: wrap(svg`<path d="M3.5 12.5V4.5h8l9 9-8 8z"/><circle cx="8" cy="9" r="1.2"/>`),
  wifiOff: wrap(svg`<path d="M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 12.5a10 10 0 0 1 5-2.7M19 12.5a10 10 0 0 0-2.4-1.7M2 8.5a15 15 0 0 1 4.5-2.8M22 8.5A15 15 0 0 0 11 4.6M12 20h.01"/>`),
};
