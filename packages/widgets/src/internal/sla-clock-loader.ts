let loading: Promise<unknown> | undefined;

/**
 * Loads `<casekit-sla-clock>` the first time a case with SLA clocks is shown: a workspace without
 * SLAs never downloads it. Elements rendered before it arrives upgrade with the properties set.
 */
export function loadSlaClock(): void {
  loading ??= import('../sla/sla-clock.ts').catch((error: unknown) => {
    loading = undefined;
    console.warn('casekit: the SLA clock could not be loaded', error);
  });
}
