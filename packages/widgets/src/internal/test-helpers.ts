// Helpers for the browser tests (not shipped: only *.test.ts files import this).
import 'axe-core/axe.min.js';

type Axe = {
  run(context: Element, options?: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }>;
};

/** Mounts an HTML snippet in a fresh container and waits for Lit's first render. */
export async function fixture<T extends HTMLElement>(markup: string, container: HTMLElement = document.body): Promise<T> {
  const host = document.createElement('div');
  host.className = 'fixture';
  host.innerHTML = markup;
  container.append(host);
  const el = host.firstElementChild as T & { updateComplete?: Promise<unknown> };
  await el.updateComplete;
  return el;
}

/** Removes every fixture and any style a test injected. */
export function cleanup(): void {
  document.querySelectorAll('.fixture, style[data-test]').forEach((n) => n.remove());
}

/** Runs axe-core against an element (shadow roots included); returns readable violations. */
export async function axeViolations(el: Element): Promise<string[]> {
  const axe = (window as unknown as { axe: Axe }).axe;
  // Let entrance animations finish: axe would measure contrast mid-fade.
  const finite = (el.shadowRoot?.getAnimations() ?? []).filter((a) => a.effect?.getTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  const result = await axe.run(el, { resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

/** Hostile page CSS: a reset that unsets everything, loud inherited text styles and a top overlay. */
export const HOSTILE_CSS = `
  * { all: unset; }
  html, body { display: block; font: italic 31px/4 "Comic Sans MS", cursive; color: #f0f !important; letter-spacing: 6px;
    text-transform: uppercase; text-align: center; word-spacing: 20px; white-space: pre; cursor: wait; }
  button, input, textarea, select, div, span, p, section, header { all: unset; background: lime !important; padding: 40px; }
  div.overlay { position: fixed; inset: 0; z-index: 2147482000; background: rgb(0 0 0 / 0.01); display: block; }
  [part], ::part(launcher) { }
`;

/** Injects page-level CSS for one test. */
export function injectCss(css: string): HTMLStyleElement {
  const style = document.createElement('style');
  style.dataset['test'] = '';
  style.textContent = css;
  document.head.append(style);
  return style;
}

/** Resolves after `n` animation frames. */
export async function frames(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(() => r(undefined)));
}

/** Polls until `fn` returns (or resolves to) a truthy value, or fails after `timeout` ms. */
export async function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, message = 'condition', timeout = 4000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (performance.now() - start > timeout) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Computed styles of the parts a visitor sees, for before/after comparisons. */
export function snapshotStyles(root: ShadowRoot, selectors: string[]): Record<string, Record<string, string>> {
  const props = ['font-family', 'font-size', 'font-style', 'color', 'background-color', 'letter-spacing', 'text-transform', 'line-height', 'padding-top', 'width', 'height', 'display'];
  const out: Record<string, Record<string, string>> = {};
  for (const sel of selectors) {
    const el = root.querySelector(sel);
    if (!el) throw new Error(`snapshotStyles: ${sel} not found`);
    const cs = getComputedStyle(el);
    out[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  }
  return out;
}

/** A case with sensible defaults, for tests that supply cases directly. */
export function makeCase(n: number, patch: Record<string, unknown> = {}) {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    id: `case_${n}`,
    workspaceId: 'ws_1',
    number: n,
    subject: `Subject ${n}`,
    status: 'open',
    priority: 'normal',
    customerId: `cus_${n}`,
    assigneeId: null,
    team: null,
    skills: [],
    tags: [],
    channels: ['email'],
    preview: `Preview of case ${n}`,
    messageCount: 1,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    solvedAt: null,
    version: 1,
    ...patch,
  } as import('@casekit/protocol').Case;
}

/** A 1×1 PNG, so a thumbnail really decodes. */
export const TINY_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

/** Picks files in an element's file input, as the browser's file chooser would. */
export function pickFiles(el: HTMLElement, ...files: File[]): void {
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}
