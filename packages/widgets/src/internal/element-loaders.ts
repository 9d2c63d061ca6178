/**
 * A loader for an element that is imported the first time it is needed: pages that never show it
 * never download it. Elements rendered before it arrives upgrade with the properties set.
 */
function lazyElement(load: () => Promise<unknown>, what: string): () => void {
  let loading: Promise<unknown> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      console.warn(`casekit: ${what} could not be loaded`, error);
    });
  };
}

/** Loads `<casekit-sla-clock>` the first time a case with SLA clocks is shown. */
export const loadSlaClock = lazyElement(() => import('../sla/sla-clock.ts'), 'the SLA clock');

/** Loads `<casekit-billing-panel>` the first time a case of a customer linked to Splynx is shown. */
export const loadBillingPanel = lazyElement(() => import('../billing/billing-panel.ts'), 'the billing panel');
