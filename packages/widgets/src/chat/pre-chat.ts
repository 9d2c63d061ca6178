import { html, nothing } from 'lit';
import type { MessageKey } from '../i18n.ts';
import type { FormFields } from './form-fields.ts';

/** A field the pre-chat form can ask for. */
export type PreChatField = 'name' | 'email';

/** The fields a `pre-chat` attribute asks for (`"name email"`), in its order; unknown words are ignored. */
export function preChatFields(attribute: string): PreChatField[] {
  return attribute.split(/[\s,]+/).filter((f): f is PreChatField => f === 'name' || f === 'email');
}

/** What the pre-chat form shows and does. */
export interface PreChatView {
  fields: PreChatField[];
  form: FormFields;
  /** Why the session could not start, if it could not. */
  error: string;
  /** True while the session starts: the button waits. */
  starting: boolean;
  t: (key: MessageKey) => string;
  onSubmit: (e: SubmitEvent) => void;
}

/** The form a visitor fills in before the chat starts (the `pre-chat` attribute's fields). */
export function renderPreChat(view: PreChatView) {
  return html`<form part="prechat" class="prechat" novalidate @submit=${view.onSubmit}>
    <p>${view.t('chat.prechat.intro')}</p>
    ${view.fields.map((field) => view.form.render('prechat', field))}
    ${view.error ? html`<div class="error" role="alert">${view.error}</div>` : nothing}
    <button class="btn primary" type="submit" ?disabled=${view.starting}>${view.t('chat.prechat.start')}</button>
  </form>`;
}
