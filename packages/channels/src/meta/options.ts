/** Options of a Meta adapter beyond a channel's settings. */
export interface MetaAdapterOptions {
  /** How long one Graph API call, or fetching one attachment, may take before it is given up and retried later (default 15 s). */
  timeoutMs?: number;
}
