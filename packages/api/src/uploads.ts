// Uploads: reading a file body within its limits, answering it back safely, and checking that a
// message's attachments are files of this server.
import { CasekitError, INLINE_IMAGE_TYPES, QUICK_REPLY_CONTENT_TYPE, UPLOAD_ID_PATTERN, type Attachment, type FieldIssue } from '@casekit/protocol';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import { randomBase64Url } from './internal/crypto.ts';
import { validationError } from './internal/errors.ts';

/** What uploads may be: the largest size in bytes and the accepted media types. */
export interface UploadLimits {
  maxBytes: number;
  contentTypes: readonly string[];
}

/** `up_` and 144 random bits, URL-safe. */
function newUploadId(): string {
  return `up_${randomBase64Url(18)}`;
}

/** The media type of a Content-Type header, lowercased, without parameters; null when there is none. */
function mediaType(header: string | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : null;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const startsWith = (head: Uint8Array, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);

/** How the first bytes of each known type look; a file that claims a type must look like it. */
const SIGNATURES: Record<string, (head: Uint8Array) => boolean> = {
  'image/png': (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (h) => startsWith(h, [0xff, 0xd8, 0xff]),
  'image/gif': (h) => startsWith(h, ascii('GIF87a')) || startsWith(h, ascii('GIF89a')),
  'image/webp': (h) => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WEBP'), 8),
  'application/pdf': (h) => startsWith(h, ascii('%PDF-')),
  'text/plain': (h) => !h.includes(0),
};
/** Bytes looked at before the signature check. */
const HEAD_BYTES = 512;

function unsupported(message: string): CasekitError {
  return new CasekitError('unsupported_media_type', message, { details: { issues: [{ path: 'headers.content-type', message }] } });
}

function tooLarge(limit: number): CasekitError {
  const message = `The file is larger than the limit of ${formatBytes(limit)}.`;
  return new CasekitError('payload_too_large', message, { details: { limit, issues: [{ path: 'body', message }] } });
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/**
 * Streams an upload's body into the blob store: the Content-Type must be an accepted one and the
 * bytes must look like it, the size must stay under the limit. Refusals are 413/415/400 errors
 * naming the header or the body; a refused body is never stored.
 */
export async function receiveUpload(
  body: AsyncIterable<Uint8Array>,
  headers: { contentType: string | undefined; contentLength: string | undefined },
  blobs: BlobStore,
  limits: UploadLimits,
  facts: Pick<BlobInfo, 'workspaceId' | 'name' | 'owner' | 'createdAt'>,
): Promise<BlobInfo> {
  const contentType = mediaType(headers.contentType);
  if (!contentType) throw unsupported("Send the file's type as Content-Type, e.g. image/png (got none).");
  if (!limits.contentTypes.includes(contentType)) {
    throw unsupported(`Files of type ${contentType} are not accepted; send one of ${limits.contentTypes.join(', ')}.`);
  }
  if (Number(headers.contentLength) > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const looksRight = SIGNATURES[contentType];
  const check = (head: Uint8Array) => {
    if (head.byteLength === 0) throw validationError([{ path: 'body', message: 'the file is empty' }]);
    if (looksRight && !looksRight(head)) {
      throw unsupported(`The file's bytes are not ${contentType}; send it with its real type as Content-Type.`);
    }
  };
  async function* checked(): AsyncGenerator<Uint8Array> {
    let size = 0;
    let head: Uint8Array | null = new Uint8Array(0);
    const chunks = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw new CasekitError('bad_request', 'The upload was cut off before its end; send it again.', { cause: error });
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
      if (!head) {
        yield next.value;
        continue;
      }
      head = concat(head, next.value);
      if (head.byteLength >= HEAD_BYTES) {
        check(head);
        yield head;
        head = null;
      }
    }
    if (head) {
      check(head);
      yield head;
    }
  }
  return blobs.put({ id: newUploadId(), ...facts, contentType }, checked());
}

/** `inline` or `attachment` with the name as ASCII and as UTF-8 (RFC 6266). */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The headers a stored file is sent with: its own type, never sniffed; images inline, everything
 * else as a download; a sandboxing CSP in case a browser renders it anyway.
 */
export function fileHeaders(info: BlobInfo): Record<string, string> {
  const inline = (INLINE_IMAGE_TYPES as readonly string[]).includes(info.contentType);
  return {
    'content-type': info.contentType.startsWith('text/') ? `${info.contentType}; charset=utf-8` : info.contentType,
    'content-length': String(info.size),
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', info.name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    // The id is the key and the bytes never change.
    'cache-control': 'private, max-age=31536000, immutable',
  };
}

const UPLOAD_URL = new RegExp(`/uploads/(${UPLOAD_ID_PATTERN})$`);

/** The id in an upload URL (`…/uploads/up_…`), absolute or not; null for anything else. */
export function uploadIdOf(url: string): string | null {
  let path: string;
  try {
    path = new URL(url, 'http://casekit.invalid').pathname;
  } catch {
    return null;
  }
  return UPLOAD_URL.exec(path)?.[1] ?? null;
}

/**
 * Checks a message's attachments: each must be a file uploaded to this server and, for a visitor,
 * one they uploaded themselves. Answers them with the stored name, type and size (whatever the
 * client claimed) and this server's URL, and the upload ids to mark attached once the message is
 * stored; quick replies pass as they are when `allowQuickReplies`. Writes nothing.
 */
export async function resolveAttachments(
  attachments: Attachment[] | undefined,
  options: {
    blobs: BlobStore | undefined;
    workspaceId: string;
    urlOf: (id: string) => string;
    /** Whether this uploader may attach the file (e.g. only the visitor's own). */
    mayUse: (info: BlobInfo) => Promise<boolean>;
    allowQuickReplies: boolean;
  },
): Promise<{ attachments: Attachment[] | undefined; uploadIds: string[] }> {
  if (!attachments?.length) return { attachments, uploadIds: [] };
  const issues: FieldIssue[] = [];
  const uploadIds: string[] = [];
  const resolved = await Promise.all(
    attachments.map(async (attachment, i): Promise<Attachment | null> => {
      if (options.allowQuickReplies && attachment.contentType === QUICK_REPLY_CONTENT_TYPE) return attachment;
      const id = uploadIdOf(attachment.url);
      const info = id && options.blobs ? await options.blobs.stat(id) : null;
      if (!info || info.workspaceId !== options.workspaceId || !(await options.mayUse(info))) {
        issues.push({
          path: `body.attachments.${i}.url`,
          message: id ? 'no such upload of yours on this server' : 'must be the url of a file uploaded to this server',
        });
        return null;
      }
      uploadIds.push(info.id);
      return { name: info.name, contentType: info.contentType, size: info.size, url: options.urlOf(info.id) };
    }),
  );
  if (issues.length > 0) throw validationError(issues);
  return { attachments: resolved as Attachment[], uploadIds };
}
