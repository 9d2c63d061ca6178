import { html, nothing, type ReactiveControllerHost } from 'lit';
import { DEFAULT_UPLOAD_TYPES, QUICK_REPLY_CONTENT_TYPE } from '@casekit/protocol';
import type { Attachment } from '@casekit/protocol';
import type { AttachmentDrafts } from '../internal/attachment-drafts.ts';
import type { MessageKey } from '../i18n.ts';
import * as icons from '../internal/icons.ts';

type Host = ReactiveControllerHost &
  HTMLElement & {
    renderRoot: HTMLElement | DocumentFragment;
    /** The `accept` and `max-file-size` attributes. */
    accept: string;
    maxFileSize: number;
  };

/** What the chat's files need from the chat. */
export interface ChatUploadsOptions {
  /** Uploads a picked file for the visitor (starting the session if needed). */
  upload(file: File, onProgress: (sent: number, total: number) => void): Promise<Attachment>;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** An absolute URL for a link the server gave. */
  resolveUrl(url: string): string;
  /** The chat's current language, for sizes and dates. */
  locale(): string;
}

/**
 * The chat's files: the attach button, the picked files waiting to go, and the files on messages.
 * Neither the picker nor the file view is part of the chat's first download: each loads on first use.
 */
export class ChatUploads {
  /** Files picked for the next message, once the picker has loaded. */
  drafts: AttachmentDrafts | undefined;
  private loading: Promise<AttachmentDrafts> | undefined;
  /** Thumbnails and file links; loaded when the first message with a file shows up. */
  private fileView: typeof import('../internal/attachments.ts') | undefined;
  private fileViewLoading = false;
  private readonly host: Host;
  private readonly options: ChatUploadsOptions;

  constructor(host: Host, options: ChatUploadsOptions) {
    this.host = host;
    this.options = options;
  }

  /** The picker, loaded on first use: hovering or focusing the attach button starts it. */
  load = (): Promise<AttachmentDrafts> =>
    (this.loading ??= import('../internal/attachment-drafts.ts').then(({ AttachmentDrafts, uploadLimits }) => {
      const { host, options } = this;
      return (this.drafts = new AttachmentDrafts(host, {
        upload: options.upload,
        limits: () => uploadLimits(host.accept, host.maxFileSize),
        t: options.t,
        locale: options.locale,
        focusAfterRemove: () => host.renderRoot.querySelector<HTMLElement>('.attach')?.focus(),
      }));
    }));

  /** The attach button and its hidden file input. */
  renderButton() {
    return html`<button
        part="attach-button"
        class="attach icon-button"
        type="button"
        aria-label=${this.options.t('attach.button')}
        @click=${() => this.host.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}
        @pointerenter=${this.load}
        @focus=${this.load}
      >
        ${icons.attach}
      </button>
      <input type="file" hidden multiple accept=${this.host.accept || DEFAULT_UPLOAD_TYPES.join(',')} @change=${this.pick} />`;
  }

  /** The picked files as chips above the message box, and why a file was refused. */
  renderDrafts() {
    const files = this.drafts;
    return files && (files.drafts.length || files.error) ? html`<div class="drafts">${files.render()}</div>` : nothing;
  }

  /** A message's files (quick replies aside): thumbnails and links, once their module has loaded. */
  renderFiles(attachments: Attachment[] | undefined) {
    const files = attachments?.filter((a) => a.contentType !== QUICK_REPLY_CONTENT_TYPE);
    if (!files?.length) return nothing;
    if (this.fileView) return this.fileView.renderAttachments(files, this.options.resolveUrl, this.options.locale());
    if (!this.fileViewLoading) {
      this.fileViewLoading = true;
      void import('../internal/attachments.ts').then((view) => {
        view.adoptLate(this.host.renderRoot, view.attachmentStyles);
        this.fileView = view;
        this.host.requestUpdate();
      });
    }
    return nothing;
  }

  private pick = async (e: Event): Promise<void> => {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) (await this.load()).add(files);
  };
}
