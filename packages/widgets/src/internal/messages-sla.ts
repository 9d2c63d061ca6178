import { registerDefaults } from '../i18n.ts';

/**
 * Strings of the SLA clock, English and Spanish: loaded with `<casekit-sla-clock>`, so a
 * workspace without SLAs does not carry them. Registered as defaults: a host's own strings stay.
 */
const slaMessagesEn = {
  'sla.left': '{time} left',
  'sla.breached': 'Breached',
  'sla.breachedNow': 'Breached just now',
  'sla.breachedAgo': 'Breached {time} ago',
  'sla.paused': 'Paused',
  'sla.pausedLeft': 'Paused, {time} left',
  'sla.met': 'Met',
  'sla.none': 'No target',
  'sla.dueAt': 'Due {time}',
  'sla.metAt': 'Met {time}',
  'sla.breachedAt': 'Breached {time}',
};

/** Keys of the SLA clock's strings. */
export type SlaMessageKey = keyof typeof slaMessagesEn;

const slaMessagesEs: Record<SlaMessageKey, string> = {
  'sla.left': 'Quedan {time}',
  'sla.breached': 'Incumplido',
  'sla.breachedNow': 'Incumplido ahora mismo',
  'sla.breachedAgo': 'Incumplido hace {time}',
  'sla.paused': 'En pausa',
  'sla.pausedLeft': 'En pausa, quedan {time}',
  'sla.met': 'Cumplido',
  'sla.none': 'Sin objetivo',
  'sla.dueAt': 'Vence el {time}',
  'sla.metAt': 'Cumplido el {time}',
  'sla.breachedAt': 'Incumplido el {time}',
};

registerDefaults('en', slaMessagesEn);
registerDefaults('es', slaMessagesEs);
