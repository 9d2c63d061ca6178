import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AgentClient } from '@casekit/sdk';
import type { SyncLogEntry, SyncRun, SyncStatus } from '@casekit/protocol';
import { themeStyles } from '../internal/theme.ts';
import { panelStyles } from '../internal/panel-styles.ts';
import { splynxSyncStyles } from './splynx-sync.styles.ts';
import { errorMessage, translate, type MessageKey } from '../i18n.ts';
import '../internal/messages-agent.ts';
import '../internal/messages-errors.ts';
import '../internal/messages-billing.ts';
import { AdminLoadController } from '../internal/admin-load.ts';
import { formatFull } from '../internal/format.ts';

/** How often the status is read again while a run is going. */
const POLL_MS = 3000;
/** Log lines per page. */
const LOG_PAGE = 50;

/**
 * The Splynx sync, for admins: whether this server is connected (address, hooks, linked
 * customers, last sync), the latest runs with their progress and counts, "Sync changes now" and
 * "Full sync", and the sync log a page at a time. While a run is going the status is read again
 * every few seconds and its progress is announced politely. The server answers the status to
 * admins only, so nobody else ever sees the sync buttons.
 *
 * @example
 * <casekit-splynx-sync></casekit-splynx-sync>
 *
 * @csspart connection - The connection's details.
 * @csspart actions - The sync buttons.
 * @csspart runs - The latest runs.
 * @csspart log - The log table.
 * @csspart load-more - The "Load more" button under the log.
 *
 * @cssproperty --casekit-splynx-sync-max-width - Widest the view grows (default 1000px).
 */
@customElement('casekit-splynx-sync')
export class CasekitSplynxSync extends LitElement {
  static override styles = [themeStyles, panelStyles, splynxSyncStyles];

  /** The agent client; defaults to the one provided by an ancestor. */
  @property({ attribute: false }) accessor client: AgentClient | undefined;
  /** `light` or `dark` to pin the colour scheme. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @state() private accessor status: SyncStatus | undefined;
  @state() private accessor log: SyncLogEntry[] = [];
  @state() private accessor cursor: string | null = null;
  @state() private accessor actionError = '';
  @state() private accessor logError = '';
  @state() private accessor starting = false;
  @state() private accessor loadingLog = false;
  @state() private accessor announcement = '';

  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly loader = new AdminLoadController(this, {
    load: (client) => client.getSplynxStatus(),
    loaded: (status) => (this.status = status),
    failed: (err): string => this.t('splynx.error', { message: errorMessage(this.loader.locale, err) }),
    quiet: true,
    attached: () => {
      void this.refresh();
      void this.loadLog(true);
    },
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Reads the status again; while a run is going, keeps reading it every few seconds. */
  async refresh(): Promise<void> {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    const wasRunning = this.running();
    if (!(await this.loader.reload())) return;
    const run = this.running();
    if (run) this.announcement = this.progressText(run);
    else if (wasRunning) {
      this.announcement = this.runTitle(this.status?.runs.find((r) => r.id === wasRunning.id) ?? wasRunning);
      void this.loadLog(true);
    }
    if (run && this.isConnected) this.pollTimer = setTimeout(() => void this.refresh(), POLL_MS);
  }

  /** Reads the log's first page again (`reset`), or the next page after the ones shown. */
  async loadLog(reset = false): Promise<void> {
    const client = this.loader.client;
    if (!client || this.loadingLog) return;
    this.loadingLog = true;
    this.logError = '';
    try {
      const page = await client.listSplynxLog({ limit: LOG_PAGE, ...(!reset && this.cursor ? { cursor: this.cursor } : {}) });
      this.log = reset ? page.items : [...this.log, ...page.items];
      this.cursor = page.nextCursor;
    } catch (err) {
      this.logError = errorMessage(this.loader.locale, err);
    } finally {
      this.loadingLog = false;
    }
  }

  /** Starts a pull now: `full` reads everything again. A server without Splynx says so (409). */
  async startSync(full: boolean): Promise<void> {
    const client = this.loader.client;
    if (!client || this.starting) return;
    this.starting = true;
    this.actionError = '';
    try {
      const run = await client.startSplynxSync({ full });
      if (this.status) this.status = { ...this.status, runs: [run, ...this.status.runs.filter((r) => r.id !== run.id)] };
      this.announcement = this.t('splynx.started');
      await this.refresh();
    } catch (err) {
      this.actionError = errorMessage(this.loader.locale, err);
    } finally {
      this.starting = false;
    }
  }

  private running(): SyncRun | undefined {
    return this.status?.runs.find((r) => r.status === 'running');
  }

  private t(key: MessageKey, vars?: Record<string, string | number>): string {
    return translate(this.loader.locale, key, vars);
  }

  private runTitle(run: SyncRun): string {
    return this.t('splynx.run', { kind: this.t(`splynx.kind.${run.kind}`), status: this.t(`splynx.runStatus.${run.status}`) });
  }

