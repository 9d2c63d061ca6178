import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AgentClient } from '@casekit/sdk';
import { BOT_FIELD_KINDS, DEFAULT_HANDOFF_KEYWORDS, PERMISSIONS } from '@casekit/protocol';
import type { Agent, Bot, BotCreateResponse, BotUpdateRequest, ChannelDetails } from '@casekit/protocol';
import { formControlStyles, themeStyles } from '../internal/theme.ts';
import { panelStyles } from '../internal/panel-styles.ts';
import { botsStyles } from './bots.styles.ts';
import { errorMessage, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-chat.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-admin.ts';
import '../internal/messages-errors.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { fieldErrorsOf } from '../internal/field-errors.ts';

/** `<casekit-bots>` created or changed a bot, or its token; `bot` is the server's answer. */
export class BotSavedEvent extends Event {
  static readonly eventName = 'casekit-bot-saved';
  readonly bot: Bot;
  constructor(bot: Bot) {
    super(BotSavedEvent.eventName, { bubbles: true, composed: true });
    this.bot = bot;
  }
}

type BotKind = 'rules' | 'external';
type FieldKind = (typeof BOT_FIELD_KINDS)[number];
/** The form's copy of a bot: lists of keywords as the comma-separated text typed. */
interface Draft {
  name: string;
  channelIds: string[];
  kind: BotKind;
  greeting: string;
  faq: { keywords: string; answer: string }[];
  fields: { name: string; prompt: string; kind: FieldKind; pattern: string }[];
  offerHuman: string;
  handoffKeywords: string;
  url: string;
  timeoutSeconds: string;
}
/** Credentials the server answered once, kept on screen until the admin dismisses them. */
interface Revealed {
  name: string;
  token: string;
  signingSecret: string | null;
}

/** A comma-separated list: trimmed, empty items dropped. */
const listOf = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function draftOf(bot: Bot | undefined): Draft {
  const rules = bot?.settings.rules;
  const external = bot?.settings.external;
  return {
    name: bot?.agent.name ?? '',
    channelIds: [...(bot?.settings.channelIds ?? [])],
    kind: external ? 'external' : 'rules',
    greeting: rules?.greeting ?? '',
    faq: (rules?.faq ?? []).map((f) => ({ keywords: f.keywords.join(', '), answer: f.answer })),
    fields: (rules?.fields ?? []).map((f) => ({ name: f.name, prompt: f.prompt, kind: f.kind, pattern: f.pattern ?? '' })),
    offerHuman: rules?.offerHuman ?? '',
    handoffKeywords: (rules?.handoffKeywords ?? DEFAULT_HANDOFF_KEYWORDS).join(', '),
    url: external?.url ?? '',
    timeoutSeconds: String(external?.timeoutSeconds ?? 15),
  };
}

/** What the API takes for a draft: its name, channels and either `rules` or `external`. */
function bodyOf(draft: Draft) {
  const settings: Pick<BotUpdateRequest, 'rules' | 'external'> =
    draft.kind === 'external'
      ? { external: { url: draft.url.trim(), timeoutSeconds: Number(draft.timeoutSeconds) } }
      : {
          rules: {
            greeting: draft.greeting,
            faq: draft.faq.map((f) => ({ keywords: listOf(f.keywords), answer: f.answer })),
            fields: draft.fields.map((f) => ({ name: f.name.trim(), prompt: f.prompt, kind: f.kind, ...(f.pattern.trim() && { pattern: f.pattern.trim() }) })),
            offerHuman: draft.offerHuman,
            handoffKeywords: listOf(draft.handoffKeywords),
          },
        };
  return { name: draft.name.trim(), channelIds: draft.channelIds, ...settings };
}

/**
 * The workspace's bots, for admins to manage: each with its kind (the built-in rules bot or your
 * own external one), the channels whose new cases it takes and whether it holds an API token.
 * Admins add and edit a rules bot (greeting, answers by keyword in order, questions to ask with
 * their kind and pattern, what it says when it has no answer, handoff keywords) or an external
 * bot (URL, timeout); an external bot's API token and signing secret show once, to copy. A new
 * token or a revoked one is confirmed first. The server's word on a field shows beside it.
 * Agents who are not admins see the list, read-only.
 *
 * @event casekit-bot-saved - A bot was created or changed, or its token renewed or revoked; `event.bot`.
 *
 * @csspart list - The table of bots.
 * @csspart row - One bot's row.
 * @csspart form - The form of a new bot or of the bot being edited.
 * @csspart item - One answer by keyword or one question in a rules bot's form.
 * @csspart credentials - The token and signing secret shown once, with copy buttons.
 * @csspart confirm - The dialog that confirms a new token or a revoked one.
 *
 * @cssproperty --casekit-bots-max-width - Widest the content grows (default 900px).
 */
@customElement('casekit-bots')
export class CasekitBots extends LitElement {
  static override styles = [themeStyles, formControlStyles, panelStyles, botsStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor bots: Bot[] = [];
  @state() private accessor channels: ChannelDetails[] = [];
  /** `new`, the id of the bot being edited, or '' when no form is open. */
  @state() private accessor editing = '';
  @state() private accessor draft: Draft = draftOf(undefined);
  @state() private accessor errors = new Map<string, string>();
  @state() private accessor busy = false;
  @state() private accessor failure = '';
  @state() private accessor announcement = '';
  @state() private accessor revealed: Revealed | null = null;
  @state() private accessor confirming: { bot: Bot; action: 'renew' | 'revoke' } | null = null;

  /** The Idempotency-Key of the open "new bot" form: sending it again never makes a second bot. */
  private createKey = '';
  private readonly loader = new AdminLoadController(this, {
    load: (client) => Promise.all([client.listBots(), client.listChannels()]),
    loaded: ([bots, channels]) => {
      this.bots = bots.items;
      this.channels = channels.items;
    },
    failed: (err): string => this.t('bots.error', { message: errorMessage(this.loader.locale, err) }),
    needs: PERMISSIONS.manageAgents,
    on: {
      // A bot renamed or deactivated elsewhere.
      agent: (agent: Agent) => (this.bots = this.bots.map((b) => (b.agent.id === agent.id ? { ...b, agent } : b))),
    },
  });

  /** Loads the bots, the channels they may front and whether the signed-in agent may manage them. */
  async reload(): Promise<void> {
    await this.loader.reload();
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  private remember(bot: Bot): void {
    const known = this.bots.some((b) => b.agent.id === bot.agent.id);
    this.bots = known ? this.bots.map((b) => (b.agent.id === bot.agent.id ? bot : b)) : [...this.bots, bot];
    this.dispatchEvent(new BotSavedEvent(bot));
  }

  private focusLater(selector: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  private open(bot: Bot | undefined): void {
    this.editing = bot?.agent.id ?? 'new';
    if (!bot) this.createKey = crypto.randomUUID();
    this.draft = draftOf(bot);
    this.errors = new Map();
    this.failure = '';
    this.focusLater('#bot-name');
  }

  private close(): void {
    const from = this.editing;
    this.editing = '';
    this.errors = new Map();
    this.focusLater(from === 'new' ? '[data-add]' : `[data-edit="${from}"]`);
  }

  /** Changes the draft through `change`, which edits the copy it is given. */
  private edit(change: (draft: Draft) => void): void {
    const next = structuredClone(this.draft);
    change(next);
    this.draft = next;
  }

  /** Runs one call, with the buttons busy, and says how it went; false when it failed. */
  private async run(call: (client: AgentClient) => Promise<void>): Promise<boolean> {
    const client = this.loader.client;
    if (!client || this.busy) return false;
    this.busy = true;
    this.failure = '';
    this.announcement = '';
    try {
      await call(client);
      return true;
    } catch (err) {
      this.errors = fieldErrorsOf(err, Infinity);
      this.failure = this.t('bots.failed', { message: errorMessage(this.loader.locale, err) });
      this.focusLater('[aria-invalid=true]');
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Shows an answer's credentials (when it carries any) and focuses them. */
  private reveal(answer: BotCreateResponse): void {
    if (!answer.token && !answer.signingSecret) return;
    this.revealed = { name: answer.bot.agent.name, token: answer.token ?? '', signingSecret: answer.signingSecret };
    this.focusLater('#bot-credentials-title');
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const body = bodyOf(this.draft);
    const id = this.editing;
    const ok = await this.run(async (client) => {
      const answer = id === 'new' ? await client.createBot(body, { idempotencyKey: this.createKey }) : await client.updateBot(id, body);
      this.remember(answer.bot);
      this.announcement = this.t(id === 'new' ? 'bots.created' : 'bots.saved', { name: answer.bot.agent.name });
      this.editing = '';
      this.errors = new Map();
      this.reveal(answer);
    });
    if (ok && !this.revealed) this.focusLater(`[data-edit="${id === 'new' ? this.bots.at(-1)?.agent.id : id}"]`);
  }

  private ask(bot: Bot, action: 'renew' | 'revoke'): void {
    this.confirming = { bot, action };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLDialogElement>('[part=confirm]')?.showModal());
  }

  private async confirm(): Promise<void> {
    const asked = this.confirming;
    if (!asked) return;
    const { bot, action } = asked;
    // Cleared first: closing the dialog then hands focus to what the answer shows, not back to the row.
    this.confirming = null;
    this.renderRoot.querySelector<HTMLDialogElement>('[part=confirm]')?.close();
    await this.run(async (client) => {
      if (action === 'renew') {
        const answer = await client.newBotToken(bot.agent.id);
        this.remember(answer.bot);
        this.reveal({ bot: answer.bot, token: answer.token, signingSecret: null });
      } else {
        this.remember(await client.revokeBotToken(bot.agent.id));
        this.announcement = this.t('bots.revoked', { name: bot.agent.name });
        this.focusLater(`[data-edit="${bot.agent.id}"]`);
      }
    });
  }

  // ---- the form: each control labelled, with the server's word beside it ----

  /** A labelled control at `path` (the API's field path without `body.`), its error beside it. */
  private control(path: string, label: string, input: (id: string, invalid: 'true' | 'false', described: string | typeof nothing) => TemplateResult, help?: string) {
    const id = `bot-${path.replaceAll('.', '-')}`;
    const error = this.errorUnder(path);
    const described = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing;
    return html`<div class="control">
      <label for=${id}>${label}</label>
      ${input(id, error ? 'true' : 'false', described)}
      ${help ? html`<span class="help" id="${id}-help">${help}</span>` : nothing}
      ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}
    </div>`;
  }

  private text(path: string, label: string, value: string, set: (draft: Draft, value: string) => void, options: { help?: string; multiline?: boolean; type?: string; required?: boolean } = {}) {
    const onInput = (e: Event) => this.edit((d) => set(d, (e.target as HTMLInputElement | HTMLTextAreaElement).value));
    return this.control(
      path,
      label,
      (id, invalid, described) =>
        options.multiline
          ? html`<textarea class="field" id=${id} rows="2" ?required=${options.required ?? false} .value=${value} aria-invalid=${invalid} aria-describedby=${described} @input=${onInput}></textarea>`
          : html`<input class="field" id=${id} type=${options.type ?? 'text'} ?required=${options.required ?? false} .value=${value} aria-invalid=${invalid} aria-describedby=${described} @input=${onInput} />`,
      options.help,
    );
  }

  /** Up, down and remove buttons of item `i` of a list in the draft, named after the item. */
  private itemButtons(list: 'faq' | 'fields', i: number, name: string) {
    const items = this.draft[list];
    const move = (to: number) =>
      this.edit((d) => {
        const moved = d[list] as unknown[];
        [moved[i], moved[to]] = [moved[to], moved[i]];
      });
    return html`<div class="buttons">
      <button class="btn" type="button" ?disabled=${i === 0} aria-label=${this.t('bots.moveUp', { name })} @click=${() => move(i - 1)}>${this.t('bots.up')}</button>
      <button class="btn" type="button" ?disabled=${i === items.length - 1} aria-label=${this.t('bots.moveDown', { name })} @click=${() => move(i + 1)}>${this.t('bots.down')}</button>
      <button class="btn danger" type="button" aria-label=${this.t('bots.removeOf', { name })} @click=${() => this.edit((d) => void d[list].splice(i, 1))}>${this.t('bots.remove')}</button>
    </div>`;
  }

  /** The server's word on `path` or on anything inside it (`channelIds.0` is under `channelIds`). */
  private errorUnder(path: string): string | undefined {
    return [...this.errors].find(([key]) => key === path || key.startsWith(`${path}.`))?.[1];
  }

  private groupError(path: string) {
    const error = this.errors.get(path);
    return error ? html`<p class="field-error">${error}</p>` : nothing;
  }

  /** One list of the rules (answers or questions) in its fieldset: each item with its buttons, then "add". */
  private renderList<K extends 'faq' | 'fields'>(list: K, keys: { legend: MessageKey; help: MessageKey; item: MessageKey; add: MessageKey }, blank: Draft[K][number], item: (entry: Draft[K][number], i: number) => TemplateResult) {
    return html`<fieldset class="group">
      <legend>${this.t(keys.legend)}</legend>
      <p class="help">${this.t(keys.help)}</p>
      ${this.groupError(`rules.${list}`)}
      ${(this.draft[list] as Draft[K][number][]).map((entry, i) => {
        const name = this.t(keys.item, { n: i + 1 });
        return html`<fieldset part="item" class="item">
          <legend>${name}</legend>
          ${item(entry, i)} ${this.itemButtons(list, i, name)}
        </fieldset>`;
      })}
      <button class="btn" type="button" @click=${() => this.edit((d) => void (d[list] as Draft[K][number][]).push({ ...blank }))}>${this.t(keys.add)}</button>
    </fieldset>`;
  }

  private renderRules(draft: Draft) {
    const faq = { legend: 'bots.faq', help: 'bots.faqHelp', item: 'bots.faqN', add: 'bots.addFaq' } as const;
    const fields = { legend: 'bots.fields', help: 'bots.fieldsHelp', item: 'bots.fieldN', add: 'bots.addField' } as const;
    return html`${this.text('rules.greeting', this.t('bots.greeting'), draft.greeting, (d, v) => (d.greeting = v), { multiline: true, required: true, help: this.t('bots.greetingHelp') })}
      ${this.renderList('faq', faq, { keywords: '', answer: '' }, (entry, i) => html`
        ${this.text(`rules.faq.${i}.keywords`, this.t('bots.keywords'), entry.keywords, (d, v) => (d.faq[i]!.keywords = v), { help: this.t('bots.keywordsHelp') })}
        ${this.text(`rules.faq.${i}.answer`, this.t('bots.answer'), entry.answer, (d, v) => (d.faq[i]!.answer = v), { multiline: true })}`)}
      ${this.renderList('fields', fields, { name: '', prompt: '', kind: 'text', pattern: '' }, (field, i) => html`<div class="grid">
          ${this.text(`rules.fields.${i}.name`, this.t('bots.fieldName'), field.name, (d, v) => (d.fields[i]!.name = v))}
          ${this.control(`rules.fields.${i}.kind`, this.t('bots.fieldKind'), (id, invalid, described) => html`<select class="field" id=${id} aria-invalid=${invalid} aria-describedby=${described}
            @change=${(e: Event) => this.edit((d) => (d.fields[i]!.kind = (e.target as HTMLSelectElement).value as FieldKind))}>
            ${BOT_FIELD_KINDS.map((kind) => html`<option value=${kind} ?selected=${field.kind === kind}>${this.t(`bots.fieldKind.${kind}`)}</option>`)}
          </select>`)}
          ${this.text(`rules.fields.${i}.pattern`, this.t('bots.pattern'), field.pattern, (d, v) => (d.fields[i]!.pattern = v), { help: this.t('bots.patternHelp') })}
        </div>
        ${this.text(`rules.fields.${i}.prompt`, this.t('bots.prompt'), field.prompt, (d, v) => (d.fields[i]!.prompt = v), { multiline: true })}`)}
      ${this.text('rules.offerHuman', this.t('bots.offerHuman'), draft.offerHuman, (d, v) => (d.offerHuman = v), { multiline: true, required: true, help: this.t('bots.offerHumanHelp') })}
      ${this.text('rules.handoffKeywords', this.t('bots.handoffKeywords'), draft.handoffKeywords, (d, v) => (d.handoffKeywords = v), { help: this.t('bots.handoffKeywordsHelp') })}`;
  }

  private renderForm(bot: Bot | undefined) {
    const draft = this.draft;
    const takenBy = new Map(this.bots.filter((b) => b !== bot).flatMap((b) => b.settings.channelIds.map((id) => [id, b.agent.name] as const)));
    const title = bot ? this.t('bots.editOf', { name: bot.agent.name }) : this.t('bots.new');
    const channelError = this.errorUnder('channelIds');
    return html`<form part="form" class="form" novalidate aria-label=${title} @submit=${this.save} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.close()}>
      <h3>${title}</h3>
      ${this.text('name', this.t('bots.name'), draft.name, (d, v) => (d.name = v), { required: true })}
      <fieldset class="group" aria-describedby=${channelError ? 'bot-channelIds-error' : nothing}>
        <legend>${this.t('bots.channels')}</legend>
        <p class="help">${this.t('bots.channelsHelp')}</p>
        <div class="checks">
          ${this.channels.map((channel) => {
            const id = `bot-channel-${channel.id}`;
            const other = takenBy.get(channel.id);
            return html`<span class="check"><input type="checkbox" id=${id} .checked=${draft.channelIds.includes(channel.id)}
                @change=${(e: Event) => this.edit((d) => (d.channelIds = (e.target as HTMLInputElement).checked ? [...d.channelIds, channel.id] : d.channelIds.filter((c) => c !== channel.id)))} />
              <label for=${id}>${channel.name}${other ? html` <span class="muted">${this.t('bots.takenBy', { name: other })}</span>` : nothing}</label></span>`;
          })}
        </div>
        ${channelError ? html`<p class="field-error" id="bot-channelIds-error">${channelError}</p>` : nothing}
      </fieldset>
      <fieldset class="group kind">
        <legend>${this.t('bots.kind')}</legend>
        ${(['rules', 'external'] as const).map(
          (kind) => html`<span class="check"><input type="radio" name="bot-kind" id="bot-kind-${kind}" .checked=${draft.kind === kind}
              @change=${() => this.edit((d) => (d.kind = kind))} /><label for="bot-kind-${kind}">${this.t(`bots.kind.${kind}`)}</label></span>`,
        )}
      </fieldset>
      ${draft.kind === 'rules'
        ? this.renderRules(draft)
        : html`<div class="grid">
            ${this.text('external.url', this.t('bots.url'), draft.url, (d, v) => (d.url = v), { type: 'url', required: true, help: this.t('bots.urlHelp') })}
            ${this.control('external.timeoutSeconds', this.t('bots.timeout'), (id, invalid, described) => html`<input class="field" id=${id} type="number" min="1" max="300" step="1" .value=${draft.timeoutSeconds}
              aria-invalid=${invalid} aria-describedby=${described} @input=${(e: Event) => this.edit((d) => (d.timeoutSeconds = (e.target as HTMLInputElement).value))} />`, this.t('bots.timeoutHelp'))}
          </div>`}
      ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}
      <div class="actions">
        <button class="btn" type="button" @click=${this.close}>${this.t('bots.cancel')}</button>
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.t(bot ? 'bots.save' : 'bots.create')}</button>
      </div>
    </form>`;
  }

  private renderCredentials(revealed: Revealed) {
    const secret = (label: string, value: string, id: string) => html`<div class="secret">
      <span class="secret-label" id="${id}-label">${label}</span>
      <code id=${id} aria-labelledby="${id}-label">${value}</code>
      <button class="btn" type="button" aria-label=${this.t('bots.copyOf', { what: label })} @click=${() => void navigator.clipboard?.writeText(value).catch(() => undefined)}>${this.t('bots.copy')}</button>
    </div>`;
    return html`<section part="credentials" class="credentials" role="region" aria-labelledby="bot-credentials-title">
      <h3 id="bot-credentials-title" tabindex="-1">${this.t('bots.shownOnce', { name: revealed.name })}</h3>
      <p>${this.t('bots.shownOnceHelp')}</p>
      ${revealed.token ? secret(this.t('bots.token'), revealed.token, 'bot-token') : nothing}
      ${revealed.signingSecret ? secret(this.t('bots.signingSecret'), revealed.signingSecret, 'bot-signing-secret') : nothing}
      <div class="actions">
        <button class="btn" type="button" @click=${() => {
          this.revealed = null;
          this.focusLater('[data-add]');
        }}>${this.t('bots.done')}</button>
      </div>
    </section>`;
  }

  private renderRow(bot: Bot) {
    const names = new Map(this.channels.map((c) => [c.id, c.name]));
    const { agent, settings } = bot;
    const open = this.editing === agent.id;
    return html`<tr part="row" class=${agent.active ? '' : 'off'}>
        <th scope="row"><span class="name">${agent.name}</span>${agent.active ? nothing : html` <span class="muted">${this.t('bots.deactivated')}</span>`}</th>
        <td>${settings.external ? html`${this.t('bots.kind.external')}<span class="muted url">${settings.external.url}</span>` : this.t('bots.kind.rules')}</td>
        <td>${settings.channelIds.map((id) => names.get(id) ?? id).join(', ') || '–'}</td>
        <td>${bot.hasToken ? this.t('bots.hasToken') : this.t('bots.noToken')}</td>
        ${this.loader.allowed
          ? html`<td class="buttons">
              <button class="btn" type="button" data-edit=${agent.id} aria-expanded=${open ? 'true' : 'false'} aria-label=${this.t('bots.editOf', { name: agent.name })}
                ?disabled=${this.busy} @click=${() => (open ? this.close() : this.open(bot))}>${this.t('bots.edit')}</button>
              <button class="btn" type="button" aria-label=${this.t('bots.renewOf', { name: agent.name })} ?disabled=${this.busy} @click=${() => this.ask(bot, 'renew')}>${this.t('bots.renew')}</button>
              ${bot.hasToken
                ? html`<button class="btn danger" type="button" aria-label=${this.t('bots.revokeOf', { name: agent.name })} ?disabled=${this.busy} @click=${() => this.ask(bot, 'revoke')}>${this.t('bots.revoke')}</button>`
                : nothing}
            </td>`
          : nothing}
      </tr>
      ${open ? html`<tr class="editing"><td colspan="5">${this.renderForm(bot)}</td></tr>` : nothing}`;
  }

  private renderConfirm() {
    const asked = this.confirming;
    const name = asked?.bot.agent.name ?? '';
    const renew = asked?.action === 'renew';
    return html`<dialog part="confirm" aria-labelledby="bot-confirm-title" aria-describedby="bot-confirm-text"
      @close=${() => {
        if (asked && this.confirming === asked) this.focusLater(`[data-edit="${asked.bot.agent.id}"]`);
        this.confirming = null;
      }}>
      <h3 id="bot-confirm-title">${this.t(renew ? 'bots.renewOf' : 'bots.revokeOf', { name })}</h3>
      <p id="bot-confirm-text">${this.t(renew ? 'bots.renewConfirm' : 'bots.revokeConfirm', { name })}</p>
      <div class="actions">
        <button class="btn" type="button" @click=${(e: Event) => (e.target as HTMLElement).closest('dialog')?.close()}>${this.t('bots.cancel')}</button>
        <button class="btn primary ${renew ? '' : 'danger'}" type="button" @click=${this.confirm}>${this.t(renew ? 'bots.renew' : 'bots.revoke')}</button>
      </div>
    </dialog>`;
  }

  protected override render() {
    return html`<div class="root" lang=${this.loader.locale}>
      <section class="page">
        <h2>${this.t('bots.label')}</h2>
        <p class="help">${this.t('bots.intro')}</p>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        ${this.announcement ? html`<p class="notice" aria-hidden="true">${this.announcement}</p>` : nothing}
        ${this.revealed ? this.renderCredentials(this.revealed) : nothing}
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : nothing}
        ${this.failure && !this.editing ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}
        ${this.loader.loading && this.bots.length === 0 ? html`<p class="muted">${this.t('bots.loading')}</p>` : nothing}
        ${!this.loader.loading && !this.loader.error && this.bots.length === 0 ? html`<p class="muted">${this.t('bots.none')}</p>` : nothing}
        ${this.loader.allowed
          ? html`<div><button class="btn" type="button" data-add aria-expanded=${this.editing === 'new' ? 'true' : 'false'} ?disabled=${this.busy}
              @click=${() => (this.editing === 'new' ? this.close() : this.open(undefined))}>${this.t('bots.add')}</button></div>`
          : nothing}
        ${this.editing === 'new' ? this.renderForm(undefined) : nothing}
        ${this.bots.length
          ? html`<table part="list" aria-label=${this.t('bots.label')}>
              <thead>
                <tr>
                  <th scope="col">${this.t('bots.name')}</th>
                  <th scope="col">${this.t('bots.kind')}</th>
                  <th scope="col">${this.t('bots.channels')}</th>
                  <th scope="col">${this.t('bots.token')}</th>
                  ${this.loader.allowed ? html`<th scope="col">${this.t('bots.actions')}</th>` : nothing}
                </tr>
              </thead>
              <tbody>${repeat(this.bots, (bot) => bot.agent.id, (bot) => this.renderRow(bot))}</tbody>
            </table>`
          : nothing}
        ${this.loader.allowed ? this.renderConfirm() : nothing}
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-bots': CasekitBots;
  }
  interface HTMLElementEventMap {
    'casekit-bot-saved': BotSavedEvent;
  }
}
