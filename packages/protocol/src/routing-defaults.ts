// No zod here: the workbench's routing form takes the defaults without the schemas. A module of its
// own, so bundles that split per module carry it only where routing settings are edited.
import type { RoutingSettings } from './routing.ts';

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