  private progressText(run: SyncRun): string {
    return run.total === null
      ? this.t('splynx.progressUnknown', { phase: run.phase, done: run.done })
      : this.t('splynx.progress', { phase: run.phase, done: run.done, total: run.total });
  }

  private renderConnection(status: SyncStatus) {
    return html`<section part="connection" aria-labelledby="splynx-connection-title">
      <h3 id="splynx-connection-title">${this.t('splynx.connection')}</h3>
      ${status.configured
        ? html`<dl>
            <dt>${this.t('splynx.connection')}</dt>
            <dd class="ok">${this.t('splynx.configured')}</dd>
            <dt>${this.t('splynx.url')}</dt>
            <dd>${status.url ?? '—'}</dd>
            <dt>${this.t('splynx.hooks')}</dt>
            <dd>${this.t(status.hooks ? 'splynx.hooksOn' : 'splynx.hooksOff')}</dd>
            <dt>${this.t('splynx.linked')}</dt>
            <dd>${status.linkedCustomers}</dd>
            <dt>${this.t('splynx.lastSynced')}</dt>
            <dd>${status.lastSyncedAt ? html`<time datetime=${status.lastSyncedAt}>${formatFull(status.lastSyncedAt, this.loader.locale)}</time>` : this.t('splynx.never')}</dd>
          </dl>`
        : html`<p class="notice" data-state="not-configured">${this.t('splynx.notConfigured')}</p>`}
    </section>`;
  }

  private renderRuns(runs: SyncRun[]) {
    return html`<section part="runs" aria-labelledby="splynx-runs-title">
      <h3 id="splynx-runs-title">${this.t('splynx.runs')}</h3>
      ${runs.length
        ? html`<ul class="runs">
            ${runs.map((run) => {
              const label = this.runTitle(run);
              return html`<li data-status=${run.status}>
                <strong>${label}</strong>
                <span class="muted"><time datetime=${run.startedAt}>${formatFull(run.startedAt, this.loader.locale)}</time></span>
                ${run.status === 'running'
                  ? html`<progress aria-label=${label} max=${run.total ?? nothing} value=${run.total === null ? nothing : run.done}></progress>
                      <span>${this.progressText(run)}</span>`
                  : nothing}
                <span>${this.t('splynx.counts', run.counts)}</span>
                ${run.error ? html`<span class="error">${run.error}</span>` : nothing}
              </li>`;
            })}
          </ul>`
        : html`<p class="muted">${this.t('splynx.noRuns')}</p>`}
    </section>`;
  }

  private renderLog() {
    return html`<section aria-labelledby="splynx-log-title">
      <h3 id="splynx-log-title">${this.t('splynx.log')}</h3>
      ${this.log.length
        ? html`<table part="log" aria-labelledby="splynx-log-title">
            <thead>
              <tr>
                <th scope="col">${this.t('splynx.time')}</th>
                <th scope="col">${this.t('splynx.level')}</th>
                <th scope="col">${this.t('splynx.entity')}</th>
                <th scope="col">${this.t('splynx.externalId')}</th>
                <th scope="col">${this.t('splynx.code')}</th>
                <th scope="col">${this.t('splynx.message')}</th>
              </tr>
            </thead>
            <tbody>
              ${this.log.map(
                (entry) => html`<tr data-level=${entry.level}>
                  <td><time datetime=${entry.at}>${formatFull(entry.at, this.loader.locale)}</time></td>
                  <td class="level">${entry.level}</td>
                  <td>${entry.entity}</td>
                  <td>${entry.externalId ?? '—'}</td>
                  <td><code>${entry.code}</code></td>
                  <td>${entry.message}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : this.loadingLog
          ? nothing
          : html`<p class="muted">${this.t('splynx.noLog')}</p>`}
      ${this.logError ? html`<p class="error" role="alert">${this.logError}</p>` : nothing}
      ${this.cursor
        ? html`<button part="load-more" class="btn" type="button" ?disabled=${this.loadingLog} @click=${() => this.loadLog()}>${this.t('splynx.loadMore')}</button>`
        : nothing}
    </section>`;
  }

  protected override render() {
    const status = this.status;
    return html`<div class="root" lang=${this.loader.locale}>
      <div class="page">
        <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
        ${this.loader.error ? html`<p class="error" role="alert">${this.loader.error}</p>` : nothing}
        ${status
          ? html`${this.renderConnection(status)}
              <div part="actions" class="actions">
                <button class="btn primary" type="button" ?disabled=${this.starting || !!this.running()} @click=${() => this.startSync(false)}>${this.t('splynx.syncNow')}</button>
                <button class="btn" type="button" ?disabled=${this.starting || !!this.running()} @click=${() => this.startSync(true)}>${this.t('splynx.fullSync')}</button>
              </div>
              ${this.actionError ? html`<p class="error" role="alert">${this.actionError}</p>` : nothing} ${this.renderRuns(status.runs)}`
          : this.loader.error
            ? nothing
            : html`<p class="muted" role="status">${this.t('splynx.loading')}</p>`}
        ${this.renderLog()}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'casekit-splynx-sync': CasekitSplynxSync;
  }
}
