import { svg, type SVGTemplateResult } from 'lit';

// 24×24 stroke icons drawn for casekit; `currentColor` lets parts recolour them.
// One export each so a bundle carries only the icons it draws (rollup.config.js marks `svg` pure):
// import them as a namespace (`import * as icons`) and use `icons.close`.
/** Wraps an icon's paths in the shared 24×24 stroke SVG. */
export const icon = (body: SVGTemplateResult) =>
  svg`<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

export const chat = icon(svg`<path d="M4 5h16v11H9l-5 4z"/>`);
export const close = icon(svg`<path d="M6 6l12 12M18 6 6 18"/>`);
export const attach = icon(svg`<path d="m20 11.5-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.5a1.7 1.7 0 0 1-2.4-2.4L15 7"/>`);
export const send = icon(svg`<path d="M4 12 20 4l-4 16-4-7z"/><path d="m12 13 8-9"/>`);
export const search = icon(svg`<circle cx="11" cy="11" r="6.5"/><path d="m20 20-4.2-4.2"/>`);
export const check = icon(svg`<path d="m5 12.5 4.5 4.5L19 7.5"/>`);
export const checks = icon(svg`<path d="m2.5 12.5 4.5 4.5L16.5 7.5M12 16l1 1 9.5-9.5"/>`);
export const clock = icon(svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`);
export const alert = icon(svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5v5.5M12 16.5h.01"/>`);
export const lock = icon(svg`<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V8a4 4 0 0 1 8 0v2.5"/>`);
export const back = icon(svg`<path d="M15 5l-7 7 7 7"/>`);
export const wifiOff = icon(svg`<path d="M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 12.5a10 10 0 0 1 5-2.7M19 12.5a10 10 0 0 0-2.4-1.7M2 8.5a15 15 0 0 1 4.5-2.8M22 8.5A15 15 0 0 0 11 4.6M12 20h.01"/>`);
export const settings = icon(svg`<circle cx="12" cy="12" r="3"/><path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>`);
export const copy = icon(svg`<rect x="8.5" y="8.5" width="11.5" height="11.5" rx="2"/><path d="M15.5 8.5V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v7.5a2 2 0 0 0 2 2h2.5"/>`);
export const queue = icon(svg`<path d="M4 6h16M4 12h10M4 18h6"/><circle cx="18.5" cy="16.5" r="3"/><path d="M18.5 15v1.5l1 .8"/>`);
export const route = icon(svg`<circle cx="6" cy="6" r="2.5"/><circle cx="18" cy="18" r="2.5"/><path d="M8.5 6H15a3 3 0 0 1 0 6H9a3 3 0 0 0 0 6h6.5"/>`);
