import type { Agent, RoutingSettings, WorkspaceSettings } from '@casekit/protocol';

/** Settings of a new workspace. */
export const DEFAULT_SETTINGS: WorkspaceSettings = { reopenWindowHours: 72, displayName: 'Support' };

/** Capacity of a new agent when none is given: open cases per channel kind at once. */
export const DEFAULT_CAPACITY: Agent['capacity'] = { webchat: 5, email: 10, sms: 5, whatsapp: 5, telegram: 5 };

/**
 * Routing of a workspace that has not set its own: every case to the least-loaded online agent
 * with a free slot, the customer's last agent first; a case's team and language are required for
 * its first minute, then only its team; an agent who goes offline gives their cases back.
 */
export const DEFAULT_ROUTING: RoutingSettings = {
  policies: {
    default: {
      id: 'default',
      mode: 'auto',
      selection: 'least-loaded',
      sticky: true,
      widening: [
        { afterSeconds: 0, minLevel: 'case', language: true, team: true },
        { afterSeconds: 60, minLevel: 1, language: false, team: true },
      ],
      onAgentOffline: 'reassign',
    },
  },
  rules: [],
};
