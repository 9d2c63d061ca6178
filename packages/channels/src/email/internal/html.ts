import sanitizeHtml from 'sanitize-html';

// Email HTML is hostile by default: it is shown to agents inside the app, so only inert markup
// survives. Remote images are not loaded (they are tracking pixels as often as logos): their URL
// moves to `data-remote-src` so a viewer can offer to load them. Inline images keep their `cid:`
// link, which names an attachment of the same message.

const TAGS_WITHOUT_TEXT = ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'object', 'iframe', 'svg', 'math'];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center'],
  allowedAttributes: {
    a: ['href', 'name', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'data-remote-src'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'align'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    font: ['color', 'size', 'face'],
    blockquote: ['type', 'cite'],
    '*': ['dir', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  nonTextTags: TAGS_WITHOUT_TEXT,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      const source = (src ?? '').trim();
      if (/^cid:/i.test(source)) return { tagName, attribs: { ...rest, src: source } };
      if (/^https?:\/\//i.test(source)) return { tagName, attribs: { ...rest, 'data-remote-src': source } };
      return { tagName, attribs: rest };
    },
  },
};

/**
 * An email's HTML made safe to show: no scripts, styles, event handlers, forms, frames or
 * `javascript:` links; links open in a new tab without a referrer; remote images not loaded.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

const QUOTE_OPEN = '\u0001';
const QUOTE_CLOSE = '\u0002';

/**
 * The text of an HTML body, for messages that have no plain-text part: blocks become lines and
 * `<blockquote>` content becomes `> ` lines, so quoted history folds the same way as in plain text.
 */
export function htmlToText(html: string): string {
  // `[^<>]*` rather than `[^>]*`: an unterminated tag stops at the next `<`, so the scan stays linear.
  const marked = html
    .replace(/[\u0001\u0002]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/<br\b[^<>]*>/gi, '\n')
    .replace(/<blockquote\b[^<>]*>/gi, `\n${QUOTE_OPEN}\n`)
    .replace(/<\/blockquote\s*>/gi, `\n${QUOTE_CLOSE}\n`)
    .replace(/<li\b[^<>]*>/gi, '\n- ')
    .replace(/<\/?(?:p|div|tr|h[1-6]|ul|ol|dl|dt|dd|table|pre|hr|section|article|header|footer|address)\b[^<>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ');
  const stripped = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: TAGS_WITHOUT_TEXT });
  const text = decodeBasicEntities(stripped);
  const out: string[] = [];
  let depth = 0;
  for (const raw of text.split('\n')) {
    if (raw.includes(QUOTE_OPEN) || raw.includes(QUOTE_CLOSE)) {
      depth = Math.max(0, depth + raw.split(QUOTE_OPEN).length - raw.split(QUOTE_CLOSE).length);
      continue;
    }
    const line = raw.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ').trim();
    out.push(depth > 0 && line ? `${'> '.repeat(depth)}${line}` : line);
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** sanitize-html re-escapes these in its text output; everything else arrives decoded. */
function decodeBasicEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Plain text as simple HTML: paragraphs, line breaks, `>` lines as a blockquote, everything escaped. */
export function textToHtml(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return renderLines(lines).trim();
}

function renderLines(lines: string[]): string {
  const parts: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) parts.push(`<p>${paragraph.map(escapeHtml).join('<br>')}</p>`);
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*>/.test(line)) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) {
        quoted.push(lines[i]!.replace(/^\s*> ?/, ''));
        i += 1;
      }
      parts.push(`<blockquote>${renderLines(quoted)}</blockquote>`);
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line.trimEnd());
    i += 1;
  }
  flush();
  return parts.join('\n');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
