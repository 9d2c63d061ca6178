import { css, html, nothing, type CSSResult } from 'lit';
import { INLINE_IMAGE_TYPES, QUICK_REPLY_CONTENT_TYPE, type Attachment } from '@casekit/protocol';
import { safeUrl } from './format.ts';

/** Adds styles to a shadow root that was rendered before they loaded (modules the chat loads on use). */
export function adoptLate(root: Element | DocumentFragment, styles: CSSResult): void {
  const sheet = styles.styleSheet;
  if (root instanceof ShadowRoot && sheet && !root.adoptedStyleSheets.includes(sheet)) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }
}

/** Whether casekit keeps the file (an upload link); otherwise the provider does (a WhatsApp photo, an MMS). */
const keptHere = (url: string) => /\/uploads\/up_[A-Za-z0-9_-]+$/.test(url);

/**
 * A message's files: images as thumbnails (alt text: the file name) that open the full picture,
 * everything else as a link with its size; a bot's quick replies as plain labels.
 * `resolve` turns the server's links into absolute ones (the SDK client's `resolveUrl`). A file
 * the provider keeps has no link of its own: with `open`, it is a button that fetches it.
 */
export function renderAttachments(
  attachments: readonly Attachment[] | undefined,
  resolve: (url: string) => string,
  lang: string,
  open?: (index: number) => void,
) {
  if (!attachments?.length) return nothing;
  return html`<span class="files">${attachments.map((file, index) => {
    if (file.contentType === QUICK_REPLY_CONTENT_TYPE) return html`<span class="choice">${file.name}</span>`;
    if (!keptHere(file.url) && open) {
      return html`<button part="attachment" type="button" class="file remote" @click=${() => open(index)}>${file.name}${file.size ? html` <span class="size">${formatBytes(file.size, lang)}</span>` : nothing}</button>`;
    }
    const href = safeUrl(resolve(file.url));
    return (INLINE_IMAGE_TYPES as readonly string[]).includes(file.contentType)
      ? html`<a part="attachment" class="thumb" href=${href} target="_blank" rel="noopener noreferrer"
          ><img src=${href} alt=${file.name} loading="lazy"
        /></a>`
      : html`<a part="attachment" class="file" href=${href} target="_blank" rel="noopener noreferrer" download=${file.name}
          >${file.name} <span class="size">${formatBytes(file.size, lang)}</span></a
        >`;
  })}</span>`;
}

/** Thumbnails and file links inside a message bubble. */
export const attachmentStyles = css`
  .files {
    white-space: normal;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 6px;
    margin-block-start: 6px;
  }
  .thumb {
    display: block;
    line-height: 0;
    border-radius: var(--_radius-sm);
    overflow: hidden;
  }
  .thumb img {
    max-inline-size: 200px;
    max-block-size: 160px;
    object-fit: cover;
  }
  .file {
    color: inherit;
    text-decoration: underline;
    overflow-wrap: anywhere;
  }
  .file.remote {
    font: inherit;
    background: none;
    border: 0;
    padding: 0;
    cursor: pointer;
    text-align: start;
  }
  .choice {
    padding: 1px 8px;
    border: 1px solid currentColor;
    border-radius: 999px;
    font-size: 0.86em;
  }
  .file .size {
    opacity: 0.8;
    font-size: 0.86em;
  }
`;

const byteUnits = ['byte', 'kilobyte', 'megabyte'] as const;

/** `512 B`, `120 kB`, `1.5 MB`: a file size in the reader's language. */
export function formatBytes(bytes: number, lang: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  // CLDR's short English byte is "byte"; B reads the same in every language.
  const options: Intl.NumberFormatOptions =
    unit === 0 ? {} : { style: 'unit', unit: byteUnits[unit], unitDisplay: 'short', maximumFractionDigits: 1 };
  let text: string;
  try {
    text = new Intl.NumberFormat(lang, options).format(value);
  } catch {
    text = new Intl.NumberFormat('en', options).format(value);
  }
  return unit === 0 ? `${text} B` : text;
}
