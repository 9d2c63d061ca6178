import type { Agent, WorkspaceSettings } from '@casekit/protocol';

/** Settings of a new workspace. */
export const DEFAULT_SETTINGS: WorkspaceSettings = { reopenWindowHours: 72, displayName: 'Support' };

/** Capacity of a new agent when none is given: open cases per channel kind at once. */
export const DEFAULT_CAPACITY: Agent['capacity'] = { webchat: 5, email: 10, sms: 5, whatsapp: 5, telegram: 5 };
