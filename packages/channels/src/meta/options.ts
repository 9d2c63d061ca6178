/** Options of a Meta adapter beyond a channel's settings. */
export interface MetaAdapterOptions {
  /** How long one Graph API call may take before the send is given up and retried later (default 15 s). */
  timeoutMs?: number;
}
