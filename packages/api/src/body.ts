import { CasekitError } from '@casekit/protocol';

/** A request body as an adapter sees it, before anything is parsed. */
export interface BodySource {
  /** The Content-Type header. */
  contentType: string | undefined;
  /** Whether the request carries a body at all (a length above 0, or chunked). */
  hasBody: boolean;
  /** The body's bytes, as they arrive or all at once. */
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "1mb", "512kb", 1048576 → bytes; the default for anything else. */
export function sizeInBytes(size: number | string | undefined, fallback: number): number {
  if (typeof size === 'number' && Number.isFinite(size) && size > 0) return Math.floor(size);
  const match = typeof size === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(size) : null;
  return match ? Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1)) : fallback;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}

/**
 * Reads a JSON body the way every adapter must: undefined when there is none; 415 for another
 * media type or charset; 413 past `limit` bytes (reading stops there); 400 `invalid_json` for
 * bytes that are not UTF-8, or text that is not a JSON object or array.
 */
export async function readJsonBody(source: BodySource, limit: number): Promise<unknown> {
  if (!source.hasBody) return undefined;
  const [type = '', ...params] = (source.contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (!JSON_TYPE.test(type)) {
    throw new CasekitError('unsupported_media_type', `Send the body as JSON with "Content-Type: application/json" (got ${JSON.stringify(source.contentType ?? 'none')}).`);
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new CasekitError('unsupported_media_type', `Unsupported charset "${charset}"; send UTF-8 JSON.`);
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of source.chunks) {
      size += chunk.byteLength;
      if (size > limit) throw new CasekitError('payload_too_large', `The body is larger than the limit of ${formatBytes(limit)}.`, { details: { limit } });
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof CasekitError) throw error;
    throw new CasekitError('bad_request', 'The body was cut off before its end; send it again.', { cause: error });
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) (bytes.set(part, offset), (offset += part.byteLength));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new CasekitError('invalid_json', 'The body is not UTF-8 text; send UTF-8 JSON.', { cause: error });
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CasekitError('invalid_json', `The body is not valid JSON (${(error as Error).message}); send a JSON object.`, { cause: error });
  }
  if (value === null || typeof value !== 'object') throw new CasekitError('invalid_json', 'The body must be a JSON object.');
  return value;
}
