import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AgentClient } from '@casekit/sdk';
import { PERMISSIONS } from '@casekit/protocol';
import type { CaseEvent, Channel, ChannelDetails, ChannelField, ChannelKindInfo, ChannelTestResult } from '@casekit/protocol';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { panelStyles } from '../internal/panel-styles.ts';
import { channelSettingsStyles } from './channel-settings.styles.ts';
import { translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-admin.ts';
import { channelIcon } from '../internal/channel-icons.ts';
import * as icons from '../internal/icons.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { rememberChannel, withChannel } from '../internal/channels.ts';
import { ChannelSavedEvent } from '../events.ts';

type FieldGroup = 'config' | 'secrets';

/** How long "Copied" shows on a copy button. */
const COPIED_MS = 2000;

/** An id for a form control from a field's name (names are free text from the server). */
function controlId(group: FieldGroup, name: string): string {
  return `field-${group}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** A copy of a set or map without `key`, for a state that must change identity to re-render. */
function without<T extends Set<string> | Map<string, unknown>>(collection: T, key: string): T {
  const copy = (collection instanceof Set ? new Set(collection) : new Map(collection)) as T;
  copy.delete(key);
  return copy;
}

/** The field an API issue names: `body.config.accountSid` → `config.accountSid`. */
function fieldOfIssue(path: string): string {
  return path.replace(/^body\./, '');
}

/** The field issues of an SDK error (`CasekitApiError.details.issues`), if it has any. */
function issuesOf(err: unknown): { path: string; message: string }[] {
  const details = typeof err === 'object' && err !== null && 'details' in err ? (err.details as { issues?: unknown } | undefined) : undefined;
  return Array.isArray(details?.issues) ? (details.issues as { path: string; message: string }[]) : [];
}

/**
 * The workspace's channels, for admins to set up: each with its kind and medium, an enabled
 * switch, the webhook URL to give its provider (with a copy button) and which of its secrets are
 * set (never their values). "Add channel" opens a form built from the kinds this server runs
 * (`GET /channel-kinds`): each kind's settings and secrets with their labels, help, required
 * marks and an input per type (secrets as password fields, `object` settings as JSON). Problems
 * the server finds show next to the field they name; a new channel's webhook URL shows once it
 * is created, ready to paste into the provider's console. "Test" checks a channel's credentials
 * and setup with its provider and shows what it found (a status) or what failed (an alert), with a
 * button to the field to fix; "Edit" changes a channel's name and settings and replaces secrets
 * (left empty, a saved secret is kept). Agents who are not admins see the list, read-only.
 *
 * @event casekit-channel-saved - A channel was created, edited, or enabled / disabled; `event.channel`, `event.created`.
 *
 * @csspart list - The list of channels.
 * @csspart channel - One channel of the list.
 * @csspart switch - A channel's enabled switch (admins).
 * @csspart test-button - A channel's "Test" button (admins).
 * @csspart edit-button - A channel's "Edit" button (admins).
 * @csspart test-result - What a channel's check found, or why it failed.
 * @csspart webhook - A webhook URL with its copy button.
 * @csspart add-button - The "Add channel" button (admins).
 * @csspart form - The "Add channel" form, or a channel's edit form.
 * @csspart created - What shows after a channel was created: its webhook URL to copy.
 *
 * @cssproperty --casekit-channel-settings-max-width - Widest the content grows (default 760px).
 */
@customElement('casekit-channel-settings')
export class CasekitChannelSettings extends LitElement {
  static override styles = [themeStyles, formControlStyles, panelStyles, channelSettingsStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor channels: ChannelDetails[] = [];
  @state() private accessor kinds: ChannelKindInfo[] = [];

  @state() private accessor adding = false;
  /** The id of the channel whose edit form is open. */
  @state() private accessor editing = '';
  @state() private accessor testing = new Set<string>();
  @state() private accessor results = new Map<string, ChannelTestResult>();
  @state() private accessor kind = '';
  @state() private accessor fieldErrors = new Map<string, string>();
  @state() private accessor formError = '';
  @state() private accessor submitting = false;
  @state() private accessor created: ChannelDetails | null = null;
  @state() private accessor toggling = new Set<string>();
  @state() private accessor rowErrors = new Map<string, string>();
  @state() private accessor copied = '';
  @state() private accessor announcement = '';

  private copiedTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly loader = new AdminLoadController(this, {
    load: (client) => Promise.all([client.listChannels(), client.listChannelKinds()]),
    loaded: ([channels, kinds]) => {
      this.channels = channels.items;
      this.kinds = kinds.items;
    },
    failed: (err) => this.t('channels.error', { message: err instanceof Error ? err.message : String(err) }),
    needs: PERMISSIONS.createChannel,
    on: { event: (e: CaseEvent) => this.onEvent(e) },
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.copiedTimer);
  }

  /** Loads the channels, the kinds this server runs and whether the agent may change them. */
  async reload(): Promise<void> {
    await this.loader.reload();
  }

  private onEvent(e: CaseEvent): void {
    if (e.type !== 'channel.created' && e.type !== 'channel.updated') return;
    const channel: Channel = e.data.channel;
    const known = this.channels.find((c) => c.id === channel.id);
    if (known) {
      this.channels = this.channels.map((c) => (c.id === channel.id ? (withChannel(c, channel) ?? c) : c));
      return;
    }
    // Made elsewhere: its details (webhook URL, capabilities) come from the API.
    void this.loader.client?.getChannel(channel.id).then((details) => this.upsert(details), () => undefined);
  }

  private upsert(channel: ChannelDetails): void {
    this.channels = this.channels.some((c) => c.id === channel.id)
      ? this.channels.map((c) => (c.id === channel.id ? channel : c))
      : [...this.channels, channel];
  }

  private kindInfo(kind: string): ChannelKindInfo | undefined {
    return this.kinds.find((k) => k.kind === kind);
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  private medium(medium: string): string {
    return this.t(`channel.${medium}` as MessageKey);
  }

  // ---- the list ----

  /** Runs one request of a row: the row is busy meanwhile, and a failure shows as its error. */
  private async rowRequest(channel: ChannelDetails, busy: 'toggling' | 'testing', failure: MessageKey, request: (client: AgentClient) => Promise<void>): Promise<void> {
    const client = this.loader.client;
    if (!client || !this.loader.allowed || this[busy].has(channel.id)) return;
    this[busy] = new Set(this[busy]).add(channel.id);
    this.rowErrors = without(this.rowErrors, channel.id);
    try {
      await request(client);
    } catch (err) {
      this.rowErrors = new Map(this.rowErrors).set(channel.id, this.t(failure, { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      this[busy] = without(this[busy], channel.id);
    }
  }

  private toggle(channel: ChannelDetails): Promise<void> {
    return this.rowRequest(channel, 'toggling', 'channels.saveError', async (client) => {
      const saved = await client.updateChannel(channel.id, { enabled: !channel.enabled });
      this.upsert(saved);
      rememberChannel(client, saved);
      this.dispatchEvent(new ChannelSavedEvent(saved, false));
    });
  }

  /** Asks the server to check the channel with its provider; the answer shows under the channel. */
  private test(channel: ChannelDetails): Promise<void> {
    return this.rowRequest(channel, 'testing', 'channels.testError', async (client) => {
      this.results = without(this.results, channel.id);
      const result = await client.testChannel(channel.id);
      this.results = new Map(this.results).set(channel.id, result);
    });
  }

  /** The kind's field a check or an issue names (`secrets.authToken`), if the form has it. */
  private fieldOf(kind: string, key: string): ChannelField | undefined {
    const [group, name] = key.split('.', 2) as [string, string | undefined];
    if ((group !== 'config' && group !== 'secrets') || !name) return undefined;
    return this.kindInfo(kind)?.fields[group].find((f) => f.name === name);
  }

  /** Opens a channel's edit form; `problem` marks the field a check blamed, which takes focus. */
  private openEdit(channel: ChannelDetails, problem?: { field: string; message: string }): void {
    this.adding = false;
    this.created = null;
    this.editing = channel.id;
    this.formError = '';
    this.fieldErrors = problem ? new Map([[problem.field, problem.message]]) : new Map();
    void this.updateComplete.then(() => {
      const target = problem ? `form [name="${CSS.escape(problem.field)}"]` : 'form [name=name]';
      this.renderRoot.querySelector<HTMLElement>(target)?.focus();
    });
  }

  private closeEdit(): void {
    const id = this.editing;
    this.editing = '';
    this.formError = '';
    this.fieldErrors = new Map();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-channel="${CSS.escape(id)}"] [part=edit-button]`)?.focus());
  }

  /** Copies a webhook URL; where the clipboard is refused, selects it for Ctrl+C instead. */
  private async copy(key: string, url: string, input: HTMLInputElement | null): Promise<void> {
    let done = false;
    try {
      await navigator.clipboard.writeText(url);
      done = true;
    } catch {
      input?.focus();
      input?.select();
      done = document.execCommand?.('copy') ?? false;
    }
    if (!done) return;
    this.copied = key;
    this.announcement = this.t('channels.copied');
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => {
      this.copied = '';
      this.announcement = '';
    }, COPIED_MS);
  }

  private renderWebhook(key: string, name: string, url: string) {
    const inputId = `webhook-${key}`;
    return html`<span part="webhook" class="webhook">
      <input id=${inputId} class="field" readonly .value=${url} aria-label=${this.t('channels.webhookOf', { name })} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
      <button
        type="button"
        class="btn copy"
        aria-label=${this.t('channels.copyOf', { name })}
        @click=${() => this.copy(key, url, this.renderRoot.querySelector<HTMLInputElement>(`#${CSS.escape(inputId)}`))}
      >
        ${this.copied === key ? icons.check : icons.copy}<span aria-hidden="true">${this.copied === key ? this.t('channels.copied') : this.t('channels.copy')}</span>
      </button>
    </span>`;
  }

  /** Which secrets are set: the kind's secret fields by label, and any other names it holds. Never values. */
  private renderSecrets(channel: ChannelDetails) {
    const fields = this.kindInfo(channel.kind)?.fields.secrets ?? [];
    const rows = [
      ...fields.map((f) => ({ label: f.label, set: channel.secretNames.includes(f.name) })),
      ...channel.secretNames.filter((n) => !fields.some((f) => f.name === n)).map((n) => ({ label: n, set: true })),
    ];
    if (!rows.length) return html`<span class="muted">${this.t('channels.none')}</span>`;
    return html`<ul class="secrets">
      ${rows.map(
        (r) => html`<li class=${r.set ? 'set' : 'missing'}>
          ${r.set ? icons.check : icons.alert}<span>${r.label}: ${r.set ? this.t('channels.secretSet') : this.t('channels.secretMissing')}</span>
        </li>`,
      )}
    </ul>`;
  }

  private renderChannel(channel: ChannelDetails) {
    const busy = this.toggling.has(channel.id);
    const state = channel.enabled ? this.t('channels.enabled') : this.t('channels.disabled');
    const rowError = this.rowErrors.get(channel.id);
    return html`<li part="channel" class="channel ${channel.enabled ? '' : 'off'}" data-channel=${channel.id}>
      <div class="head">
        <span class="icon" title=${this.medium(channel.medium)}>${channelIcon(channel.medium)}</span>
        <span class="title">
          <strong>${channel.name}</strong>
          <span class="muted">${channel.kind} · ${this.medium(channel.medium)}</span>
        </span>
        ${this.loader.allowed
          ? html`<button
              part="switch"
              class="switch"
              type="button"
              role="switch"
              aria-checked=${channel.enabled ? 'true' : 'false'}
              aria-label=${this.t('channels.toggle', { name: channel.name })}
              ?disabled=${busy}
              @click=${() => this.toggle(channel)}
            >
              <span class="track" aria-hidden="true"><span class="thumb"></span></span><span class="state" aria-hidden="true">${state}</span>
            </button>`
          : html`<span class="state ${channel.enabled ? 'on' : ''}">${state}</span>`}
      </div>
      <dl>
        ${channel.webhookUrl
          ? html`<dt>${this.t('channels.webhook')}</dt>
              <dd>${this.renderWebhook(channel.id, channel.name, channel.webhookUrl)}</dd>`
          : nothing}
        <dt>${this.t('channels.secrets')}</dt>
        <dd>${this.renderSecrets(channel)}</dd>
      </dl>
      ${this.loader.allowed ? this.renderRowActions(channel) : nothing} ${this.renderResult(channel)}
      ${rowError ? html`<p class="error" role="alert">${rowError}</p>` : nothing} ${this.editing === channel.id ? this.renderForm(channel) : nothing}
    </li>`;
  }

  private renderRowActions(channel: ChannelDetails) {
    const testing = this.testing.has(channel.id);
    return html`<div class="row-actions">
      <button
        part="test-button"
        class="btn"
        type="button"
        aria-label=${this.t('channels.testOf', { name: channel.name })}
        aria-disabled=${testing ? 'true' : 'false'}
        @click=${() => this.test(channel)}
      >
        ${testing ? this.t('channels.testing') : this.t('channels.test')}
      </button>
      <button
        part="edit-button"
        class="btn"
        type="button"
        aria-label=${this.t('channels.editOf', { name: channel.name })}
        aria-expanded=${this.editing === channel.id ? 'true' : 'false'}
        @click=${() => (this.editing === channel.id ? this.closeEdit() : this.openEdit(channel))}
      >
        ${this.t('channels.edit')}
      </button>
    </div>`;
  }

  /** A passed check is a status; a failed one an alert, with a button to the field it blames. */
  private renderResult(channel: ChannelDetails) {
    const result = this.results.get(channel.id);
    if (!result) return nothing;
    if (result.ok) {
      return html`<div part="test-result" class="test-result ok" role="status">
        ${icons.check}<p><strong>${this.t('channels.testPassed')}</strong> ${result.detail ?? ''}</p>
      </div>`;
    }
    const error = result.error;
    const field = error?.field ? this.fieldOf(channel.kind, error.field) : undefined;
    return html`<div part="test-result" class="test-result failed" role="alert">
      ${icons.alert}
      <p>
        <strong>${this.t('channels.testFailed')}</strong> ${error?.message ?? ''} ${result.detail ? html`<span class="muted">${result.detail}</span>` : nothing}
        ${error?.retryable ? html`<span class="muted">${this.t('channels.testRetry')}</span>` : nothing}
      </p>
      ${field && error?.field
        ? html`<button class="btn fix" type="button" @click=${() => this.openEdit(channel, { field: error.field!, message: error.message })}>
            ${this.t('channels.fix', { field: field.label })}
          </button>`
        : nothing}
    </div>`;
  }

  // ---- the form ----

  private openForm(): void {
    this.editing = '';
    this.adding = true;
    this.created = null;
    this.formError = '';
    this.fieldErrors = new Map();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#field-kind')?.focus());
  }

  private closeForm(): void {
    this.adding = false;
    this.kind = '';
    this.formError = '';
    this.fieldErrors = new Map();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part=add-button]')?.focus());
  }

  private onKind(e: Event): void {
    this.kind = (e.target as HTMLSelectElement).value;
    this.fieldErrors = new Map();
    this.formError = '';
  }

  /** Reads one field of the form; an error message instead when its value cannot be used. */
  private readField(form: HTMLFormElement, group: FieldGroup, field: ChannelField, saved = false): { value?: unknown; error?: string } {
    const control = form.elements.namedItem(`${group}.${field.name}`) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null;
    if (!control) return {};
    if (group === 'config' && field.type === 'boolean') return { value: (control as HTMLInputElement).checked };
    const raw = group === 'secrets' ? control.value : control.value.trim();
    if (!raw.trim()) return field.required && !saved ? { error: this.t('channels.missing') } : {};
    if (group === 'secrets') return { value: raw };
    if (field.type === 'number') {
      const n = Number(raw);
      return Number.isFinite(n) ? { value: n } : { error: this.t('channels.notNumber') };
    }
    if (field.type === 'object') {
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch (err) {
        return { error: this.t('channels.invalidJson', { message: err instanceof Error ? err.message : String(err) }) };
      }
    }
    return { value: raw };
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const client = this.loader.client;
    const editing = this.channels.find((c) => c.id === this.editing);
    const info = this.kindInfo(editing ? editing.kind : this.kind);
    const form = e.target as HTMLFormElement;
    if (!client || this.submitting) return;
    const errors = new Map<string, string>();
    if (!info) errors.set('kind', this.t('channels.missing'));
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    if (!name) errors.set('name', this.t('channels.missing'));
    const settings = { config: {} as Record<string, unknown>, secrets: {} as Record<string, string> };
    for (const group of ['config', 'secrets'] as const) {
      for (const field of info?.fields[group] ?? []) {
        const saved = group === 'secrets' && Boolean(editing?.secretNames.includes(field.name));
        const { value, error } = this.readField(form, group, field, saved);
        if (error) errors.set(`${group}.${field.name}`, error);
        else if (value !== undefined) (settings[group] as Record<string, unknown>)[field.name] = value;
      }
    }
    if (errors.size) return this.showErrors(errors, '');
    this.submitting = true;
    this.formError = '';
    this.fieldErrors = new Map();
    try {
      if (editing) {
        // Config is replaced as a whole; secrets left empty are kept as they are.
        const secrets = Object.keys(settings.secrets).length ? { secrets: settings.secrets } : {};
        const channel = await client.updateChannel(editing.id, { name, config: settings.config, ...secrets });
        this.saved(client, channel);
        return;
      }
      const channel = await client.createChannel({ kind: this.kind, name, ...settings });
      this.upsert(channel);
      rememberChannel(client, channel);
      this.adding = false;
      this.kind = '';
      this.created = channel;
      this.dispatchEvent(new ChannelSavedEvent(channel, true));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part=created]')?.focus();
    } catch (err) {
      const shown = new Map<string, string>();
      let other = '';
      for (const issue of issuesOf(err)) {
        // An issue inside a JSON field (`config.templates[0].contentSid`) shows next to that field.
        const key = [fieldOfIssue(issue.path), fieldOfIssue(issue.path).replace(/^((?:config|secrets)\.[^.[]+).*$/, '$1')].find((name) =>
          this.renderRoot.querySelector(`form [name="${CSS.escape(name)}"]`),
        );
        if (key) shown.set(key, issue.message);
        else other = issue.message;
      }
      this.showErrors(shown, shown.size ? other : other || this.t('channels.saveError', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      this.submitting = false;
    }
  }

  /** An edit went through: the row shows it, its last check no longer applies, focus goes back to its Edit button. */
  private saved(client: AgentClient, channel: ChannelDetails): void {
    this.upsert(channel);
    rememberChannel(client, channel);
    this.results = without(this.results, channel.id);
    this.dispatchEvent(new ChannelSavedEvent(channel, false));
    this.announcement = this.t('channels.saved', { name: channel.name });
    this.closeEdit();
  }

  private showErrors(errors: Map<string, string>, other: string): void {
    this.fieldErrors = errors;
    const fix = this.editing ? this.t('channels.fixErrorsEdit') : this.t('channels.fixErrors');
    this.formError = errors.size ? [fix, other].filter(Boolean).join(' ') : other;
    // The first field in error takes focus, so its message is read out with it.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus());
  }

  /** A label, the control for the field's type, its help and its error, tied together for screen readers. */
  private renderControl(key: string, id: string, label: string, field: Pick<ChannelField, 'required' | 'type' | 'options' | 'help'>, secret: boolean, value?: unknown) {
    const error = this.fieldErrors.get(key);
    const helpId = field.help ? `${id}-help` : '';
    const errorId = error ? `${id}-error` : '';
    const describedBy = [errorId, helpId].filter(Boolean).join(' ') || nothing;
    const invalid = error ? 'true' : 'false';
    const mark = field.required ? html`<span class="required" aria-hidden="true">*</span>` : nothing;
    const type = secret ? 'password' : (field.type ?? 'text');
    const labelled = html`<label for=${id}>${label}${mark}</label>`;
    let control;
    switch (type) {
      case 'boolean':
        return html`<div class="control check">
          <input id=${id} name=${key} type="checkbox" .checked=${value === true} aria-invalid=${invalid} aria-describedby=${describedBy} />${labelled}
          ${this.renderHelp(helpId, field.help, errorId, error)}
        </div>`;
      case 'select':
        control = html`<select id=${id} name=${key} class="field" ?required=${field.required} aria-invalid=${invalid} aria-describedby=${describedBy}>
          ${field.required ? nothing : html`<option value=""></option>`} ${(field.options ?? []).map((o) => html`<option value=${o} ?selected=${o === value}>${o}</option>`)}
        </select>`;
        break;
      case 'object':
        control = html`<textarea
          id=${id}
          name=${key}
          class="field json"
          spellcheck="false"
          placeholder="{ }"
          .value=${value === undefined ? '' : JSON.stringify(value, null, 2)}
          ?required=${field.required}
          aria-invalid=${invalid}
          aria-describedby=${describedBy}
        ></textarea>`;
        break;
      default:
        control = html`<input
          id=${id}
          name=${key}
          class="field"
          type=${type}
          .value=${value === undefined || value === null ? '' : String(value)}
          autocomplete=${secret ? 'new-password' : 'off'}
          spellcheck="false"
          ?required=${field.required}
          aria-invalid=${invalid}
          aria-describedby=${describedBy}
        />`;
    }
    return html`<div class="control">${labelled}${control}${this.renderHelp(helpId, field.help, errorId, error)}</div>`;
  }

  private renderHelp(helpId: string, help: string | undefined, errorId: string, error: string | undefined) {
    return html`${error ? html`<p class="field-error" id=${errorId}>${icons.alert}<span>${error}</span></p>` : nothing}${help
      ? html`<p class="help" id=${helpId}>${help}</p>`
      : nothing}`;
  }

  /** The "Add channel" form, or `channel`'s edit form: its kind fixed, its settings filled in, secrets kept unless replaced. */
  private renderForm(channel?: ChannelDetails) {
    const info = this.kindInfo(channel ? channel.kind : this.kind);
    const kindError = this.fieldErrors.get('kind');
    const config = (channel?.config ?? {}) as Record<string, unknown>;
    const secretField = (f: ChannelField) => {
      const saved = Boolean(channel?.secretNames.includes(f.name));
      const help = saved ? [this.t('channels.secretKept'), f.help].filter(Boolean).join(' ') : f.help;
      return { ...f, required: f.required && !saved, ...(help !== undefined && { help }) };
    };
    return html`<form part="form" class="form" novalidate aria-labelledby="form-title" @submit=${this.submit}>
      <h3 id="form-title">${channel ? this.t('channels.editTitle', { name: channel.name }) : this.t('channels.add')}</h3>
      ${this.formError ? html`<p class="error" role="alert">${this.formError}</p>` : nothing}
      ${channel
        ? nothing
        : html`<div class="control">
            <label for="field-kind">${this.t('channels.kind')}<span class="required" aria-hidden="true">*</span></label>
            <select
              id="field-kind"
              name="kind"
              class="field"
              required
              aria-invalid=${kindError ? 'true' : 'false'}
              aria-describedby=${kindError ? 'field-kind-error' : nothing}
              @change=${this.onKind}
            >
              <option value="" ?selected=${!this.kind}>${this.t('channels.chooseKind')}</option>
              ${this.kinds.map((k) => html`<option value=${k.kind} ?selected=${k.kind === this.kind}>${k.kind} · ${this.medium(k.medium)}</option>`)}
            </select>
            ${kindError ? html`<p class="field-error" id="field-kind-error">${icons.alert}<span>${kindError}</span></p>` : nothing}
          </div>`}
      ${this.renderControl('name', 'field-name', this.t('channels.name'), { required: true }, false, channel?.name)}
      ${info && info.fields.config.length
        ? html`<fieldset>
            <legend>${this.t('channels.settings')}</legend>
            ${info.fields.config.map((f) => this.renderControl(`config.${f.name}`, controlId('config', f.name), f.label, f, false, config[f.name]))}
          </fieldset>`
        : nothing}
      ${info && info.fields.secrets.length
        ? html`<fieldset aria-describedby="secrets-help">
            <legend>${this.t('channels.secrets')}</legend>
            <p class="help" id="secrets-help">${this.t('channels.secretsHelp')}</p>
            ${info.fields.secrets.map((f) => this.renderControl(`secrets.${f.name}`, controlId('secrets', f.name), f.label, secretField(f), true))}
          </fieldset>`
        : nothing}
      <div class="actions">
        <button class="btn" type="button" @click=${channel ? this.closeEdit : this.closeForm}>${this.t('channels.cancel')}</button>
        <button class="btn primary" type="submit" ?disabled=${this.submitting}>
          ${channel
            ? this.submitting
              ? this.t('channels.saving')
              : this.t('channels.save')
            : this.submitting
              ? this.t('channels.creating')
              : this.t('channels.create')}
        </button>
      </div>
    </form>`;
  }

  private renderCreated(channel: ChannelDetails) {
    return html`<div part="created" class="created" role="status" tabindex="-1">
      <p>${icons.check}<strong>${this.t('channels.created', { name: channel.name })}</strong></p>
      ${channel.webhookUrl
        ? html`<p>${this.t('channels.createdWebhook')}</p>
            ${this.renderWebhook(`created-${channel.id}`, channel.name, channel.webhookUrl)}`
        : nothing}
    </div>`;
  }

  protected override render() {
    return html`<div class="root" lang=${this.loader.locale}>
      <section aria-labelledby="channels-title" aria-busy=${this.loader.loading ? 'true' : 'false'}>
        <header>
          <h2 id="channels-title">${this.t('channels.label')}</h2>
          ${this.loader.allowed && !this.adding
            ? html`<button part="add-button" class="btn primary" type="button" @click=${this.openForm}>
                ${this.t('channels.add')}
              </button>`
            : nothing}
        </header>
        ${!this.loader.allowed && !this.loader.loading && !this.loader.error ? html`<p class="muted">${this.t('channels.readOnly')}</p>` : nothing}
        ${this.created ? this.renderCreated(this.created) : nothing} ${this.adding ? this.renderForm() : nothing}
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : nothing}
        ${this.loader.loading && !this.channels.length ? html`<p class="muted" role="status">${this.t('channels.loading')}</p>` : nothing}
        ${!this.loader.loading && !this.loader.error && !this.channels.length ? html`<p class="muted">${this.t('channels.empty')}</p>` : nothing}
        ${this.channels.length
          ? html`<ul part="list" class="list" aria-label=${this.t('channels.label')}>
              ${repeat(this.channels, (c) => c.id, (c) => this.renderChannel(c))}
            </ul>`
          : nothing}
      </section>
      <div class="sr-live" role="status" aria-live="polite">${this.announcement}</div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-channel-settings': CasekitChannelSettings;
  }
}
