// Auto-replies, bounces and bulk mail: kept on their thread, never answered, never reopening a case
// (answering an auto-reply with an auto-acknowledgement is how mail loops start).

/** Subjects that out-of-office replies and delivery failures open with, in the common languages. */
const AUTOMATED_SUBJECT =
  /^(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|auto:|out of (?:the )?office|ooo\b|undeliverable|undelivered mail|delivery status notification|delivery failure|mail delivery (?:failed|failure|system)|returned mail|failure notice|non[- ]?delivery|abwesenheitsnotiz|automatische antwort|unzustellbar|réponse automatique|message d'absence|respuesta automática|fuera de la oficina|risposta automatica|fuori sede|automatisch antwoord|afwezigheidsbericht)/i;

/** Local parts of the addresses that bounces come from. */
const BOUNCE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

interface AutomatedSignals {
  /** Header values by lower-case name. */
  headers: ReadonlyMap<string, string>;
  /** The sender's address, lower case. */
  from: string;
  subject: string;
  /** The top-level content type (`multipart/report`) and its `report-type` parameter. */
  contentType?: string;
  reportType?: string;
  /** The SMTP envelope sender; an empty one (`MAIL FROM:<>`) marks a bounce. */
  envelopeFrom?: string | null;
}

/**
 * Whether a message was sent by a machine on its own: `Auto-Submitted` other than `no`,
 * `X-Autoreply`/`X-Autorespond`, `Precedence: auto_reply|bulk|junk`, a delivery or read report,
 * a mailer-daemon sender or null return path, or an out-of-office / undeliverable subject.
 */
export function isAutomated(signals: AutomatedSignals): boolean {
  const header = (name: string): string | undefined => signals.headers.get(name)?.trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return true;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-response', 'x-autoresponder']) {
    const value = header(name);
    if (value !== undefined && value !== 'no' && value !== 'false') return true;
  }
  for (const name of ['precedence', 'x-precedence']) {
    if (/^(?:auto_reply|bulk|junk)\b/.test(header(name) ?? '')) return true;
  }
  if (signals.contentType?.toLowerCase() === 'multipart/report') {
    if (/^(?:delivery-status|disposition-notification)$/i.test(signals.reportType ?? '')) return true;
  }
  if (header('return-path') === '<>' || signals.envelopeFrom === '') return true;
  if (BOUNCE_SENDER.test(signals.from)) return true;
  return AUTOMATED_SUBJECT.test(signals.subject.trim());
}
