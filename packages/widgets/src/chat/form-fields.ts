import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { MessageKey } from '../i18n.ts';

/** A field of the chat's forms: the pre-chat form asks for name and email, leave-a-message for all three. */
export type FormField = 'name' | 'email' | 'message';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const fieldLabel = (field: FormField): MessageKey => (field === 'message' ? 'chat.leave.message' : `chat.prechat.${field}`);

/**
 * The fields of the chat's forms and their mistakes: labelled inputs whose errors are tied to
 * them with `aria-invalid` and `aria-describedby`, and a check that focuses the first field at fault.
 */
export class FormFields {
  private errors: Partial<Record<FormField, string>> = {};
  private readonly host: ReactiveControllerHost;
  private readonly t: Translate;

  constructor(host: ReactiveControllerHost, t: Translate) {
    this.host = host;
    this.t = t;
  }

  /** One labelled field with its error; ids are `<form>-<field>`. */
  render(form: 'prechat' | 'leave', field: FormField, value = '') {
    const error = this.errors[field];
    const id = `${form}-${field}`;
    const invalid = error ? 'true' : 'false';
    const describedBy = error ? `${id}-error` : nothing;
    return html`<div>
      <label for=${id}>${this.t(fieldLabel(field))}</label>
      ${field === 'message'
        ? html`<textarea class="field" id=${id} name=${field} rows="4" maxlength="10000" required aria-invalid=${invalid}
            aria-describedby=${describedBy}></textarea>`
        : html`<input
            class="field"
            id=${id}
            name=${field}
            type=${field === 'email' ? 'email' : 'text'}
            autocomplete=${field === 'email' ? 'email' : 'name'}
            .value=${value}
            required
            aria-invalid=${invalid}
            aria-describedby=${describedBy}
          />`}
      ${error ? html`<div class="error" id="${id}-error">${error}</div>` : nothing}
    </div>`;
  }

  /** Reads and checks a form's fields; on a mistake shows it, focuses the first bad field and answers null. */
  async check(form: HTMLFormElement, fields: FormField[]): Promise<Partial<Record<FormField, string>> | null> {
    const data = new FormData(form);
    const errors: Partial<Record<FormField, string>> = {};
    const values: Partial<Record<FormField, string>> = {};
    for (const field of fields) {
      const value = String(data.get(field) ?? '').trim();
      if (!value) {
        errors[field] = this.t('chat.prechat.required', { field: this.t(fieldLabel(field)).toLowerCase() });
      } else if (field === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
        errors[field] = this.t('chat.prechat.invalidEmail');
      } else {
        values[field] = value;
      }
    }
    this.errors = errors;
    this.host.requestUpdate();
    const firstBad = fields.find((f) => errors[f]);
    if (!firstBad) return values;
    await this.host.updateComplete;
    form.querySelector<HTMLElement>(`[name=${firstBad}]`)?.focus();
    return null;
  }
}
