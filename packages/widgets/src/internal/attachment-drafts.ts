import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { DEFAULT_UPLOAD_TYPES, type Attachment } from '@casekit/protocol';
import { adoptLate, formatBytes } from './attachments.ts';
import './messages-attach.ts';
import './messages-errors.ts';
import { errorMessage, type MessageKey } from '../i18n.ts';

/** What the widget accepts before anything is uploaded (the server checks again). */
export interface AttachmentLimits {
  accept: readonly string[];
  maxBytes: number;
}

/** What a widget lets through before uploading: its `accept` attribute (default: the server's list) and size limit. */
export function uploadLimits(accept: string, maxBytes: number): AttachmentLimits {
  const types = accept.split(/[\s,]+/).filter(Boolean).map((t) => t.toLowerCase());
  return { accept: types.length ? types : DEFAULT_UPLOAD_TYPES, maxBytes };
}

interface Draft {
  key: number;
  name: string;
  /** 0 to 1 while uploading. */
  progress: number;
  attachment: Attachment | null;
  failed: boolean;
}

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

export interface AttachmentDraftsOptions {
  upload(file: File, onProgress: (sent: number, total: number) => void): Promise<Attachment>;
  limits(): AttachmentLimits;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The language sizes are written in. */
  locale(): string;
  /** Where focus goes when the last chip is removed (the attach button). */
  focusAfterRemove(): void;
}

/** `PNG, JPEG, PDF, TXT` for `image/png, image/jpeg, application/pdf, text/plain`. */
function typeNames(accept: readonly string[]): string {
  return accept.map((t) => (t === 'text/plain' ? 'TXT' : (t.split('/')[1] ?? t).toUpperCase())).join(', ');
}

/**
 * The files a visitor or agent picked for the next message: checked against the type and size
 * limits at once (with a message that says why), uploaded straight away with progress, shown as
 * removable chips, and handed over as attachments when the message goes.
 */
export class AttachmentDrafts implements ReactiveController {
  drafts: Draft[] = [];
  error = '';
  private readonly host: Host;
  private readonly options: AttachmentDraftsOptions;
  private next = 0;

  constructor(host: Host, options: AttachmentDraftsOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    // The chat loads this on demand: bring the chip styles into its shadow root.
    adoptLate(this.host.renderRoot, chipStyles);
  }

  /** Attachments ready to send, in the order they were picked. */
  get ready(): Attachment[] {
    return this.drafts.flatMap((d) => (d.attachment ? [d.attachment] : []));
  }

  /** True while a file is still uploading. */
  get busy(): boolean {
    return this.drafts.some((d) => !d.attachment && !d.failed);
  }

  /** Checks and starts uploading `files`; refused ones are named in `error`. */
  add(files: Iterable<File>): void {
    const { accept, maxBytes } = this.options.limits();
    const t = this.options.t;
    this.error = '';
    for (const file of files) {
      if (!accept.includes(file.type.toLowerCase())) {
        this.error = t('attach.error.type', { name: file.name, types: typeNames(accept) });
        continue;
      }
      if (file.size > maxBytes) {
        this.error = t('attach.error.size', { name: file.name, max: formatBytes(maxBytes, this.options.locale()) });
        continue;
      }
      const draft: Draft = { key: ++this.next, name: file.name, progress: 0, attachment: null, failed: false };
      this.drafts = [...this.drafts, draft];
      this.options
        .upload(file, (sent, total) => {
          draft.progress = total ? sent / total : 0;
          this.host.requestUpdate();
        })
        .then(
          (attachment) => (draft.attachment = attachment),
          (err: unknown) => {
            draft.failed = true;
            this.error = t('attach.error.upload', { name: file.name, message: errorMessage(this.options.locale(), err) });
          },
        )
        .finally(() => this.host.requestUpdate());
    }
    this.host.requestUpdate();
  }

  remove(key: number): void {
    const index = this.drafts.findIndex((d) => d.key === key);
    this.drafts = this.drafts.filter((d) => d.key !== key);
    this.error = '';
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      const buttons = this.host.renderRoot.querySelectorAll<HTMLButtonElement>('.chip-remove');
      const next = buttons[Math.min(index, buttons.length - 1)];
      if (next) next.focus();
      else this.options.focusAfterRemove();
    });
  }

  clear(): void {
    this.drafts = [];
    this.error = '';
    this.host.requestUpdate();
  }

  render() {
    const t = this.options.t;
    return html`${this.drafts.length
      ? html`<ul class="chips" aria-label=${t('attach.files')}>
          ${this.drafts.map(
            (d) => html`<li part="attachment-chip" class="chip ${d.failed ? 'failed' : ''}">
              <span class="chip-name">${d.name}</span>
              <span class="chip-state"
                >${d.failed ? t('attach.failed') : d.attachment ? '' : t('attach.uploading', { percent: Math.round(d.progress * 100) })}</span
              >
              <button type="button" class="chip-remove" aria-label=${t('attach.remove', { name: d.name })} @click=${() => this.remove(d.key)}>
                ×
              </button>
            </li>`,
          )}
        </ul>`
      : nothing}
    ${this.error ? html`<p class="attach-error" role="alert">${this.error}</p>` : nothing}`;
  }
}

const chipStyles = css`
  /* The chat's row of chips above its message box. */
  .drafts {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 8px 12px 0;
    border-block-start: 1px solid var(--_border);
    background: var(--_bg);
  }
  .drafts + .composer {
    border-block-start: 0;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    max-inline-size: 100%;
    padding-block: 2px;
    padding-inline: 10px 2px;
    border-radius: 999px;
    background: var(--_surface-2);
    border: 1px solid var(--_border);
    font-size: 0.86em;
  }
  .chip.failed {
    border-color: var(--_danger);
  }
  .chip-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-inline-size: 180px;
  }
  .chip-state {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .chip-state:empty {
    display: none;
  }
  .chip-remove {
    inline-size: 24px;
    block-size: 24px;
    border-radius: 50%;
    border: 0;
    background: transparent;
    color: inherit;
    cursor: pointer;
    font-size: 1.1em;
    line-height: 1;
  }
  .chip-remove:hover {
    background: color-mix(in srgb, currentColor 14%, transparent);
  }
  .attach-error {
    margin: 0;
    color: var(--_danger);
    font-size: 0.86em;
  }
`;
