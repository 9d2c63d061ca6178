import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { MessageKey } from '../i18n.ts';
import type { FormField, FormFields } from './form-fields.ts';

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

/** What the leave-a-message form needs from the chat. */
export interface LeaveMessageOptions {
  form: FormFields;
  t: (key: MessageKey) => string;
  /** Name and email to start the form with (an identified visitor's). */
  prefill(): { name?: string; email?: string } | undefined;
  /** Why the last try failed, shown above the button. */
  error(): string;
  /** Puts name and email on the visitor's profile and sends the message; false when it did not go. */
  send(values: Record<FormField, string>): Promise<boolean>;
  /** Once the message went the conversation shows: focus its message box. */
  sent(): void;
}

/**
 * The leave-a-message form, offered instead of the chat when no agent is online and the visitor
 * has written nothing: name, email and message; the reply comes by email.
 */
export class LeaveMessage implements ReactiveController {
  /** The email a left message will be answered at, once sent. */
  sentTo = '';
  private sending = false;
  /** Once shown, the form stays until the panel closes, whatever the next status says. */
  private keep = false;
  /** Whether the last render showed the form, and the one before. */
  private visible = false;
  private shown = false;
  private readonly host: Host;
  private readonly options: LeaveMessageOptions;

  constructor(host: Host, options: LeaveMessageOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostUpdated(): void {
    // The form replaced what had focus: start it at its first field.
    if (this.visible && !this.shown && document.activeElement === document.body) {
      this.host.renderRoot.querySelector<HTMLElement>('[part=leave-message] input')?.focus();
    }
    this.shown = this.visible;
  }

  /**
   * Whether the form shows instead of the conversation: `offered` when the host allows it and
   * nothing was written yet, `nobodyOnline` when the server says so and no draft is under way.
   */
  shows(offered: boolean, nobodyOnline: boolean): boolean {
    return (this.visible = offered && !this.sentTo && (this.keep ||= nobodyOnline));
  }

  /** The panel closed: the next opening asks again. */
  release(): void {
    this.keep = this.visible = false;
  }

  render() {
    const { form, t } = this.options;
    const who = this.options.prefill();
    const error = this.options.error();
    return html`<form part="leave-message" class="prechat" novalidate @submit=${this.submit}>
      <p>${t('chat.away')} ${t('chat.leave.intro')}</p>
      ${form.render('leave', 'name', who?.name)} ${form.render('leave', 'email', who?.email)} ${form.render('leave', 'message')}
      ${error ? html`<div class="error" role="alert">${error}</div>` : nothing}
      <button class="btn primary" type="submit" ?disabled=${this.sending}>${t('chat.leave.send')}</button>
    </form>`;
  }

  private submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const values = await this.options.form.check(e.target as HTMLFormElement, ['name', 'email', 'message']);
    if (!values || this.sending) return;
    this.sending = true;
    this.host.requestUpdate();
    try {
      if (!(await this.options.send(values as Record<FormField, string>))) return;
      this.sentTo = values.email!;
      this.host.requestUpdate();
      await this.host.updateComplete;
      this.options.sent();
    } finally {
      this.sending = false;
      this.host.requestUpdate();
    }
  };
}
