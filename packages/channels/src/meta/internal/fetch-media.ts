import { DeliveryError } from '@casekit/core';
import type { FetchedAttachment } from '@casekit/core';
import { download, downloadContext, getText, httpFailure, httpUrl, refuseOversize } from '../../internal/download.ts';
import { graphDeliveryError, hasGraphError } from './graph-errors.ts';
import { graphOrigin, graphUrl } from './graph-settings.ts';
import { fileOfUrl } from './media.ts';

/** Where a channel's Graph API is, and how it is called. */
interface GraphAccess {
  config: { apiBaseUrl?: string | undefined; apiVersion?: string | undefined };
  fetch: typeof fetch;
  timeoutMs: number;
}

const MEDIA_REF = /^meta-media:([A-Za-z0-9_.-]{1,128})$/;

/**
 * Fetches WhatsApp media a customer sent (`meta-media:<id>`): `GET /{version}/{id}` with the
 * Bearer token answers its URL and type, then that URL is fetched with the same token. Webhook
 * media ids expire, and an expired one is a permanent `not_found`.
 */
export async function fetchWhatsAppMedia(ref: string, access: GraphAccess & { accessToken: string; phoneNumberId: string }): Promise<FetchedAttachment> {
  const id = MEDIA_REF.exec(ref)?.[1];
  if (!id) {
    throw new DeliveryError('A WhatsApp Cloud attachment is fetched by its media id (meta-media:<id>), and this address is not one.', { retryable: false, code: 'invalid_url' });
  }
  const context = downloadContext('Meta', access.fetch, access.timeoutMs);
  const bearer = { authorization: `Bearer ${access.accessToken}` };
  const lookup = `${graphUrl(access.config, id)}?phone_number_id=${encodeURIComponent(access.phoneNumberId)}`;
  const answer = await getText(lookup, context, { ...bearer, accept: 'application/json' });
  const body = parseJson(answer.text);
  if (answer.status < 200 || answer.status >= 300 || hasGraphError(body)) throw lookupFailure(id, answer.status, body, answer.retryAfter);

  const { url, mime_type: mimeType, file_size: fileSize } = (body ?? {}) as { url?: unknown; mime_type?: unknown; file_size?: unknown };
  if (typeof url !== 'string' || !url) {
    throw new DeliveryError(`Meta answered the look-up of media ${id} without its URL.`, { retryable: false, code: 'bad_response' });
  }
  refuseOversize('Meta', typeof fileSize === 'number' ? fileSize : undefined);
  const origin = graphOrigin(access.config);
  const mediaUrl = trusted(httpUrl(url, 'Meta'), origin);
  const file = await download(mediaUrl, context, {
    headers: bearer,
    checkRedirect: (next) => trusted(next, origin),
    credentialsHint: "Check the channel's secrets.accessToken.",
  });
  return { bytes: file.bytes, contentType: typeof mimeType === 'string' && mimeType ? mimeType : (file.contentType ?? 'application/octet-stream') };
}

/**
 * Fetches a Messenger or Instagram attachment from the CDN URL its webhook carried, without
 * credentials, over https only. Those links expire: Meta's refusal is then a permanent `not_found`.
 */
export async function fetchPageAttachment(ref: string, access: GraphAccess): Promise<FetchedAttachment> {
  if (ref.startsWith('meta-media:')) {
    throw new DeliveryError('Media ids (meta-media:) belong to WhatsApp Cloud; a Messenger or Instagram attachment is fetched by its CDN URL.', {
      retryable: false,
      code: 'invalid_url',
    });
  }
  const origin = graphOrigin(access.config);
  const url = trusted(httpUrl(ref, 'Meta'), origin);
  const context = downloadContext('Meta', access.fetch, access.timeoutMs);
  const file = await download(url, context, {
    checkRedirect: (next) => trusted(next, origin),
    refusal: (status, _body, retryAfter) =>
      status === 401 || status === 403 || status === 404 || status === 410
        ? new DeliveryError(`Meta's CDN no longer serves this attachment (HTTP ${status}): its link has expired or the customer deleted it.`, { retryable: false, code: 'not_found' })
        : httpFailure('Meta', status, undefined, retryAfter),
  });
  const named = fileOfUrl(ref).contentType;
  return { bytes: file.bytes, contentType: file.contentType ?? named ?? 'application/octet-stream' };
}

// Files come from Meta's CDN over https; plain http only from the channel's own Graph origin (a fake in tests).
function trusted(url: URL, graphOrigin: string): URL {
  if (url.protocol === 'https:' || url.origin === graphOrigin) return url;
  throw new DeliveryError(`The file is at a plain http address on ${url.host}; Meta's files are fetched over https only.`, { retryable: false, code: 'invalid_url' });
}

function lookupFailure(id: string, status: number, body: unknown, retryAfter: string | null): DeliveryError {
  const error = (body as { error?: { code?: unknown; error_subcode?: unknown } } | null)?.error;
  if (status === 404 || (error?.code === 100 && error.error_subcode === 33)) {
    return new DeliveryError(
      `Meta has no media ${id} for this number: WhatsApp keeps a customer's media for a limited time, so it has expired or was deleted.`,
      { retryable: false, code: 'not_found' },
    );
  }
  return graphDeliveryError(status, body, retryAfter);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
