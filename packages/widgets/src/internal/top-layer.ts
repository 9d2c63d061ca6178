/**
 * Keeps a `position: fixed` box relative to the viewport. An ancestor with a transform, a filter,
 * containment and the like becomes the containing block of fixed descendants (a launcher on a page
 * whose `body` is transformed lands off screen); such a box is shown in the top layer instead, as
 * a manual popover. Elsewhere it stays an ordinary fixed box, stacked by `--casekit-z-index`.
 */

/** Whether `el` makes itself the containing block of its fixed descendants. */
function holdsFixed(el: Element): boolean {
  const s = getComputedStyle(el);
  if (s.display === 'contents') return false;
  const set = (value: string | undefined) => value !== undefined && value !== '' && value !== 'none';
  return (
    set(s.transform) ||
    set(s.translate) ||
    set(s.rotate) ||
    set(s.scale) ||
    set(s.perspective) ||
    set(s.filter) ||
    set(s.backdropFilter) ||
    s.transformStyle === 'preserve-3d' ||
    /\b(layout|paint|strict|content)\b/.test(s.contain) ||
    /\b(transform|translate|rotate|scale|perspective|filter|backdrop-filter|contain)\b/.test(s.willChange) ||
    (s.containerType !== '' && s.containerType !== 'normal') ||
    s.contentVisibility === 'auto'
  );
}

/** True when a fixed box inside `host` would not be placed against the viewport. */
function fixedIsTrapped(host: Element): boolean {
  for (let el: Element | null = parentOf(host); el; el = parentOf(el)) {
    if (el === document.documentElement) return false;
    if (holdsFixed(el)) return true;
  }
  return false;
}

/** The parent in the flat tree: across shadow roots to their hosts. */
function parentOf(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/**
 * Shows `box` (a fixed element in `host`'s shadow root) in the top layer when an ancestor of
 * `host` would trap it, and as a plain fixed box otherwise. Safe to call again after a change.
 */
export function placeFixed(box: HTMLElement, host: Element): void {
  if (typeof box.showPopover !== 'function' || !box.isConnected) return;
  if (fixedIsTrapped(host)) {
    if (box.popover !== 'manual') box.popover = 'manual';
    if (!box.matches(':popover-open')) box.showPopover();
  } else if (box.hasAttribute('popover')) {
    if (box.matches(':popover-open')) box.hidePopover();
    box.removeAttribute('popover');
  }
}
