import { html, nothing } from 'lit';
import type { ReactiveControllerHost } from 'lit';
import type { Agent } from '@casekit/protocol';
import type { AgentClient } from '@casekit/sdk';
import type { MessageKey } from '../i18n.ts';
import { fieldErrorsOf } from '../internal/field-errors.ts';
import { SignedInEvent } from './workbench.ts';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

/** What the change-password dialog needs from the workbench. */
export interface PasswordDialogOptions {
  t: (key: MessageKey) => string;
  client(): AgentClient | undefined;
  /** The password was changed: the agent as the server has them now. */
  changed(agent: Agent): void;
}

/**
 * The workbench's change-password dialog: current, new and confirmed password, each error next to
 * its field; on success it fires `casekit-signed-in` with the new token from the workbench.
 * A module of its own, loaded the first time an agent opens it.
 */
export class PasswordDialog {
  /** Messages by field name, and `form` for the rest. */
  private errors = new Map<string, string>();
  private busy = false;
  private readonly host: Host;
  private readonly options: PasswordDialogOptions;

  constructor(host: Host, options: PasswordDialogOptions) {
    this.host = host;
    this.options = options;
  }

  /** Shows the dialog with empty fields. */
  async open(): Promise<void> {
    this.update(new Map());
    await this.host.updateComplete;
    const dialog = this.host.renderRoot.querySelector<HTMLDialogElement>('[part=password-dialog]');
    dialog?.querySelector('form')?.reset();
    dialog?.showModal();
  }

  private update(errors: Map<string, string>, busy = this.busy): void {
    this.errors = errors;
    this.busy = busy;
    this.host.requestUpdate();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const { t, client: clientOf, changed } = this.options;
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const next = String(data.get('newPassword') ?? '');
    if (next !== String(data.get('confirmPassword') ?? '')) return this.update(new Map([['confirmPassword', t('workbench.passwordMismatch')]]));
    const client = clientOf();
    if (!client) return;
    this.update(new Map(), true);
    try {
      const res = await client.changePassword(String(data.get('currentPassword') ?? ''), next);
      changed(res.agent);
      form.closest('dialog')?.close();
      this.host.dispatchEvent(new SignedInEvent(res.token));
      this.update(new Map(), false);
    } catch (err) {
      const fields = fieldErrorsOf(err);
      this.update(fields.size ? fields : new Map([['form', err instanceof Error ? err.message : String(err)]]), false);
    }
  }

  render() {
    const { t } = this.options;
    const field = (name: string, label: string, autocomplete: string, help?: string) => {
      const error = this.errors.get(name);
      const described = [help ? `wb-${name}-help` : '', error ? `wb-${name}-error` : ''].filter(Boolean).join(' ');
      return html`<div class="control">
        <label for="wb-${name}">${label}</label>
        <input class="field" id="wb-${name}" name=${name} type="password" autocomplete=${autocomplete} required
          minlength=${name === 'currentPassword' ? 1 : 10} maxlength="200" aria-invalid=${error ? 'true' : 'false'} aria-describedby=${described || nothing} />
        ${help ? html`<span class="help" id="wb-${name}-help">${help}</span>` : nothing}
        ${error ? html`<span class="error" id="wb-${name}-error">${error}</span>` : nothing}
      </div>`;
    };
    return html`<dialog part="password-dialog" aria-labelledby="wb-password-title"
      @close=${() => this.host.renderRoot.querySelector<HTMLElement>('[part=account-button]')?.focus()}>
      <form class="password-form" @submit=${(e: SubmitEvent) => void this.submit(e)} novalidate>
        <h2 id="wb-password-title">${t('workbench.changePassword')}</h2>
        ${field('currentPassword', t('workbench.currentPassword'), 'current-password')}
        ${field('newPassword', t('workbench.newPassword'), 'new-password', t('workbench.newPasswordHelp'))}
        ${field('confirmPassword', t('workbench.confirmPassword'), 'new-password')}
        ${this.errors.get('form') ? html`<p class="error" role="alert">${this.errors.get('form')}</p>` : nothing}
        <div class="actions">
          <button class="btn" type="button" @click=${(e: Event) => (e.target as HTMLElement).closest('dialog')?.close()}>${t('workbench.cancel')}</button>
          <button class="btn primary" type="submit" ?disabled=${this.busy}>${t('workbench.save')}</button>
        </div>
      </form>
    </dialog>`;
  }
}
