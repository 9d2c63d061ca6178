import { ROUTE_META } from '@casekit/protocol';
import type { Attachment } from '@casekit/protocol';
import { CasekitApiError } from '../errors.ts';
import { fetchAnswer, normalizeBaseUrl, readAnswer, type HttpOptions } from './http.ts';
import type { UploadOptions } from '../upload-options.ts';

/**
 * Sends a file to an upload route and answers the attachment to put on a message: the file's
 * bytes as the body, its type as Content-Type, its name in the query. With `onProgress` and
 * XMLHttpRequest at hand it reports progress. (Loaded on first use: chat pages that never
 * attach a file do not download it.)
 */
export async function upload(
  route: 'upload' | 'visitorUpload',
  options: HttpOptions,
  file: Blob,
  name: string | undefined,
  uploadOptions: UploadOptions = {},
): Promise<Attachment> {
  const meta = ROUTE_META[route];
  const what = `${meta.method} ${meta.path}`;
  const base = `${normalizeBaseUrl(options.baseUrl)}/api/v1`;
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fileName = name ?? (file as Partial<File>).name ?? '';
  if (!fileName) {
    throw new CasekitApiError('validation_failed', 'uploadAttachment(file, name): a Blob has no name of its own; pass one.', {
      status: 0,
      details: { issues: [{ path: 'query.name', message: 'required' }] },
    });
  }
  const url = `${base}${meta.path}?name=${encodeURIComponent(fileName)}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = options.getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const type = uploadOptions.contentType ?? file.type;
  if (type) headers['content-type'] = type;

  const { onProgress, signal } = uploadOptions;
  const attachment =
    onProgress && typeof XMLHttpRequest === 'function' && !options.fetch
      ? await sendWithProgress(url, headers, file, onProgress, signal, what, base)
      : await fetchAnswer(doFetch, url, { method: 'POST', headers, body: file, ...(signal ? { signal } : {}) }, what, base);
  onProgress?.(file.size, file.size);
  return attachment as Attachment;
}

function sendWithProgress(
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
  signal: AbortSignal | undefined,
  what: string,
  base: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [key, value] of Object.entries(headers)) xhr.setRequestHeader(key, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, file.size);
    xhr.onload = () => {
      try {
        resolve(readAnswer(xhr.status, xhr.responseText, what));
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => reject(new CasekitApiError('unavailable', `${what}: could not reach the server at ${base}.`, { status: 0 }));
    xhr.onabort = () => reject(signal?.reason ?? new DOMException('The upload was aborted.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
