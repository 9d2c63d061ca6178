// Attachment file names from mail are untrusted: no paths, no control characters, never empty.

const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'message/delivery-status': '.txt',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
};

/** A safe file name for an attachment: the one it was sent with, or `attachment-<n>.<ext>`. */
export function attachmentName(filename: string | undefined, contentType: string, index: number): string {
  const cleaned = (filename ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/^.*[/\\]/, '')
    .trim();
  if (cleaned && cleaned !== '.' && cleaned !== '..') return truncate(cleaned, 255);
  const base = contentType.toLowerCase().split(';')[0]!.trim();
  return `attachment-${index + 1}${EXTENSIONS[base] ?? '.bin'}`;
}

function truncate(name: string, max: number): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return name.slice(0, max - ext.length) + ext;
}
